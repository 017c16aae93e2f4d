from django.contrib import admin

from sheba.billpay.models import Biller, BillerAccount, BillPayment, BillPaymentEvent


@admin.register(Biller)
class BillerAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "sector", "fetch_mode", "is_active")
    list_filter = ("sector", "is_active")
    search_fields = ("code", "name_en", "name_bn")


@admin.register(BillerAccount)
class BillerAccountAdmin(admin.ModelAdmin):
    list_display = ("biller", "account_number", "owner", "created_at")
    raw_id_fields = ("owner",)


class EventInline(admin.TabularInline):
    model = BillPaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "from_status", "to_status", "detail")


@admin.register(BillPayment)
class BillPaymentAdmin(admin.ModelAdmin):
    """Read-only: bill payments change only through sheba.billpay.services."""

    list_display = ("bill_key", "amount_poisha", "status", "cash", "created_at", "posted_at")
    list_filter = ("status", "cash", "biller")
    search_fields = ("bill_key", "posting_reference", "account_number")
    inlines = [EventInline]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
