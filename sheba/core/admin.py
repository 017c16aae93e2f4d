from django.contrib import admin

from sheba.core.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name_bn", "name_en")
    date_hierarchy = "date"
    search_fields = ("name_bn", "name_en")
    ordering = ("-date",)
