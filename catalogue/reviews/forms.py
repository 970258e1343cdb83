"""Forms of reviews: the buyer's review, the seller's reply, staff's reason for hiding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.photos import PhotosField
from catalogue.reviews.services import MAX_PHOTOS, check_text

SCORES = [(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")]


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose 1 to 5 stars."), "invalid_choice": _("Choose 1 to 5 stars.")},
    )
    body = forms.CharField(
        label=_("Your review"), min_length=10, max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you like, what could be better? No links or phone numbers."),
    )
    photos = PhotosField(label=_("Photos (up to 3)"))

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        check_text(body)
        return body

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("A review can have at most %(max)s photos.") % {"max": MAX_PHOTOS})
        return photos


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("You can reply once; shoppers see it under the review."))

    def clean_reply(self):
        text = self.cleaned_data["reply"].strip()
        if not text:
            raise forms.ValidationError(_("Write your reply."))
        check_text(text)
        return text


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.ChoiceField(choices=[("hide", "hide"), ("show", "show")])

    def clean(self):
        data = super().clean()
        if data.get("action") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the review is hidden."))
        return data
