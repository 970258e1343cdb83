"""Staff assign Mart operators (one Mart each) and can read every shelf and movement."""

from django.contrib import admin

from consignment.models import MartOperator, Movement, ShelfStock


@admin.register(MartOperator)
class MartOperatorAdmin(admin.ModelAdmin):
    list_display = ["user", "mart", "date_assigned"]
    list_filter = ["mart"]
    search_fields = ["user__email", "mart__name"]
    raw_id_fields = ["user"]


@admin.register(ShelfStock)
class ShelfStockAdmin(admin.ModelAdmin):
    list_display = ["mart", "stockrecord", "on_shelf", "allocated", "price", "share"]
    list_filter = ["mart"]
    readonly_fields = ["on_shelf", "allocated"]  # changed only through movements


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["date_created", "shelf", "kind", "quantity", "maker_amount", "created_by"]
    list_filter = ["kind", "shelf__mart"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
