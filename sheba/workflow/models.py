"""File workflow as data (e-Nothi style): a Workflow is steps worked by posts and actions that
route the file between them; a Task is one step of one file waiting at one post.

A workflow is versioned: editing a version that files use makes a new row (new ``version``);
the files in flight keep the version their first task pinned (``Task.workflow``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _bilingual(bn: str, en: str) -> str:
    return (en or bn) if (get_language() or "bn").startswith("en") else bn


class Workflow(models.Model):
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    office_type = models.ForeignKey(
        "directory.OfficeType", on_delete=models.PROTECT, related_name="+", verbose_name=_("office type")
    )
    name_bn = models.CharField(_("name (Bengali)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_active = models.BooleanField(_("in use for new files"), default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code", "office_type", "-version"]
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        constraints = [
            models.UniqueConstraint(fields=["code", "office_type", "version"], name="workflow_version_unique"),
            models.UniqueConstraint(
                fields=["code", "office_type"], condition=Q(is_active=True), name="workflow_one_active_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="workflow_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def name(self) -> str:
        return _bilingual(self.name_bn, self.name_en)


class WorkflowStep(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    code = models.SlugField(_("state code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("The first step is where files start."))
    label_bn = models.CharField(_("label (Bengali)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    post_code = models.SlugField(_("post that works it"), max_length=60, blank=True)
    office_type_code = models.SlugField(
        _("office that works it (office type)"), max_length=60, blank=True,
        help_text=_("Empty: the office the citizen applied to. Otherwise the nearest office of this type "
                    "above it (for example the upazila office above a Union Parishad)."),
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=1)
    is_end = models.BooleanField(_("end of the file"), default=False)

    class Meta:
        ordering = ["workflow", "position", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["workflow", "code"], name="workflow_step_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    @property
    def label(self) -> str:
        return _bilingual(self.label_bn, self.label_en)


class ActionKind(models.TextChoices):
    FORWARD = "forward", _("Forward")
    SEND_BACK = "send_back", _("Send back for correction")
    ASK_INFO = "ask_info", _("Ask for information")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    DELIVER = "deliver", _("Deliver")


class Route(models.TextChoices):
    STEP = "step", _("To a step")
    APPLICANT = "applicant", _("Back to the applicant")


class WorkflowAction(models.Model):
    step = models.ForeignKey(WorkflowStep, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=12, choices=ActionKind.choices)
    label_bn = models.CharField(_("label (Bengali)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    post_code = models.SlugField(_("post that may take it"), max_length=60)
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, default=Route.STEP)
    to_step = models.ForeignKey(
        WorkflowStep, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("to step")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["step", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActionKind.values), name="workflow_action_kind_known"),
            models.CheckConstraint(
                condition=Q(route=Route.STEP, to_step__isnull=False) | Q(route=Route.APPLICANT, to_step__isnull=True),
                name="workflow_action_route_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step.code}: {self.label}"

    @property
    def label(self) -> str:
        return _bilingual(self.label_bn, self.label_en)


class Task(models.Model):
    """One step of one file waiting at a post of an office. ``assigned_to`` empty: in the shared
    pool of that post (anyone holding the post may claim it). At most one open task per file."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="tasks")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="tasks")
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="tasks")
    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("directory.Post", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(WorkflowAction, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fields_to_correct = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(completed_at__isnull=True), name="workflow_one_open_task"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "completed_at", "due_on"], name="workflow_task_inbox_idx"),
            # The inbox (open tasks at the posts one holds) and the overdue sweep.
            models.Index(fields=["post", "due_on", "id"], condition=Q(completed_at__isnull=True),
                         name="workflow_task_open_post_idx"),
            models.Index(fields=["due_on"], condition=Q(completed_at__isnull=True), name="workflow_task_open_due_idx"),
            # The office dashboard (tasks received in a date range).
            models.Index(fields=["office", "created_at"], name="workflow_task_office_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.step.code}"


class Escalation(models.Model):
    """An overdue task reported to the supervising post (once per task): the post that supervises
    the task's post in the same office, else the head of the supervising (parent) office."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="escalation")
    to_post = models.ForeignKey("directory.Post", on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey("directory.Office", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    days_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        indexes = [models.Index(fields=["to_post"], name="workflow_escalation_post_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.to_post_id}"


class FileNote(models.Model):
    """নোট: what an officer wrote on the file when acting, with their name and post at the time."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="notes")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    post_name_bn = models.CharField(max_length=200)
    post_name_en = models.CharField(max_length=200)
    is_acting = models.BooleanField(default=False)
    action_kind = models.CharField(max_length=12, choices=ActionKind.choices)
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.author_name}"

    @property
    def post_name(self) -> str:
        return _bilingual(self.post_name_bn, self.post_name_en)


class FileMessage(models.Model):
    """A message between the citizen and the office, kept with the file."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_office = models.BooleanField(default=False)
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("message on a file")
        verbose_name_plural = _("messages on files")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.at:%Y-%m-%d %H:%M}"
