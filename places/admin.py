from django.contrib import admin

from .models import Kecamatan, Mart, OpeningHours


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["name", "kota", "kemendagri_code"]
    list_filter = ["kota"]
    search_fields = ["name", "alt_names"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Mart)
class MartAdmin(admin.ModelAdmin):
    list_display = ["name", "kecamatan", "address"]
    list_filter = ["kecamatan__kota"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]
