"""The seller centre (/penjual/): a member business's own pages. Programme staff's pages are in backoffice/."""

import re
from datetime import timedelta
from urllib.parse import quote

from django import forms
from django.conf import settings

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from catalogue import moderation
from order import emails as order_emails
from order import reports
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
    RupiahField,
    StockField,
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
            .exclude(fulfilment__status__in=LineFulfilment.SENT).count()
        )
        products = owned_products(self.partner)
        context["counts"] = {
            "live": products.filter(is_public=True).count(),
            "pending": products.filter(moderation=Product.Moderation.PENDING).count(),
            "rejected": products.filter(moderation=Product.Moderation.REJECTED).count(),
        }
        context.update(self.charts())
        context["low_stock"] = (
            StockRecord.objects.filter(partner=self.partner)
            .annotate(left=F("num_in_stock") - Coalesce("num_allocated", 0),
                      limit=Coalesce("low_stock_threshold", settings.LOW_STOCK_THRESHOLD))
            .filter(left__lt=F("limit")).select_related("product", "product__parent").order_by("left")[:10]
        )
        soon = timezone.localdate() + timedelta(days=30)
        context["expiring"] = FoodCompliance.objects.filter(
            product__in=products, halal_expiry__isnull=False, halal_expiry__lte=soon
        ).select_related("product")
        return context


    def charts(self):
        """Sales and units by month over the last year, and its best sellers, as server-rendered SVG."""
        months = reports.last_months(12)
        sales = reports.monthly_sales(self.partner, months)
        label = lambda m: date_format(m, "M")  # noqa: E731
        best = reports.best_sellers(self.partner, months)
        return {
            "sales_chart": reports.bar_chart([(label(m), revenue) for m, revenue, _units in sales], money=True),
            "units_chart": reports.bar_chart([(label(m), units) for m, _revenue, units in sales]),
            "best_chart": reports.ranking_chart([(row["title"], row["units"]) for row in best]),
            "chart_period": (months[0], months[-1]),
        }


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inline_rows(self.partner, context["products"], kwargs.get("inline_values"), kwargs.get("inline_errors"))
        return context


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
            records = StockRecord.objects.select_for_update(of=("self",), no_key=True).filter(Q(product=product) | Q(product__parent=product))
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
                shipped=Count("lines", filter=Q(lines__partner=self.partner, lines__fulfilment__status__in=LineFulfilment.SENT)),
            )
            .select_related("shipping_address")
            .order_by("-date_placed")
        )


def buyer_whatsapp(order, lines, partner):
    """A click-to-chat link to the buyer's WhatsApp (their checkout phone), with a greeting naming the order, or ""."""
    phone = str(order.shipping_address.phone_number or "") if order.shipping_address else ""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 8 <= len(digits) <= 15:
        return ""
    name = order.shipping_address.first_name or ""
    text = _("Hello %(name)s, this is %(business)s from OK OCE Mart about your order #%(number)s (%(items)s).") % {
        "name": name, "business": partner.name, "number": order.number, "items": ", ".join(line.title for line in lines)}
    return f"https://wa.me/{digits}?text={quote(text)}"


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
            own_total=sum(line.line_price_incl_tax for line in lines),
            whatsapp=buyer_whatsapp(order, lines, self.partner), **kwargs,
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
                shipped = fulfilment.status in LineFulfilment.SENT
                # The parcel left, once: its units leave stock and allocation (payments.stock.consume_shipped).
                if shipped and not fulfilment.stock_consumed and consume_shipped(line):
                    fulfilment.stock_consumed = True
                fulfilment.save()
                corrected = {"courier", "courier_other", "tracking_number"} & set(form.changed_data)
                if fulfilment.status == LineFulfilment.Status.SHIPPED and (not was_shipped or corrected):
                    # The shopper hears of the parcel (or of a corrected tracking number), not of "delivered".
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


# --- inline price and stock (maker-promos) ----------------------------------------------------
INLINE_FIELD = re.compile(r"^(price|stock|alert)-(\d{1,9})$")


def inline_rows(partner, products, values=None, errors=None):
    """Each product's variants (or its own stock record) as editable rows: record, label, typed values, errors."""
    values, errors = values or {}, errors or {}
    for product in products:
        records = [r for r in product.stockrecords.all() if r.partner_id == partner.pk]
        for child in product.children.all():
            records += [r for r in child.stockrecords.all() if r.partner_id == partner.pk]
        product.stock_rows = []
        for record in records:
            threshold = record.low_stock_threshold if record.low_stock_threshold is not None else settings.LOW_STOCK_THRESHOLD
            typed = values.get(record.pk, {})
            product.stock_rows.append({
                "record": record,
                "label": record.product.get_title().replace(product.title, "").strip(" –") or _("Price and stock"),
                "price": typed.get("price", f"{record.price:.0f}" if record.price is not None else ""),
                "stock": typed.get("stock", record.num_in_stock),
                "alert": typed.get("alert", threshold),
                "low": record.net_stock_level < threshold,
                "held": record.num_allocated or 0,
                "errors": errors.get(record.pk, []),
            })
    return products


class ProductStockView(SellerRequiredMixin, View):
    """Price, stock and low-stock alert of many variants in one post, from the product list.

    Every record named must be this business's (another's is a 404, like a missing one). Valid rows
    are saved; a row with a mistake is not, and comes back with what was typed and the reason.
    """

    fields = {"price": RupiahField, "stock": StockField, "alert": lambda: forms.IntegerField(min_value=0, max_value=9999)}

    def post(self, request):
        typed = {}
        for key in list(request.POST.keys())[:1000]:
            match = INLINE_FIELD.match(key)
            if match:
                typed.setdefault(int(match.group(2)), {})[match.group(1)] = request.POST.get(key, "")
        if not typed:
            return redirect("seller:products")
        saved, errors = 0, {}
        with transaction.atomic():
            records = {r.pk: r for r in StockRecord.objects.select_for_update(no_key=True).filter(partner=self.partner, pk__in=typed)}
            if set(typed) - set(records):
                raise Http404
            for pk, record in sorted(records.items()):
                cleaned, problems = {}, []
                for name, value in typed[pk].items():
                    try:
                        cleaned[name] = self.fields[name]().clean(value)
                    except forms.ValidationError as error:
                        problems.extend(error.messages)
                held = record.num_allocated or 0
                if "stock" in cleaned and cleaned["stock"] < held:
                    problems.append(_("%(held)s units are in orders not yet shipped or being paid for; stock cannot be lower.") % {"held": held})
                if problems:
                    errors[pk] = problems
                    continue
                changed = [name for name, field in (("price", "price"), ("stock", "num_in_stock"), ("alert", "low_stock_threshold"))
                           if name in cleaned and cleaned[name] is not None and getattr(record, field) != cleaned[name]]
                if not changed:
                    continue
                if "price" in changed:
                    record.price = cleaned["price"]
                if "stock" in changed:
                    record.num_in_stock = cleaned["stock"]
                if "alert" in changed:
                    record.low_stock_threshold = cleaned["alert"]
                # Only these columns: a payment holding stock at the same moment keeps its num_allocated.
                record.save(update_fields=["price", "num_in_stock", "low_stock_threshold", "date_updated"])
                if "price" in changed:
                    product = record.product.parent or record.product
                    moderation.seller_saved(product, False, changed=True)
                    product.save()
                saved += 1
        if errors:
            if saved:
                messages.warning(request, ngettext("%(n)s variant saved.", "%(n)s variants saved.", saved) % {"n": saved})
            messages.error(request, _("Some rows need your attention; they were not saved and what you typed is kept below."))
            view = ProductListView()
            view.setup(request)
            view.partner = self.partner
            view.object_list = view.get_queryset()
            context = view.get_context_data(inline_values={pk: typed[pk] for pk in errors}, inline_errors=errors)
            return TemplateResponse(request, view.template_name, context)
        messages.success(request, ngettext("%(n)s variant saved.", "%(n)s variants saved.", saved) % {"n": saved} if saved
                         else _("Nothing changed."))
        return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/penjual/produk/") else "seller:products")
