"""The shipped workflows (``manage.py seed_workflows``): Union Parishad certificates, the DC
office path and a single desk per office type. Idempotent: a workflow that exists is left alone
(designers may have edited it in the admin)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sheba.core import clock
from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import OfficeType
from sheba.workflow.models import ActionKind, Route, Workflow, WorkflowAction, WorkflowStep

A = ActionKind
LABELS = {
    A.FORWARD: ("অগ্রায়ণ করুন", "Forward"),
    A.SEND_BACK: ("সংশোধনের জন্য ফেরত দিন", "Send back for correction"),
    A.ASK_INFO: ("তথ্য চান", "Ask for information"),
    A.APPROVE: ("অনুমোদন করুন", "Approve"),
    A.REJECT: ("নামঞ্জুর করুন", "Reject"),
    A.DELIVER: ("সরবরাহ করুন", "Deliver"),
}

# step: (code, label_bn, label_en, post_code, deadline_days, is_end[, office type code: worked at the
#        nearest office of that type above the file's office])
# action: (step, kind, post_code, route target: step code or "applicant")
UP_CERTIFICATE: dict[str, Any] = {
    "name": ("ইউনিয়ন পরিষদের সনদ", "Union Parishad certificate"),
    "steps": [
        ("check", "সচিবের যাচাই", "Checked by the secretary", PostCode.UP_SECRETARY, 1, False),
        ("decide", "চেয়ারম্যানের সিদ্ধান্ত", "Chairman's decision", PostCode.UP_CHAIRMAN, 1, False),
        ("deliver", "সনদ সরবরাহ", "Handing over", PostCode.UP_SECRETARY, 1, False),
        ("done", "নিষ্পন্ন", "Finished", "", 0, True),
    ],
    "actions": [
        ("check", A.FORWARD, PostCode.UP_SECRETARY, "decide"),
        ("check", A.SEND_BACK, PostCode.UP_SECRETARY, "applicant"),
        ("check", A.ASK_INFO, PostCode.UP_SECRETARY, "applicant"),
        ("decide", A.APPROVE, PostCode.UP_CHAIRMAN, "deliver"),
        ("decide", A.REJECT, PostCode.UP_CHAIRMAN, "done"),
        ("deliver", A.DELIVER, PostCode.UP_SECRETARY, "done"),
    ],
}

DC_OFFICE: dict[str, Any] = {
    "name": ("জেলা প্রশাসকের কার্যালয়ের নথি", "Deputy Commissioner's office file"),
    "steps": [
        ("receive", "ফ্রন্ট ডেস্কে গ্রহণ", "Received at the front desk", PostCode.FRONT_DESK, 1, False),
        ("dc_mark", "জেলা প্রশাসকের নির্দেশ", "Marked by the DC", PostCode.DC, 1, False),
        ("officer", "কর্মকর্তার পর্যালোচনা", "Officer's review", PostCode.ADC_GENERAL, 2, False),
        ("branch", "শাখার যাচাই", "Branch check", PostCode.GC_ASSISTANT, 3, False),
        ("dc_decide", "জেলা প্রশাসকের সিদ্ধান্ত", "DC's decision", PostCode.DC, 2, False),
        ("deliver", "সরবরাহ", "Handing over", PostCode.FRONT_DESK, 1, False),
        ("done", "নিষ্পন্ন", "Finished", "", 0, True),
    ],
    "actions": [
        ("receive", A.FORWARD, PostCode.FRONT_DESK, "dc_mark"),
        ("receive", A.SEND_BACK, PostCode.FRONT_DESK, "applicant"),
        ("dc_mark", A.FORWARD, PostCode.DC, "officer"),
        ("officer", A.FORWARD, PostCode.ADC_GENERAL, "branch"),
        ("branch", A.FORWARD, PostCode.GC_ASSISTANT, "dc_decide"),
        ("branch", A.SEND_BACK, PostCode.GC_ASSISTANT, "applicant"),
        ("branch", A.ASK_INFO, PostCode.GC_ASSISTANT, "applicant"),
        ("dc_decide", A.APPROVE, PostCode.DC, "deliver"),
        ("dc_decide", A.REJECT, PostCode.DC, "done"),
        ("deliver", A.DELIVER, PostCode.FRONT_DESK, "done"),
    ],
}


# A Union Parishad file that the upazila office decides (e.g. a recommendation the UNO must sign):
# the secretary checks, the chairman forwards it to the upazila office, the UNO decides, and the
# file comes back to the union for handing over.
UP_TO_UPAZILA: dict[str, Any] = {
    "name": ("উপজেলা অফিসে অগ্রায়ণসহ ইউনিয়ন পরিষদের নথি", "Union Parishad file decided at the upazila office"),
    "steps": [
        ("check", "সচিবের যাচাই", "Checked by the secretary", PostCode.UP_SECRETARY, 1, False),
        ("forward", "চেয়ারম্যানের অগ্রায়ণ", "Forwarded by the chairman", PostCode.UP_CHAIRMAN, 1, False),
        ("uno_decide", "উপজেলা নির্বাহী অফিসারের সিদ্ধান্ত", "UNO's decision", PostCode.UNO, 3, False,
         OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE),
        ("deliver", "সরবরাহ", "Handing over", PostCode.UP_SECRETARY, 1, False),
        ("done", "নিষ্পন্ন", "Finished", "", 0, True),
    ],
    "actions": [
        ("check", A.FORWARD, PostCode.UP_SECRETARY, "forward"),
        ("check", A.SEND_BACK, PostCode.UP_SECRETARY, "applicant"),
        ("forward", A.FORWARD, PostCode.UP_CHAIRMAN, "uno_decide"),
        ("forward", A.REJECT, PostCode.UP_CHAIRMAN, "done"),
        ("uno_decide", A.APPROVE, PostCode.UNO, "deliver"),
        ("uno_decide", A.REJECT, PostCode.UNO, "done"),
        ("uno_decide", A.SEND_BACK, PostCode.UNO, "applicant"),
        ("deliver", A.DELIVER, PostCode.UP_SECRETARY, "done"),
    ],
}


def single_desk(post_code: str) -> dict[str, Any]:
    return {
        "name": ("এক ডেস্কে নিষ্পত্তি", "Single desk"),
        "steps": [
            ("decide", "সিদ্ধান্ত", "Decision", post_code, 3, False),
            ("done", "নিষ্পন্ন", "Finished", "", 0, True),
        ],
        "actions": [
            ("decide", A.APPROVE, post_code, "done"),
            ("decide", A.REJECT, post_code, "done"),
            ("decide", A.SEND_BACK, post_code, "applicant"),
        ],
    }


# (workflow code, office type code, definition)
SHIPPED: list[tuple[str, str, dict[str, Any]]] = [
    ("up_certificate", OfficeTypeCode.UNION_PARISHAD, UP_CERTIFICATE),
    ("dc_office", OfficeTypeCode.DC_OFFICE, DC_OFFICE),
    ("up_to_upazila", OfficeTypeCode.UNION_PARISHAD, UP_TO_UPAZILA),
    ("single_desk", OfficeTypeCode.UNION_PARISHAD, single_desk(PostCode.UP_SECRETARY)),
    ("single_desk", OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE, single_desk(PostCode.UNO)),
    ("single_desk", OfficeTypeCode.DC_OFFICE, single_desk(PostCode.DC)),
]


def workflow_create(
    *, code: str, office_type: OfficeType, definition: dict[str, Any], type_codes: dict[str, str] | None = None
) -> Workflow:
    """Version 1 of a workflow from a definition like the ones above (``type_codes`` maps the
    office type codes its steps route to, as ``workflows_seed`` does)."""
    workflow = Workflow.objects.create(
        code=code, version=1, office_type=office_type, name_bn=definition["name"][0],
        name_en=definition["name"][1], is_active=True, created_at=clock.now(),
    )
    steps = {}
    for position, (step_code, bn, en, post, days, is_end, *elsewhere) in enumerate(definition["steps"]):
        type_code = elsewhere[0] if elsewhere else ""
        steps[step_code] = WorkflowStep.objects.create(
            workflow=workflow, code=step_code, position=position, label_bn=bn, label_en=en, post_code=post,
            deadline_days=days, is_end=is_end, office_type_code=(type_codes or {}).get(type_code, type_code),
        )
    for position, (step_code, kind, post, target) in enumerate(definition["actions"]):
        WorkflowAction.objects.create(
            step=steps[step_code], kind=kind, label_bn=LABELS[kind][0], label_en=LABELS[kind][1], post_code=post,
            route=Route.APPLICANT if target == "applicant" else Route.STEP,
            to_step=None if target == "applicant" else steps[target], position=position,
        )
    return workflow


@transaction.atomic
def workflows_seed(*, office_type_codes: dict[str, str] | None = None) -> list[Workflow]:
    """Create the shipped workflows that do not exist yet; returns those created.
    ``office_type_codes`` maps a shipped office type code to another one (tests)."""
    created = []
    for code, type_code, definition in SHIPPED:
        type_code = (office_type_codes or {}).get(type_code, type_code)
        office_type = OfficeType.objects.filter(code=type_code).first()
        if office_type is None or Workflow.objects.filter(code=code, office_type=office_type).exists():
            continue
        created.append(workflow_create(code=code, office_type=office_type, definition=definition,
                                       type_codes=office_type_codes))
    return created
