"""Writes for the file workflow: validate and version workflows, start a file's first task, act
on a task (with a note), claim from the shared pool, and the citizen's resubmission.

Every status change goes through ``sheba.applications.services.application_transition``.
Locks are taken in one fixed order: the task row, then the application row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sheba.applications import errors as application_errors
from sheba.applications.models import Application, ApplicationAttachment, Status
from sheba.applications.services import application_transition
from sheba.audit.services import audit_record
from sheba.catalog.forms_engine import validate_data
from sheba.core import clock
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.workdays import add_working_days, working_days_between
from sheba.directory.models import Office, OfficeType, Post, PostTerm
from sheba.directory.selectors import terms_held_by
from sheba.locker.models import DocumentVersion, ScanStatus
from sheba.workflow import errors, hooks
from sheba.workflow.models import (
    ActionKind,
    Escalation,
    FileMessage,
    FileNote,
    Route,
    Task,
    Workflow,
    WorkflowAction,
    WorkflowStep,
)
from sheba.workflow.selectors import last_send_back, workflow_for

NOTE_MAX = 4000
MESSAGE_MAX = 2000
DOC_PREFIX = "doc:"
PUBLIC_NOTE_KINDS = frozenset({ActionKind.SEND_BACK, ActionKind.ASK_INFO, ActionKind.REJECT})

# The application status each kind of action moves the file to (None: no change).
KIND_STATUS: dict[str, str | None] = {
    ActionKind.FORWARD: Status.IN_REVIEW,
    ActionKind.SEND_BACK: Status.SENT_BACK,
    ActionKind.ASK_INFO: Status.SENT_BACK,
    ActionKind.APPROVE: Status.APPROVED,
    ActionKind.REJECT: Status.REJECTED,
    ActionKind.DELIVER: Status.DELIVERED,
}


# --- Workflows as data ----------------------------------------------------------------------


def _types_above(office_type_id: int) -> set[str]:
    """Codes of the office types found at or above offices of this type (parent, grandparent …)."""
    levels = ["office_type__code", "parent__office_type__code", "parent__parent__office_type__code",
              "parent__parent__parent__office_type__code", "parent__parent__parent__parent__office_type__code"]
    found: set[str] = set()
    for row in Office.objects.filter(office_type_id=office_type_id).values_list(*levels).distinct()[:1000]:
        found.update(code for code in row if code)
    return found


def workflow_problems(
    *, office_type_id: int, steps: Sequence[Mapping[str, Any]], actions: Sequence[Mapping[str, Any]]
) -> list[str]:
    """What is wrong with a workflow given as plain data: ``steps`` = [{code, position, post_code,
    is_end, office_type_code}], ``actions`` = [{step, kind, post_code, route, to_step}] (step codes).
    Empty: valid. A step with an ``office_type_code`` is worked at the nearest office of that type
    above the file's office: that type must exist, sit above this workflow's offices, and have the
    step's posts."""
    problems: list[str] = []
    if not steps:
        return [str(gettext_lazy("A workflow needs at least one step."))]
    codes = {s["code"] for s in steps}
    ordered = sorted(steps, key=lambda s: (s.get("position") or 0))
    start = ordered[0]["code"]
    ends = {s["code"] for s in steps if s.get("is_end")}
    own_type = OfficeType.objects.filter(pk=office_type_id).values_list("code", flat=True).first() or ""
    step_type = {s["code"]: (s.get("office_type_code") or own_type) for s in steps}
    wanted_types = set(step_type.values())
    existing_types = set(OfficeType.objects.filter(code__in=wanted_types).values_list("code", flat=True))
    above = _types_above(office_type_id) | {own_type}
    posts_of: dict[str, set[str]] = {code: set() for code in wanted_types}
    for type_code, post_code in Post.objects.filter(office__office_type__code__in=wanted_types).values_list(
        "office__office_type__code", "code"
    ).distinct():
        posts_of[type_code].add(post_code)
    edges: dict[str, set[str]] = {code: set() for code in codes}
    for step in steps:
        type_code = step_type[step["code"]]
        if step.get("office_type_code") and type_code not in existing_types:
            problems.append(
                _("Step “%(step)s” routes to the office type “%(type)s”, which does not exist.")
                % {"step": step["code"], "type": type_code}
            )
            continue
        if step.get("office_type_code") and type_code not in above:
            problems.append(
                _("Step “%(step)s”: no office of type “%(type)s” is above the offices of this workflow, "
                  "so files cannot be routed there.") % {"step": step["code"], "type": type_code}
            )
        if not step.get("is_end") and step.get("post_code") and step["post_code"] not in posts_of[type_code]:
            problems.append(
                _("Step “%(step)s”: no office of this type has the post “%(post)s”.")
                % {"step": step["code"], "post": step["post_code"]}
            )
        if not step.get("is_end") and not step.get("post_code"):
            problems.append(_("Step “%(step)s” names no post to work it.") % {"step": step["code"]})
    for action in actions:
        type_code = step_type.get(action["step"], own_type)
        if action["post_code"] not in posts_of.get(type_code, set()):
            problems.append(
                _("Action “%(action)s” at step “%(step)s”: no office of this type has the post “%(post)s”, "
                  "so nobody can take it.")
                % {"action": action["kind"], "step": action["step"], "post": action["post_code"]}
            )
        if action["step"] in ends:
            problems.append(_("The end step “%(step)s” cannot have actions.") % {"step": action["step"]})
        if action["route"] == Route.STEP:
            if action.get("to_step") not in codes:
                problems.append(_("Action “%(action)s” at step “%(step)s” routes to no step.")
                                % {"action": action["kind"], "step": action["step"]})
            else:
                edges.setdefault(action["step"], set()).add(action["to_step"])
        elif action["route"] == Route.APPLICANT:
            edges.setdefault(action["step"], set()).add(action["step"])  # it comes back to the same step
    seen, todo = {start}, [start]
    while todo:
        for following in edges.get(todo.pop(), set()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    if not ends & seen:
        problems.append(_("No path leads from the first step “%(step)s” to an end step.") % {"step": start})
    for code in sorted(codes - seen):
        problems.append(_("Step “%(step)s” cannot be reached from the first step.") % {"step": code})
    for step in steps:
        if not step.get("is_end") and step["code"] in seen and not edges.get(step["code"]):
            problems.append(_("Step “%(step)s” has no action, so files would stay there for ever.")
                            % {"step": step["code"]})
    return problems


def workflow_validate(workflow: Workflow) -> list[str]:
    """The problems of a saved workflow (translated messages); an empty list means it is valid."""
    steps = [
        {"code": s.code, "position": s.position, "post_code": s.post_code, "is_end": s.is_end,
         "office_type_code": s.office_type_code}
        for s in workflow.steps.all()
    ]
    actions = [
        {"step": a.step.code, "kind": a.kind, "post_code": a.post_code, "route": a.route,
         "to_step": a.to_step.code if a.to_step is not None else None}
        for a in WorkflowAction.objects.filter(step__workflow=workflow).select_related("step", "to_step")
    ]
    problems = workflow_problems(office_type_id=workflow.office_type_id, steps=steps, actions=actions)
    foreign = WorkflowAction.objects.filter(step__workflow=workflow, to_step__isnull=False).exclude(
        to_step__workflow=workflow
    )
    problems += [
        _("Action “%(action)s” at step “%(step)s” routes to a step of another workflow.")
        % {"action": a.kind, "step": a.step.code}
        for a in foreign.select_related("step")
    ]
    return problems


def workflow_check(workflow: Workflow) -> None:
    problems = workflow_validate(workflow)
    if problems:
        raise errors.WorkflowInvalid(problems)


@transaction.atomic
def workflow_new_version(*, actor: Any, workflow: Workflow) -> Workflow:
    """Copy ``workflow`` (steps and actions) as the next version, which becomes the active one;
    the files that use the old version finish on it."""
    last = (
        Workflow.objects.select_for_update()
        .filter(code=workflow.code, office_type_id=workflow.office_type_id)
        .order_by("-version")
        .first()
    )
    Workflow.objects.filter(code=workflow.code, office_type_id=workflow.office_type_id, is_active=True).update(
        is_active=False
    )
    copy = Workflow.objects.create(
        code=workflow.code, version=(last.version if last else workflow.version) + 1, office_type_id=workflow.office_type_id,
        name_bn=workflow.name_bn, name_en=workflow.name_en, is_active=True, created_at=clock.now(),
    )
    mapping: dict[int, WorkflowStep] = {}
    for step in workflow.steps.all():
        mapping[step.pk] = WorkflowStep.objects.create(
            workflow=copy, code=step.code, position=step.position, label_bn=step.label_bn, label_en=step.label_en,
            post_code=step.post_code, deadline_days=step.deadline_days, is_end=step.is_end,
            office_type_code=step.office_type_code,
        )
    for action in WorkflowAction.objects.filter(step__workflow=workflow):
        WorkflowAction.objects.create(
            step=mapping[action.step_id], kind=action.kind, label_bn=action.label_bn, label_en=action.label_en,
            post_code=action.post_code, route=action.route,
            to_step=mapping[action.to_step_id] if action.to_step_id else None, position=action.position,
        )
    audit_record(actor=actor, action="workflow.new_version", object_type="workflow", object_id=str(copy.pk),
                 data={"code": copy.code, "from_version": workflow.version, "version": copy.version})
    return copy


# --- Tasks ----------------------------------------------------------------------------------


def _first_step(workflow: Workflow) -> WorkflowStep | None:
    return workflow.steps.order_by("position", "pk").first()


def step_office(*, application: Application, step: WorkflowStep) -> Office:
    """The office that works ``step`` of this file: the office applied to, or (when the step names
    an office type) the nearest office of that type at or above it. NoOfficeToRoute when none."""
    base = application.office
    if not step.office_type_code:
        return base
    office: Office | None = base
    for _depth in range(8):
        if office is None:
            break
        if office.office_type.code == step.office_type_code:
            return office
        if office.parent_id is None:
            break
        office = Office.objects.select_related("office_type").filter(pk=office.parent_id).first()
    raise errors.NoOfficeToRoute()


def _create_task(*, application: Application, workflow: Workflow, step: WorkflowStep, office: Office) -> Task:
    post = Post.objects.filter(office=office, code=step.post_code).first()
    if application.holder_office_id != office.pk:  # the file moves to another office
        Application.objects.filter(pk=application.pk).update(holder_office=office)
        application.holder_office = office
    return Task.objects.create(
        application=application, workflow=workflow, step=step, office=office, post=post,
        created_at=clock.now(), due_on=add_working_days(clock.today(), step.deadline_days),
    )


@transaction.atomic
def workflow_start(*, application: Application) -> Task | None:
    """Give a just-submitted file its first task (called inside ``application_submit``'s
    transaction). None when no workflow fits the office's type: the file waits unrouted."""
    workflow = workflow_for(application)
    if workflow is None:
        return None
    step = _first_step(workflow)
    if step is None or step.is_end:
        return None
    task = _create_task(application=application, workflow=workflow, step=step,
                        office=step_office(application=application, step=step))
    audit_record(actor=None, action="workflow.started", object_type="application",
                 object_id=str(application.public_id),
                 data={"workflow": workflow.code, "version": workflow.version, "step": step.code})
    return task


def _lock_task(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("step", "workflow", "post", "office")  # completed_by read after the lock
        .get(pk=task.pk)
    )


def _lock_application(pk: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("service", "office", "holder_office", "applicant")
        .get(pk=pk)
    )


def correctable_fields(application: Application) -> list[tuple[str, str]]:
    """(name, label) of what a send-back may ask to correct: the form's answers and its documents."""
    from sheba.applications.selectors import uploadable_documents
    from sheba.catalog.forms_engine import ordered_properties, text_in

    found = [(name, text_in(spec, "label")) for name, spec in ordered_properties(application.service.form_schema or {})]
    found += [(f"{DOC_PREFIX}{doc.code}", doc.label) for doc in uploadable_documents(application.service)]
    return found


def _is_own(actor: Any, application: Application) -> bool:
    """The officer applied, or is the person the application is for (same mobile)."""
    mobile = getattr(actor, "mobile", None)
    return application.applicant_id == actor.pk or bool(
        mobile and mobile in {application.applicant.mobile, application.other_mobile}
    )


def _check_holder(actor: Any, task: Task) -> list[PostTerm]:
    """The actor's terms today (one query), after checking they hold the task's post."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_officer", False):
        raise NotFound()
    terms = list(terms_held_by(actor))
    if task.post_id is None or task.post_id not in {term.post_id for term in terms}:
        raise errors.WrongPost()
    return terms


@transaction.atomic
def task_claim(*, actor: Any, task: Task) -> Task:
    """Take a task from the shared pool of a post the actor holds today."""
    locked = _lock_task(task)
    _check_holder(actor, locked)
    if locked.completed_at is not None:
        raise errors.AlreadyDecided(
            _("This file was already decided by %(name)s.") % {"name": locked.completed_by or "—"}
        )
    if locked.assigned_to_id and locked.assigned_to_id != actor.pk:
        raise errors.ClaimedByOther()
    if locked.assigned_to_id is None:
        locked.assigned_to = actor
        locked.claimed_at = clock.now()
        locked.save(update_fields=["assigned_to", "claimed_at"])
        audit_record(actor=actor, action="workflow.claimed", object_type="application",
                     object_id=str(locked.application.public_id), data={"step": locked.step.code})
    return locked


@transaction.atomic
def task_act(
    *,
    actor: Any,
    task: Task,
    action: WorkflowAction,
    note: str,
    fields_to_correct: Sequence[str] | None = None,
) -> Task | None:
    """Take ``action`` on ``task`` with a note: write the note, complete the task, move the file's
    status, and create the next task (None when the file went back to the applicant or ended)."""
    locked = _lock_task(task)
    application = _lock_application(locked.application_id)
    if locked.completed_at is not None:
        raise errors.AlreadyDecided(
            _("This file was already decided by %(name)s.") % {"name": locked.completed_by or "—"}
        )
    terms = _check_holder(actor, locked)
    if locked.assigned_to_id and locked.assigned_to_id != actor.pk:
        raise errors.ClaimedByOther()
    if _is_own(actor, application):
        raise errors.OwnApplication()
    if action.step_id != locked.step_id:
        raise errors.WrongPost()
    if action.post_code not in {term.post.code for term in terms if term.post.office_id == locked.office_id}:
        raise errors.WrongPost()
    text = (note or "").strip()
    if not text:
        raise errors.NoteRequired()
    if len(text) > NOTE_MAX:
        raise InvalidInput(_("The note is too long (at most %(count)d characters).") % {"count": NOTE_MAX})
    fields: list[str] = []
    if action.kind == ActionKind.SEND_BACK:
        allowed = {name for name, _label in correctable_fields(application)}
        fields = [f for f in dict.fromkeys(fields_to_correct or []) if f in allowed]
        if not fields:
            raise errors.FieldsRequired()

    to_step = action.to_step if action.route == Route.STEP else None
    office = (step_office(application=application, step=to_step)
              if to_step is not None and not to_step.is_end else None)

    hooks.run_guards(action.kind, actor=actor, application=application, task=locked, action=action)

    now = clock.now()
    term = next((t for t in terms if t.post_id == locked.post_id), None)
    post = locked.post
    assert post is not None  # _check_holder refused a task without a post
    FileNote.objects.create(
        application=application, task=locked, author=actor, author_name=str(actor),
        post_name_bn=post.name_bn, post_name_en=post.name_en,
        is_acting=bool(term and term.is_acting), action_kind=action.kind, text=text, at=now,
    )
    locked.completed_at = now
    locked.completed_by = actor
    locked.action = action
    locked.fields_to_correct = fields
    if locked.assigned_to_id is None:
        locked.assigned_to = actor
    locked.save(update_fields=["completed_at", "completed_by", "action", "fields_to_correct", "assigned_to"])

    data = {"action": action.kind, "step": locked.step.code, "workflow": locked.workflow.code,
            "version": locked.workflow.version}
    if fields:
        data["fields_to_correct"] = fields
    to_status = KIND_STATUS.get(action.kind)
    if to_status and to_status != application.status:
        # The note is internal to the office (নোট); the applicant's history shows it only when it
        # is addressed to them: what to correct, what is asked, why the application was refused.
        public_note = text if action.kind in PUBLIC_NOTE_KINDS else ""
        application_transition(actor=actor, application=application, to_status=to_status, note=public_note,
                               data=data, audit_action=f"workflow.{action.kind}")
    else:
        audit_record(actor=actor, action=f"workflow.{action.kind}", object_type="application",
                     object_id=str(application.public_id), data=data)
    hooks.run_effects(action.kind, actor=actor, application=application, task=locked, action=action)
    if action.route == Route.APPLICANT:
        FileMessage.objects.create(application=application, author=actor, from_office=True, text=text, at=now)
        return None
    if to_step is None or office is None:
        return None
    if office.pk != locked.office_id:
        audit_record(actor=actor, action="workflow.routed", object_type="application",
                     object_id=str(application.public_id),
                     data={"from_office": str(locked.office.public_id), "to_office": str(office.public_id),
                           "step": to_step.code})
    try:
        with transaction.atomic():
            return _create_task(application=application, workflow=locked.workflow, step=to_step, office=office)
    except IntegrityError:  # pragma: no cover (the row locks make this unreachable)
        raise errors.AlreadyDecided() from None


# --- Overdue files: escalation to the supervising post ------------------------------------

ESCALATE_BATCH = 200


def supervising_post(task: Task) -> Post | None:
    """Who an overdue ``task`` escalates to: the post that supervises the task's post in the same
    office, else the head of the supervising (parent) office. A task without a post goes to the
    head of its own office. None when there is nobody above."""
    post = task.post
    if post is not None and post.supervisor_id:
        supervisor = Post.objects.select_related("office").filter(pk=post.supervisor_id).first()
        if supervisor is not None and supervisor.office_id == task.office_id and supervisor.pk != post.pk:
            return supervisor
    if post is None:
        head = Post.objects.select_related("office").filter(office_id=task.office_id, is_office_head=True).first()
        if head is not None:
            return head
    parent_id = task.office.parent_id
    if parent_id is not None:
        found = (
            Post.objects.select_related("office").filter(office_id=parent_id, is_office_head=True).order_by("pk").first()
        )
        if found is not None:
            return found
    if post is not None and post.supervisor_id and post.supervisor_id != post.pk:  # a supervisor set elsewhere
        return Post.objects.select_related("office").filter(pk=post.supervisor_id).first()
    return None


def _notify_escalation(escalation: Escalation, task: Task) -> None:
    """Tell the people holding the supervising post (e-mail, else SMS), each in their language."""
    from sheba.directory.selectors import holders_of
    from sheba.notifications.services import notify

    application = task.application
    for person in holders_of(escalation.to_post):
        if not (person.email or person.mobile):
            continue
        context = {
            "tracking_number": application.tracking_display, "due_on": task.due_on,
            "step": task.step.label_bn if person.preferred_language == "bn" else task.step.label_en,
            "office_name": task.office.name_bn if person.preferred_language == "bn" else task.office.name_en,
        }
        try:
            with transaction.atomic():
                notify(event="task_escalated", context=context, email_to=person.email or None,
                       sms_to=None if person.email else person.mobile, user=person,
                       language=person.preferred_language or "bn")
        except Exception:  # noqa: BLE001 (a bad address must not stop the escalation)
            import logging

            logging.getLogger("sheba.workflow").warning("Could not notify %s of escalation %s", person.pk,
                                                        escalation.pk)


@transaction.atomic
def task_escalate(*, task_id: int) -> Escalation | None:
    """Escalate one overdue open task, once: None when it is not overdue, is done, was escalated
    already, is being worked on right now (locked) or has nobody above it."""
    today = clock.today()
    task = (
        Task.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("post", "office", "step", "application")
        .filter(pk=task_id, completed_at__isnull=True, due_on__lt=today)
        .first()
    )
    if task is None or Escalation.objects.filter(task=task).exists():
        return None
    to_post = supervising_post(task)
    if to_post is None:
        return None
    escalation = Escalation.objects.create(
        task=task, to_post=to_post, to_office=to_post.office, at=clock.now(),
        days_overdue=working_days_between(task.due_on, today),
    )
    audit_record(actor=None, action="workflow.escalated", object_type="application",
                 object_id=str(task.application.public_id),
                 data={"step": task.step.code, "due_on": task.due_on.isoformat(), "to_post": to_post.code,
                       "to_office": str(to_post.office.public_id), "days_overdue": escalation.days_overdue})
    _notify_escalation(escalation, task)
    return escalation


def tasks_escalate_overdue(*, limit: int | None = None) -> int:
    """The periodic sweep: escalate every overdue open task that was not escalated yet (each in
    its own short transaction; safe to run from several workers at once). Returns how many."""
    today = clock.today()
    pending = (
        Task.objects.filter(completed_at__isnull=True, due_on__lt=today, escalation__isnull=True)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    ids = list(pending[:limit] if limit else pending)
    done = 0
    for start in range(0, len(ids), ESCALATE_BATCH):
        for task_id in ids[start:start + ESCALATE_BATCH]:
            if task_escalate(task_id=task_id) is not None:
                done += 1
    return done


# --- The citizen's side ---------------------------------------------------------------------


@transaction.atomic
def file_message_send(*, actor: Any, application: Application, text: str) -> FileMessage:
    """A message on the file, from the applicant or from an officer of the office holding it."""
    from sheba.applications.selectors import applications_visible_to

    if not applications_visible_to(actor).filter(pk=application.pk).exists() or application.status == Status.DRAFT:
        raise NotFound()
    body = (text or "").strip()
    if not body:
        raise InvalidInput(_("Write your message."))
    if len(body) > MESSAGE_MAX:
        raise InvalidInput(_("The message is too long (at most %(count)d characters).") % {"count": MESSAGE_MAX})
    message = FileMessage.objects.create(application=application, author=actor,
                                         from_office=bool(actor.is_officer), text=body, at=clock.now())
    audit_record(actor=actor, action="workflow.message", object_type="application",
                 object_id=str(application.public_id), data={"from_office": message.from_office})
    return message


@transaction.atomic
def application_resubmit(
    *,
    actor: Any,
    application: Application,
    form_data: Mapping[str, Any],
    attachments: Sequence[tuple[DocumentVersion, str]] = (),
    message: str = "",
) -> Task | None:
    """The applicant corrects a file that was sent back and submits the same file again: the
    answers and the new documents are saved, the status goes back to submitted, and a new task
    waits at the step that sent it back."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != application.applicant_id:
        raise NotFound()
    locked = _lock_application(application.pk)
    if locked.status != Status.SENT_BACK:
        raise errors.NotSentBack()
    sent_back = last_send_back(locked)
    if sent_back is None:
        raise errors.NotSentBack()
    data = dict(form_data)
    if validate_data(locked.service.form_schema or {}, data):
        raise application_errors.FormIncomplete()
    for version, code in attachments:
        if version.document.owner_id != actor.pk or not code:
            raise NotFound()
        if version.scan_status != ScanStatus.CLEAN:
            raise InvalidInput(application_errors.DocumentsMissing.default_message)
    now = clock.now()
    locked.form_data = data
    locked.updated_at = now
    locked.save(update_fields=["form_data", "updated_at"])
    for version, code in attachments:
        ApplicationAttachment.objects.filter(application=locked, document_code=code).exclude(version=version).delete()
        ApplicationAttachment.objects.get_or_create(
            application=locked, version=version, defaults={"document_code": code, "created_at": now}
        )
    body = (message or "").strip()[:MESSAGE_MAX]
    if body:
        FileMessage.objects.create(application=locked, author=actor, from_office=False, text=body, at=now)
    application_transition(actor=actor, application=locked, to_status=Status.SUBMITTED,
                           audit_action="application.resubmitted",
                           data={"corrected": list(sent_back.fields_to_correct)})
    task = _create_task(application=locked, workflow=sent_back.workflow, step=sent_back.step, office=sent_back.office)
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return task


def audit_file_view(*, actor: Any, application: Application, ip: str | None = None) -> None:
    """An officer opened the file: one audit "view" row (the audit app's ``audit_view`` if present)."""
    from sheba.audit import services as audit_services

    viewer = getattr(audit_services, "audit_view", None)
    if viewer is not None:
        viewer(actor=actor, object_type="application", object_id=str(application.public_id), ip=ip)
    else:
        audit_record(actor=actor, action="view", object_type="application", object_id=str(application.public_id),
                     ip=ip)
