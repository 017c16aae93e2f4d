"""Admin for geography (read-only: the import owns it), office types, offices (with their units and
posts inline), posts and terms. Terms are written only through the services, so the overlap and
officer rules and the audit row apply here too."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sheba.core.errors import InvalidInput
from sheba.directory.models import (
    District,
    Division,
    Office,
    OfficeType,
    OfficeUnit,
    Post,
    PostTerm,
    Union,
    Upazila,
)
from sheba.directory.services import post_term_assign, post_term_check, post_term_end, post_term_end_check


class ReadOnlyGeoAdmin(admin.ModelAdmin):
    """Geography comes from data/bd-geo through ``manage.py import_geo``; edits here would be undone."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyGeoAdmin):
    list_display = ["id", "name_bn", "name_en", "website"]
    search_fields = ["name_bn", "name_en"]


@admin.register(District)
class DistrictAdmin(ReadOnlyGeoAdmin):
    list_display = ["id", "name_bn", "name_en", "division", "website"]
    list_filter = ["division"]
    list_select_related = ["division"]
    search_fields = ["name_bn", "name_en"]


@admin.register(Upazila)
class UpazilaAdmin(ReadOnlyGeoAdmin):
    list_display = ["id", "name_bn", "name_en", "district", "website"]
    list_filter = ["district__division"]
    list_select_related = ["district"]
    search_fields = ["name_bn", "name_en", "district__name_bn", "district__name_en"]


class DuplicateFilter(admin.SimpleListFilter):
    title = _("listed twice in the source")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(duplicate_of__isnull=False)
        if self.value() == "no":
            return queryset.filter(duplicate_of__isnull=True)
        return queryset


@admin.register(Union)
class UnionAdmin(ReadOnlyGeoAdmin):
    list_display = ["id", "name_bn", "name_en", "upazila", "slug", "duplicate_of"]
    list_filter = [DuplicateFilter, "upazila__district__division"]
    list_select_related = ["upazila", "duplicate_of"]
    search_fields = ["name_bn", "name_en", "slug", "upazila__name_bn", "upazila__name_en"]


@admin.register(OfficeType)
class OfficeTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bn", "name_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_bn", "name_en"]


class OfficeUnitInline(admin.TabularInline):
    model = OfficeUnit
    fk_name = "office"
    fields = ["name_bn", "name_en", "parent"]
    raw_id_fields = ["parent"]
    extra = 0


class PostForm(forms.ModelForm):
    """A post's unit must be a unit of the post's own office."""

    class Meta:
        model = Post
        fields = ["office", "code", "name_bn", "name_en", "unit", "supervisor", "is_office_head"]

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        office = cleaned.get("office")
        office_id = office.pk if office is not None else self.instance.office_id
        if unit is not None and office_id and unit.office_id != office_id:
            self.add_error("unit", _("Choose a unit of this office."))
        return cleaned


class PostInlineForm(PostForm):
    class Meta(PostForm.Meta):
        fields = ["code", "name_bn", "name_en", "unit", "supervisor", "is_office_head"]


class PostInline(admin.TabularInline):
    model = Post
    fk_name = "office"
    form = PostInlineForm
    fields = ["code", "name_bn", "name_en", "unit", "supervisor", "is_office_head"]
    raw_id_fields = ["unit", "supervisor"]
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name_bn", "name_en", "office_type", "district", "upazila", "is_active"]
    list_filter = ["office_type", "is_active", "division"]
    list_select_related = ["office_type", "district", "upazila"]
    search_fields = ["name_bn", "name_en", "union__slug"]
    autocomplete_fields = ["office_type", "parent", "division", "district", "upazila", "union"]
    readonly_fields = ["public_id"]
    inlines = [OfficeUnitInline, PostInline]
    show_full_result_count = False


@admin.register(OfficeUnit)
class OfficeUnitAdmin(admin.ModelAdmin):
    list_display = ["name_bn", "name_en", "office"]
    list_select_related = ["office"]
    search_fields = ["name_bn", "name_en", "office__name_bn", "office__name_en"]
    autocomplete_fields = ["office"]
    raw_id_fields = ["parent"]
    show_full_result_count = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostForm
    list_display = ["name_bn", "name_en", "code", "office", "unit", "supervisor", "is_office_head"]
    list_filter = ["is_office_head", "office__office_type", "code"]
    list_select_related = ["office", "unit", "supervisor"]
    search_fields = ["name_bn", "name_en", "code", "office__name_bn", "office__name_en"]
    autocomplete_fields = ["office", "unit", "supervisor"]
    show_full_result_count = False


class PostTermForm(forms.ModelForm):
    """New terms pass the same checks as ``post_term_assign``; an existing term can only be ended."""

    class Meta:
        model = PostTerm
        fields = ["post", "person", "starts_on", "ends_on", "is_acting"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                post_term_check(
                    post=cleaned["post"],
                    person=cleaned["person"],
                    starts_on=cleaned["starts_on"],
                    ends_on=cleaned.get("ends_on"),
                    is_acting=cleaned.get("is_acting", False),
                )
            elif "ends_on" in self.changed_data:
                saved = PostTerm.objects.get(pk=self.instance.pk)
                post_term_end_check(term=saved, ends_on=cleaned.get("ends_on"))
        except InvalidInput as error:
            raise ValidationError(str(error.message)) from error
        return cleaned


@admin.register(PostTerm)
class PostTermAdmin(admin.ModelAdmin):
    form = PostTermForm
    list_display = ["person", "post", "office", "starts_on", "ends_on", "is_acting"]
    list_filter = ["is_acting", "post__office__office_type", "post__code"]
    list_select_related = ["person", "post__office"]
    search_fields = [
        "person__username",
        "post__name_bn",
        "post__name_en",
        "post__office__name_bn",
        "post__office__name_en",
    ]
    autocomplete_fields = ["post"]
    raw_id_fields = ["person"]
    date_hierarchy = "starts_on"
    show_full_result_count = False

    @admin.display(description=_("office"), ordering="post__office__name_en")
    def office(self, obj: PostTerm):
        return obj.post.office

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["post", "person", "starts_on", "is_acting"]
        return []

    def has_delete_permission(self, request, obj=None):
        return False  # terms are history: end them instead

    def save_model(self, request, obj, form, change):
        if not change:
            term = post_term_assign(
                actor=request.user,
                post=obj.post,
                person=obj.person,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                is_acting=obj.is_acting,
            )
            obj.pk = term.pk
            obj._state.adding = False
        elif "ends_on" in form.changed_data:
            post_term_end(actor=request.user, term=obj, ends_on=obj.ends_on)
