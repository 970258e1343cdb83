"""Forms of the programme back office: decisions on members, listings and certificates; search synonyms."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewForm(forms.Form):
    ACTIONS = [
        ("approve", _("Approve")),
        ("reject", _("Reject")),
        ("suspend", _("Suspend")),
        ("reactivate", _("Reactivate")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("action") in ("reject", "suspend") and not data.get("reason", "").strip():
            self.add_error("reason", _("Write the reason: the business reads it in the email."))
        return data


class DecisionForm(forms.Form):
    """Staff's approve/reject of a listing or a certificate."""

    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Write the reason: the seller sees it."))
        return data


class SynonymsForm(forms.Form):
    groups = forms.CharField(
        label=_("Synonym groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control"}),
        help_text=_("One group per line, words separated by commas, e.g. “kerudung, hijab, jilbab”. "
                    "A search for any word finds products with any other word of its group."),
    )

    def clean_groups(self):
        groups = []
        for n, line in enumerate(self.cleaned_data["groups"].splitlines(), start=1):
            words = [w.strip() for w in line.split(",") if w.strip()]
            if not words:
                continue
            if len(words) < 2:
                raise forms.ValidationError(_("Line %(n)s has only one word; a group needs two or more.") % {"n": n})
            if len(line) > 500:
                raise forms.ValidationError(_("Line %(n)s is longer than 500 characters.") % {"n": n})
            groups.append(", ".join(words))
        return groups
