"""StreamField blocks of founder stories."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from .choosers import ProductChooserBlock

# Rich text limited to what a story needs.
STORY_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class SafeRichTextBlock(blocks.RichTextBlock):
    """Rich text cleaned against the feature whitelist whenever it is stored.

    The admin's editor already drops anything outside the whitelist; cleaning
    at save as well covers text that arrives another way (imports, scripts,
    the API), so no stored story can carry script or event handlers.
    """

    def get_prep_value(self, value):
        from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

        source = super().get_prep_value(value)
        converter = EditorHTMLConverter(features=self.features)
        # Through the editor's format and back: page and document links survive.
        return converter.to_database_format(converter.from_database_format(source))


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Said by"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class ProductCarouselBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    products = blocks.ListBlock(ProductChooserBlock(label=_("Product")), label=_("Products"))

    class Meta:
        icon = "tag"
        template = "blocks/product_carousel.html"


class NumberBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("Number"), max_length=20, help_text=_("For example 15 or Rp 40 juta"))
    label = blocks.CharBlock(label=_("What it counts"), max_length=80, help_text=_("For example: outlets opened"))


class NumbersBlock(blocks.StructBlock):
    items = blocks.ListBlock(NumberBlock(), label=_("Numbers"))

    class Meta:
        icon = "list-ol"
        template = "blocks/numbers.html"


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = SafeRichTextBlock(features=STORY_FEATURES, label=_("Paragraph"))
    image = CaptionedImageBlock(label=_("Image with caption"))
    quote = QuoteBlock(label=_("Quote"))
    products = ProductCarouselBlock(label=_("Product carousel"))
    numbers = NumbersBlock(label=_("Numbers"))
