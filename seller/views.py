"""The seller centre (/penjual/): a member business's own pages. Programme staff's pages are in backoffice/."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from order import emails as order_emails
from partner import emails, members
from payments.services import CANCELLED, PAID, PARTLY_REFUNDED
from payments.stock import consume_shipped
from seller.access import SellerRequiredMixin, business_of
from seller.forms import (
    ApplicationForm,
    FulfilmentForm,
    InviteForm,
    ListingForm,
    PhotosForm,
    ProfileForm,
    VariantFormSet,
)
from seller.listings import HeldStock, owned_products, save_listing

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
MemberInvitation = get_model("partner", "MemberInvitation")
LineFulfilment = get_model("partner", "LineFulfilment")
FoodCompliance = get_model("partner", "FoodCompliance")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Line = get_model("order", "Line")
Order = get_model("order", "Order")


def with_listing_data(products):
    return products.select_related("product_class").prefetch_related(
        "images", "stockrecords", "children__stockrecords"
    ).order_by("-date_updated")


# --- joining ------------------------------------------------------------------------
class ApplyView(LoginRequiredMixin, TemplateView):
    template_name = "seller/apply.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and business_of(request.user):
            return redirect("seller:home")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ApplicationForm())
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = ApplicationForm(request.POST, request.FILES, instance=Partner(status=Partner.Status.APPLIED))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=200)
        members.apply(form.save(commit=False), request.user, request)
        messages.success(request, _("Thank you! Programme staff will review your application and email you."))
        return redirect("seller:home")


class InvitationAcceptView(LoginRequiredMixin, TemplateView):
    template_name = "seller/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.invite = get_object_or_404(MemberInvitation, token=kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            invite=self.invite,
            email_matches=user.email.lower() == self.invite.email.lower(),
            has_business=business_of(user) is not None,
            **kwargs,
        )

    def post(self, request, token):
        context = self.get_context_data()
        if not (self.invite.is_open and context["email_matches"] and not context["has_business"]):
            return self.render_to_response(context, status=400)
        self.invite.partner.users.add(request.user)
        self.invite.date_accepted = timezone.now()
        self.invite.save()
        messages.success(request, _("You now act for %(name)s.") % {"name": self.invite.partner.name})
        return redirect("seller:home")


# --- the seller's own area ------------------------------------------------------------
class HomeView(SellerRequiredMixin, TemplateView):
    template_name = "seller/home.html"
    allow_inactive = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.partner.is_active:
            return context
        month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        lines = Line.objects.filter(partner=self.partner, order__date_placed__gte=month_start, order__status__in=[PAID, PARTLY_REFUNDED])
        context["summary"] = lines.aggregate(revenue=Sum("line_price_incl_tax"), units=Sum("quantity"), orders=Count("order", distinct=True))
        context["best_sellers"] = (
            lines.values("title").annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax")).order_by("-units", "title")[:5]
        )
        context["to_ship"] = (
            Line.objects.filter(partner=self.partner, order__status__in=[PAID, PARTLY_REFUNDED])
            .exclude(fulfilment__status=LineFulfilment.Status.SHIPPED).count()
        )
        products = owned_products(self.partner)
        context["counts"] = {
            "live": products.filter(is_public=True).count(),
            "pending": products.filter(moderation=Product.Moderation.PENDING).count(),
            "rejected": products.filter(moderation=Product.Moderation.REJECTED).count(),
        }
        soon = timezone.localdate() + timedelta(days=30)
        context["expiring"] = FoodCompliance.objects.filter(
            product__in=products, halal_expiry__isnull=False, halal_expiry__lte=soon
        ).select_related("product")
        return context


class ProfileView(SellerRequiredMixin, TemplateView):
    template_name = "seller/profile.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ProfileForm(instance=self.partner))
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = ProfileForm(request.POST, request.FILES, instance=self.partner)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your shop details are saved."))
            return redirect("seller:profile")
        return self.render_to_response(self.get_context_data(form=form))


class ProductListView(SellerRequiredMixin, ListView):
    template_name = "seller/product_list.html"
    context_object_name = "products"
    paginate_by = 30

    def get_queryset(self):
        return with_listing_data(owned_products(self.partner))


class ProductTypeView(SellerRequiredMixin, TemplateView):
    template_name = "seller/product_type.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(product_classes=ProductClass.objects.order_by("name"), **kwargs)


class ListingFormView(SellerRequiredMixin, TemplateView):
    """Create or edit a product with its attributes, variants, stock and photos on one page."""

    template_name = "seller/product_form.html"

    def forms(self, data=None, files=None):
        product = self.product
        stockrecord = compliance = None
        children = []
        if product.pk:
            stockrecord = product.stockrecords.filter(partner=self.partner).first()
            compliance = FoodCompliance.objects.filter(product=product).first()
            children = list(product.children.order_by("pk"))
        form = ListingForm(
            self.product_class, data=data, instance=product if product.pk else None,
            stockrecord=stockrecord, compliance=compliance,
        )
        variants = None
        if form.variant_attribute:
            initial = []
            for child in children:
                record = next(iter(child.stockrecords.filter(partner=self.partner)), None)
                initial.append({
                    "child": child.pk,
                    "option": getattr(child.attr, form.variant_attribute.code, None),
                    "price": int(record.price) if record else None,
                    "stock": record.num_in_stock if record else None,
                })
            held = {r.product_id: r.num_allocated for r in StockRecord.objects.filter(product__in=children, num_allocated__gt=0)}
            variants = VariantFormSet(
                data, prefix="variant", initial=initial or None,
                attribute=form.variant_attribute, children=[c.pk for c in children], held=held,
            )
        photos = PhotosForm(data, files, product=product)
        return form, variants, photos

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, variants, photos = kwargs.get("forms") or self.forms()
        context.update(form=form, variants=variants, photos=photos, product=self.product, product_class=self.product_class)
        return context

    def get(self, request, *args, **kwargs):
        self.setup_product(**kwargs)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_product(**kwargs)
        form, variants, photos = self.forms(request.POST, request.FILES)
        valid = [f.is_valid() for f in (form, variants, photos) if f is not None]
        if not all(valid):
            messages.error(request, _("Some fields need your attention; what you typed is kept below."))
            return self.render_to_response(self.get_context_data(forms=(form, variants, photos)))
        try:
            product = save_listing(self.partner, form, variants, photos)
        except HeldStock as error:
            # A payment took the variant's stock between showing and saving the form.
            messages.error(request, _("%(title)s is being paid for or is in an order not yet shipped, so it cannot be "
                                      "deleted; nothing was saved.") % {"title": error.title})
            return redirect("seller:product-edit", pk=self.product.pk)
        if product.moderation == Product.Moderation.PENDING:
            messages.success(request, _("Saved. Programme staff review new products before they appear in the shop."))
        else:
            messages.success(request, _("Saved."))
        return redirect("seller:product-edit", pk=product.pk)


class ProductCreateView(ListingFormView):
    def setup_product(self, class_slug):
        self.product_class = get_object_or_404(ProductClass, slug=class_slug)
        self.product = Product(product_class=self.product_class)


class ProductUpdateView(ListingFormView):
    def setup_product(self, pk):
        self.product = get_object_or_404(owned_products(self.partner).select_related("product_class"), pk=pk)
        self.product_class = self.product.product_class


class ProductPublishView(SellerRequiredMixin, View):
    def post(self, request, pk):
        product = get_object_or_404(owned_products(self.partner), pk=pk)
        product.published = not product.published
        product.sync_visibility()
        product.save()
        if product.published:
            messages.success(request, _("%(title)s is shown in the shop.") % {"title": product.title}
                             if product.is_public else _("%(title)s will be shown once approved.") % {"title": product.title})
        else:
            messages.success(request, _("%(title)s is hidden from the shop.") % {"title": product.title})
        return redirect("seller:products")


class ProductDeleteView(SellerRequiredMixin, TemplateView):
    template_name = "seller/product_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(product=get_object_or_404(owned_products(self.partner), pk=self.kwargs["pk"]), **kwargs)

    def post(self, request, pk):
        product = get_object_or_404(owned_products(self.partner), pk=pk)
        title = product.title
        with transaction.atomic():
            # Lock the stock rows: a payment starting now either holds first (and the delete is refused)
            # or finds the product gone.
            records = StockRecord.objects.select_for_update(of=("self",)).filter(Q(product=product) | Q(product__parent=product))
            if any((r.num_allocated or 0) > 0 for r in records):
                messages.error(request, _("%(title)s is in orders not yet shipped or being paid for; hide it instead of deleting it.") % {"title": title})
                return redirect("seller:product-edit", pk=pk)
            product.delete()
        messages.success(request, _("%(title)s is deleted.") % {"title": title})
        return redirect("seller:products")


class OrderListView(SellerRequiredMixin, ListView):
    """Orders that hold at least one of this business's lines; only those lines are shown."""

    template_name = "seller/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return (
            Order.objects.filter(lines__partner=self.partner).exclude(status=CANCELLED)
            .annotate(
                own_lines=Count("lines", filter=Q(lines__partner=self.partner)),
                own_total=Sum("lines__line_price_incl_tax", filter=Q(lines__partner=self.partner)),
                shipped=Count("lines", filter=Q(lines__partner=self.partner, lines__fulfilment__status="shipped")),
            )
            .select_related("shipping_address")
            .order_by("-date_placed")
        )


class OrderDetailView(SellerRequiredMixin, TemplateView):
    template_name = "seller/order_detail.html"

    def get_context_data(self, **kwargs):
        order = get_object_or_404(Order.objects.select_related("shipping_address"), number=self.kwargs["number"])
        lines = list(order.lines.filter(partner=self.partner).select_related("fulfilment", "product"))
        if not lines:
            raise Http404
        for line in lines:
            fulfilment = getattr(line, "fulfilment", None) or LineFulfilment(line=line)
            line.form = kwargs.get("forms", {}).get(line.pk) or FulfilmentForm(
                instance=fulfilment, prefix=f"line{line.pk}", pickup=bool(order.pickup_mart_id))
        return super().get_context_data(
            order=order, lines=lines, address=order.shipping_address,
            own_total=sum(line.line_price_incl_tax for line in lines), **kwargs,
        )

    def post(self, request, number):
        """Mark one of this business's lines packed or shipped (the line id is checked against the business)."""
        try:
            line_pk = int(request.POST.get("line", ""))
        except ValueError:
            raise Http404
        line = get_object_or_404(Line.objects.select_related("order"), pk=line_pk, partner=self.partner, order__number=number)
        existing = getattr(line, "fulfilment", None)
        was_shipped = existing is not None and existing.is_shipped
        form = FulfilmentForm(request.POST, instance=existing or LineFulfilment(line=line), prefix=f"line{line.pk}",
                              pickup=bool(line.order.pickup_mart_id))
        if form.is_valid():
            with transaction.atomic():
                fulfilment = form.save(commit=False)
                fulfilment.line, fulfilment.updated_by = line, request.user
                shipped = fulfilment.status == LineFulfilment.Status.SHIPPED
                # The parcel left, once: its units leave stock and allocation (payments.stock.consume_shipped).
                if shipped and not fulfilment.stock_consumed and consume_shipped(line):
                    fulfilment.stock_consumed = True
                fulfilment.save()
                if shipped and (not was_shipped or form.has_changed()):
                    # The shopper hears of the parcel (or of a corrected tracking number).
                    transaction.on_commit(lambda: order_emails.line_shipped(line.pk))
            messages.success(request, _("%(title)s: %(status)s.") % {"title": line.title, "status": fulfilment.get_status_display()})
            return redirect("seller:order-detail", number=number)
        messages.error(request, _("Some fields need your attention; what you typed is kept below."))
        return self.render_to_response(self.get_context_data(forms={line.pk: form}))


class TeamView(SellerRequiredMixin, TemplateView):
    template_name = "seller/team.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=self.partner.users.order_by("email"),
            invitations=[i for i in self.partner.invitations.all() if i.is_open],
            **{"form": InviteForm(), **kwargs},
        )

    def post(self, request):
        form = InviteForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            if self.partner.users.filter(email__iexact=email).exists():
                form.add_error("email", _("This person already acts for your business."))
            else:
                invite = MemberInvitation.objects.create(partner=self.partner, email=email, invited_by=request.user)
                emails.invitation(request, invite)
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
                return redirect("seller:team")
        return self.render_to_response(self.get_context_data(form=form))


class TeamRemoveView(SellerRequiredMixin, View):
    def post(self, request, user_pk):
        member = get_object_or_404(self.partner.users, pk=user_pk)
        if self.partner.users.count() == 1:
            messages.error(request, _("A business needs at least one person; invite a colleague before leaving."))
        else:
            self.partner.users.remove(member)
            messages.success(request, _("%(email)s no longer acts for your business.") % {"email": member.email})
        if member == request.user:
            return redirect("seller:home")
        return redirect("seller:team")
