"""The programme back office (/staf/): members, listing review, food certificates, change log, search synonyms.

Money pages (balances, statements, orders and refunds) are in ``finance.py``.
Views read and show; the rules they apply live with their concept:
``partner.members`` (member transitions), ``catalogue.moderation`` (listing
review), ``FoodCompliance.decide`` (certificates), ``payments`` (money).
"""

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from oscar.core.loading import get_model

from backoffice.access import StaffRequiredMixin
from backoffice.forms import DecisionForm, ReviewForm, SynonymsForm
from catalogue import moderation
from jobs.models import Job
from partner import members
from payments.models import PaymentAttempt
from search import synonyms
from search.models import SynonymGroup

Partner = get_model("partner", "Partner")
FoodCompliance = get_model("partner", "FoodCompliance")
Product = get_model("catalogue", "Product")

# Payments that came without an order (a wrong amount or currency) or whose refund is not yet sent.
PAYMENTS_NEEDING_STAFF = [PaymentAttempt.Status.REVIEW, PaymentAttempt.Status.REFUND_DUE]


class HomeView(StaffRequiredMixin, TemplateView):
    """The back office's areas, each with what waits for staff."""

    template_name = "backoffice/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts={
            "applications": Partner.objects.filter(status=Partner.Status.APPLIED).count(),
            "listings": moderation.needs_review(Product.objects.all()).count(),
            "certificates": FoodCompliance.objects.filter(verified_at__isnull=True).count(),
            "payments": PaymentAttempt.objects.filter(status__in=PAYMENTS_NEEDING_STAFF).count(),
            "failed_tasks": Job.objects.filter(state=Job.State.FAILED).count(),
        }, **kwargs)


class MemberListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/member_list.html"
    context_object_name = "members"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", Partner.Status.APPLIED)
        self.status = status if status in Partner.Status.values else Partner.Status.APPLIED
        return Partner.objects.filter(status=self.status).select_related("kecamatan").order_by("-date_created")

    def get_context_data(self, **kwargs):
        counts = dict(Partner.objects.values_list("status").annotate(n=Count("pk")))
        return super().get_context_data(status=self.status, statuses=[(s, label, counts.get(s, 0)) for s, label in Partner.Status.choices], **kwargs)


class MemberReviewView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/member_review.html"

    def get_context_data(self, **kwargs):
        partner = get_object_or_404(Partner.objects.select_related("kecamatan"), pk=self.kwargs["pk"])
        kwargs.setdefault("form", ReviewForm())
        return super().get_context_data(member=partner, users=partner.users.all(), **kwargs)

    def post(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk)
        form = ReviewForm(request.POST)
        if form.is_valid() and not members.can(partner, form.cleaned_data["action"]):
            form.add_error("action", _("This business is %(status)s; that action does not apply.") % {"status": partner.get_status_display()})
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        action = form.cleaned_data["action"]
        if members.decide(partner, action, form.cleaned_data["reason"], request) is None:
            messages.success(request, _("Application rejected; the applicant was emailed the reason."))
            return redirect("backoffice:members")
        messages.success(request, _("%(name)s is now %(status)s.") % {"name": partner.name, "status": partner.get_status_display()})
        return redirect("backoffice:member", pk=partner.pk)


class ModerationListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/moderation.html"
    context_object_name = "products"
    paginate_by = 30

    def get_queryset(self):
        return (
            moderation.needs_review(Product.objects.all())
            .select_related("product_class")
            .prefetch_related("images", "stockrecords", "children__stockrecords", "categories")
            .order_by("-date_updated")
            .prefetch_related("stockrecords__partner", "children__stockrecords__partner", "attribute_values__attribute")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=DecisionForm(), **kwargs)


class ModerationDecisionView(StaffRequiredMixin, View):
    def post(self, request, pk):
        product = get_object_or_404(Product, pk=pk, parent=None)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("backoffice:moderation")
        approve = form.cleaned_data["action"] == "approve"
        moderation.review(product, request.user, approve, form.cleaned_data["reason"].strip())
        messages.success(request, (_("%(title)s approved.") if approve else _("%(title)s rejected.")) % {"title": product.title})
        return redirect("backoffice:moderation")


class ComplianceListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/compliance.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        self.show = self.request.GET.get("show", "unverified")
        records = FoodCompliance.objects.select_related("product").prefetch_related("product__attribute_values__attribute")
        if self.show == "unverified":
            records = records.filter(verified_at__isnull=True)
        return records.order_by("halal_expiry", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(show=self.show, form=DecisionForm(), **kwargs)


class ComplianceDecisionView(StaffRequiredMixin, View):
    def post(self, request, pk):
        record = get_object_or_404(FoodCompliance.objects.select_related("product"), pk=pk)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            approve = form.cleaned_data["action"] == "approve"
            record.decide(request.user, approve, form.cleaned_data["reason"].strip())
            messages.success(request, (_("%(title)s: numbers verified.") if approve else _("%(title)s: verification refused.")) % {"title": record.product.title})
        return redirect("backoffice:compliance")


class ChangeLogView(StaffRequiredMixin, ListView):
    """Every change to listings, stock, photos and members: who, when, what."""

    template_name = "backoffice/changes.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        models = [get_model(*label.split(".")) for label in (
            "catalogue.Product", "catalogue.ProductImage", "catalogue.ProductAttributeValue",
            "partner.StockRecord", "partner.Partner", "partner.FoodCompliance")]
        types = ContentType.objects.get_for_models(*models).values()
        entries = LogEntry.objects.filter(content_type__in=types).select_related("actor", "content_type")
        if self.request.GET.get("product"):
            try:
                product_pk = int(self.request.GET["product"])
            except ValueError:
                product_pk = 0
            entries = entries.filter(content_type=ContentType.objects.get_for_model(Product), object_pk=str(product_pk))
        return entries.order_by("-timestamp")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for entry in context["entries"]:
            entry.readable_changes = readable_changes(entry)
        return context


def readable_changes(entry):
    """An audit entry's changes as staff read them: [(field label, old, new)] with the fields'
    translated names and choice labels; the record's id and the other records that point at it
    (auditlog lists those as "None → app.Model.None" when a record is created) are left out."""
    model = entry.content_type.model_class()
    if model is None:
        return [(name, *values) for name, values in entry.changes_dict.items()]
    fields = {str(f.verbose_name): f for f in model._meta.concrete_fields if not f.primary_key}
    rows = []
    for label, values in entry.changes_display_dict.items():
        if str(label) not in fields:
            continue
        old, new = ["" if value in (None, "None") else value for value in (list(values) + [None, None])[:2]]
        if old != new:
            rows.append((capfirst(label), old, new))
    return rows


class SynonymsView(StaffRequiredMixin, FormView):
    """Programme staff edit the search synonyms; the next search uses them (no deploy, no reindex)."""

    template_name = "backoffice/synonyms.html"
    form_class = SynonymsForm

    def get_initial(self):
        return {"groups": "\n".join(g.words for g in SynonymGroup.objects.all())}

    def form_valid(self, form):
        synonyms.replace_groups(form.cleaned_data["groups"])
        messages.success(self.request, _("Saved %(n)s synonym groups; searches use them now.") % {"n": len(form.cleaned_data["groups"])})
        return redirect("backoffice:synonyms")
