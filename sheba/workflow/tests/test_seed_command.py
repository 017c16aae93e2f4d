"""``manage.py seed_workflows`` creates the shipped workflows once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sheba.directory.models import OfficeLevel, OfficeType
from sheba.workflow.models import Workflow

pytestmark = pytest.mark.django_db


def test_seed_workflows_is_idempotent():
    for code, level in (("union_parishad", OfficeLevel.UNION), ("dc_office", OfficeLevel.DISTRICT),
                        ("upazila_nirbahi_office", OfficeLevel.UPAZILA)):
        OfficeType.objects.get_or_create(code=code, defaults={"level": level, "name_bn": code, "name_en": code})
    out = StringIO()
    call_command("seed_workflows", stdout=out)
    assert "6 workflow(s) created." in out.getvalue()
    codes = sorted(Workflow.objects.values_list("code", "office_type__code"))
    assert codes == [("dc_office", "dc_office"), ("single_desk", "dc_office"), ("single_desk", "union_parishad"),
                     ("single_desk", "upazila_nirbahi_office"), ("up_certificate", "union_parishad"),
                     ("up_to_upazila", "union_parishad")]
    again = StringIO()
    call_command("seed_workflows", stdout=again)
    assert "0 workflow(s) created." in again.getvalue()
    assert Workflow.objects.count() == 6
