"""Size guides per product type, edited by staff as Wagtail snippets and shown on product pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class SizeGuide(ClusterableModel):
    """The sizes of one product type that has them (shoes in EU sizes; clothing S–XXL), as a table."""

    class Kind(models.TextChoices):
        SHOES = "shoes", _("Shoes: EU size and foot length")
        CLOTHING = "clothing", _("Clothing: size, chest and length")

    product_class = models.OneToOneField(
        "catalogue.ProductClass", on_delete=models.CASCADE, related_name="size_guide", verbose_name=_("product type"),
        help_text=_("Products of this type show this guide."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SHOES,
                            help_text=_("Decides the table's columns."))
    how_to_measure = models.TextField(_("how to measure"), blank=True,
                                      help_text=_("A sentence or two shown under the table."))

    panels = [FieldPanel("product_class"), FieldPanel("kind"), FieldPanel("how_to_measure"), InlinePanel("rows", label=_("Sizes"))]

    class Meta:
        verbose_name = _("size guide")
        verbose_name_plural = _("size guides")

    def __str__(self):
        return str(self.product_class)

    @property
    def headings(self):
        if self.kind == self.Kind.CLOTHING:
            return [_("Size"), _("Chest (cm)"), _("Length (cm)")]
        return [_("EU size"), _("Foot length (cm)")]

    def table(self):
        """Rows of cells in the columns ``headings`` names."""
        rows = []
        for row in self.rows.all():
            cells = [row.size, row.first]
            if self.kind == self.Kind.CLOTHING:
                cells.append(row.second)
            rows.append(cells)
        return rows


class SizeGuideRow(Orderable):
    guide = ParentalKey(SizeGuide, on_delete=models.CASCADE, related_name="rows")
    size = models.CharField(_("size"), max_length=16, help_text=_("e.g. 40, or M"))
    first = models.DecimalField(_("foot length or chest (cm)"), max_digits=5, decimal_places=1)
    second = models.DecimalField(_("length (cm)"), max_digits=5, decimal_places=1, null=True, blank=True,
                                 help_text=_("Clothing only."))

    panels = [FieldPanel("size"), FieldPanel("first"), FieldPanel("second")]
