"""The Mart operator's pages (``/kelola-mart/``): phone-first, one Mart, thin views over consignment.services."""

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from consignment import services
from consignment.access import MartOperatorRequiredMixin
from consignment.forms import CountForm, DeliveryForm, HandoverForm, MakerForm, TakeForm
from consignment.models import Movement, ShelfStock

Partner = get_model("partner", "Partner")


class MartHomeView(MartOperatorRequiredMixin, TemplateView):
    """The Mart's shelf, the online orders waiting on it, and the latest movements."""

    template_name = "consignment/home.html"

    def get_context_data(self, **kwargs):
        shelf = list(ShelfStock.objects.filter(mart=self.mart).select_related(
            "stockrecord__partner", "stockrecord__product__parent"))
        today = Movement.objects.filter(shelf__mart=self.mart, kind=Movement.Kind.TILL_SALE, date_created__date=timezone.localdate())
        return super().get_context_data(
            shelf=shelf, orders=services.shelf_orders(self.mart)[:20], handover_form=HandoverForm(),
            units=sum(s.on_shelf for s in shelf), sold_today=-(today.aggregate(n=Sum("quantity"))["n"] or 0),
            movements=Movement.objects.filter(shelf__mart=self.mart).select_related(
                "shelf__stockrecord__product__parent", "shelf__stockrecord__partner", "created_by")[:15],
            **kwargs)


class DeliveryView(MartOperatorRequiredMixin, TemplateView):
    """Record a maker's delivery: choose the maker, then the product, units and agreed share."""

    template_name = "consignment/delivery.html"

    def maker(self, data):
        form = MakerForm(data) if data.get("pembuat") else MakerForm()
        return form, (form.cleaned_data["pembuat"] if form.is_bound and form.is_valid() else None)

    def get(self, request):
        maker_form, maker = self.maker(request.GET)
        form = DeliveryForm(maker=maker) if maker else None
        return self.render_to_response(self.get_context_data(maker_form=maker_form, maker=maker, form=form))

    def post(self, request):
        maker_form, maker = self.maker(request.POST)
        if maker is None:
            messages.error(request, _("Choose the maker first."))
            return self.render_to_response(self.get_context_data(maker_form=maker_form, maker=None, form=None))
        form = DeliveryForm(request.POST, maker=maker)
        if form.is_valid():
            record = form.cleaned_data["stockrecord"]
            shelf = services.deliver(self.mart, record, form.cleaned_data["quantity"], form.cleaned_data["share"] / 100,
                                     record.price, request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Received %(n)s × %(title)s. On the shelf now: %(total)s.") % {
                "n": form.cleaned_data["quantity"], "title": record.product.get_title(), "total": shelf.on_shelf})
            return redirect("consignment:home")
        messages.error(request, _("Some fields need your attention; what you typed is kept below."))
        return self.render_to_response(self.get_context_data(maker_form=maker_form, maker=maker, form=form))


class ShelfItemView(MartOperatorRequiredMixin, TemplateView):
    """One product on this Mart's shelf: sell at the till, count, or return to the maker."""

    template_name = "consignment/shelf_item.html"
    actions = {"sell": (TakeForm, services.sell_at_till), "count": (CountForm, services.count),
               "return": (TakeForm, services.return_to_maker)}

    def get_shelf(self):
        return get_object_or_404(ShelfStock.objects.select_related("stockrecord__partner", "stockrecord__product__parent", "mart"),
                                 pk=self.kwargs["pk"], mart=self.mart)

    def get_context_data(self, **kwargs):
        shelf = kwargs.pop("shelf", None) or self.get_shelf()
        forms = {name: form_class(prefix=name) for name, (form_class, _service) in self.actions.items()}
        forms.update(kwargs.pop("forms", {}))
        return super().get_context_data(shelf=shelf, forms=forms, movements=shelf.movements.select_related("created_by")[:10],
                                        **kwargs)

    def post(self, request, pk):
        shelf = self.get_shelf()
        action = request.POST.get("action", "")
        if action not in self.actions:
            messages.error(request, _("Choose what to record."))
            return redirect("consignment:shelf-item", pk=shelf.pk)
        form_class, service = self.actions[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                amount = form.cleaned_data["counted" if action == "count" else "quantity"]
                movement = service(shelf, amount, request.user, note=form.cleaned_data["note"])
            except services.ShelfError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _message(movement))
                return redirect("consignment:shelf-item", pk=shelf.pk)
        messages.error(request, _("Some fields need your attention; what you typed is kept below."))
        return self.render_to_response(self.get_context_data(shelf=shelf, forms={action: form}))


def _message(movement):
    title = movement.shelf.stockrecord.product.get_title()
    if movement.kind == Movement.Kind.TILL_SALE:
        return _("Sold %(n)s × %(title)s. The maker is owed Rp %(amount)s.") % {
            "n": -movement.quantity, "title": title, "amount": f"{movement.maker_amount:,.0f}".replace(",", ".")}
    if movement.kind == Movement.Kind.COUNT:
        return _("Counted %(n)s × %(title)s (difference %(diff)+d).") % {"n": movement.counted, "title": title, "diff": movement.quantity}
    return _("Returned %(n)s × %(title)s to the maker.") % {"n": -movement.quantity, "title": title}


class HandoverView(MartOperatorRequiredMixin, TemplateView):
    """The shopper collected an online order from this Mart's shelf."""

    http_method_names = ["post"]

    def post(self, request):
        form = HandoverForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the order number."))
            return redirect("consignment:home")
        try:
            order = services.hand_over(self.mart, form.cleaned_data["number"].strip().lstrip("#"), request.user)
        except services.ShelfError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Order %(number)s handed over.") % {"number": order.number})
        return redirect("consignment:home")
