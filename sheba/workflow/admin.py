"""Designers edit workflows here. An active workflow that is not valid is refused (the whole save
is rolled back, with the reasons). Saving a workflow that files use saves the edit as a new
version instead (the files in flight finish on the old one); its steps' own pages are read-only
then. "Make a new version" copies a workflow for editing."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sheba.workflow import errors, services
from sheba.workflow.models import (
    Escalation,
    FileMessage,
    FileNote,
    Task,
    Workflow,
    WorkflowAction,
    WorkflowStep,
)
from sheba.workflow.selectors import workflow_in_use


def _in_use(obj: Any) -> bool:
    workflow = obj if isinstance(obj, Workflow) else getattr(obj, "workflow", None)
    return bool(workflow and workflow.pk and workflow_in_use(workflow))


class _ValidatingAdmin(admin.ModelAdmin):
    """Saves the object and its inline formsets, then validates the whole workflow."""

    def _workflow_of(self, obj: Any) -> Workflow:
        raise NotImplementedError

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        workflow = self._workflow_of(form.instance)
        problems = services.workflow_validate(workflow)
        if problems and workflow.is_active:
            raise errors.WorkflowInvalid(problems)
        for problem in problems:
            messages.warning(request, problem)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except errors.WorkflowInvalid as refused:
            messages.error(request, _("Not saved: this workflow is not valid."))
            for problem in refused.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(request.get_full_path())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _in_use(obj):
            return False  # files use this version: make a new version to edit
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


class StepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = ["position", "code", "label_bn", "label_en", "post_code", "office_type_code", "deadline_days", "is_end"]
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = WorkflowAction
    fk_name = "step"
    extra = 0
    fields = ["position", "kind", "label_bn", "label_en", "post_code", "route", "to_step"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "to_step":
            step_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            step = WorkflowStep.objects.filter(pk=step_id).first() if step_id and str(step_id).isdigit() else None
            if step is not None:
                kwargs["queryset"] = WorkflowStep.objects.filter(workflow_id=step.workflow_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.action(description=gettext_lazy("Make a new version to edit"))
def make_new_version(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    for workflow in queryset:
        copy = services.workflow_new_version(actor=request.user, workflow=workflow)
        messages.success(request, _("Version %(version)s of “%(name)s” was created; edit that one.")
                         % {"version": copy.version, "name": copy.name})


@admin.register(Workflow)
class WorkflowAdmin(_ValidatingAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.ModelAdmin.has_change_permission(self, request, obj)  # in use: saved as a new version

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        old = Workflow.objects.filter(pk=object_id).first() if object_id and str(object_id).isdigit() else None
        if request.method != "POST" or old is None or not workflow_in_use(old):
            return super().changeform_view(request, object_id, form_url, extra_context)
        if not self.has_change_permission(request, old):
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic():
                copy = services.workflow_new_version(actor=request.user, workflow=old)
                steps = {str(s.pk): str(copy.steps.get(code=s.code).pk) for s in old.steps.all()}
                data = request.POST.copy()
                for key in list(data.keys()):
                    if re.fullmatch(r"steps-\d+-id", key) and data[key] in steps:
                        data[key] = steps[data[key]]
                    elif re.fullmatch(r"steps-\d+-workflow", key):
                        data[key] = str(copy.pk)
                data["version"] = str(copy.version)
                data["is_active"] = "on"
                request.POST = data
                response = super(_ValidatingAdmin, self).changeform_view(request, str(copy.pk), form_url,
                                                                         extra_context)
                if response.status_code != 302:  # the form had errors: keep nothing
                    transaction.set_rollback(True)
                    messages.error(request, _("Not saved: correct the form and try again."))
                    return HttpResponseRedirect(request.get_full_path())
        except errors.WorkflowInvalid as refused:
            messages.error(request, _("Not saved: this workflow is not valid."))
            for problem in refused.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(request.get_full_path())
        messages.info(request, _("Files use version %(old)s, so your changes were saved as version %(new)s.")
                      % {"old": old.version, "new": copy.version})
        return response

    list_display = ["code", "office_type", "version", "name_bn", "is_active"]
    list_filter = ["is_active", "office_type"]
    search_fields = ["code", "name_bn", "name_en"]
    inlines = [StepInline]
    actions = [make_new_version]
    exclude = ["created_at"]

    def _workflow_of(self, obj: Any) -> Workflow:
        return obj

    def save_model(self, request, obj, form, change):
        if not obj.created_at:
            from sheba.core import clock

            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(WorkflowStep)
class WorkflowStepAdmin(_ValidatingAdmin):
    list_display = ["workflow", "position", "code", "label_bn", "post_code", "office_type_code", "deadline_days",
                    "is_end"]
    list_filter = ["workflow"]
    inlines = [ActionInline]

    def _workflow_of(self, obj: Any) -> Workflow:
        return obj.workflow

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # steps are added on their workflow's page


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["task", "to_post", "to_office", "at", "days_overdue"]
    readonly_fields = [f.name for f in Escalation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["application", "step", "office", "post", "assigned_to", "due_on", "completed_at"]
    list_filter = ["completed_at"]
    readonly_fields = [f.name for f in Task._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for model in (FileNote, FileMessage):
    admin.site.register(model, list_display=["application", "at"],
                        readonly_fields=[f.name for f in model._meta.fields])
