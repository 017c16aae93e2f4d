"""The benchmark plugin runs on a seeded union and reports the three rows `make bench` prints."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sheba.locker.tests.helpers import media_root  # noqa: F401

pytestmark = pytest.mark.django_db


def test_bench_plugin_measures_issue_plain_and_verification(chairman_post, media_root):  # noqa: F811
    from sheba.certificates import bench
    from sheba.certificates.models import Certificate

    numbers = bench.measure(6)
    assert numbers["issue_rate"] > 0 and numbers["plain_rate"] > 0
    assert numbers["online_rate"] > 0 and numbers["offline_rate"] > numbers["online_rate"] / 10
    issued = Certificate.objects.filter(signer_post=chairman_post)
    assert issued.count() == 7 and all(c.pdf_bn for c in issued)
    rows = bench.rows(numbers)
    print(rows)
    assert [r["endpoint"] for r in rows][0] == "certificate issue (render+sign+store) vs plain render"
    assert all({"endpoint", "result", "goal", "met"} <= set(r) for r in rows)
    assert rows[0]["met"] == (numbers["plain_rate"] / numbers["issue_rate"] <= 1.2)
    assert bench.rows({"issue_rate": 1.0, "plain_rate": 2.0, "online_rate": 1, "offline_rate": 1})[0]["met"] is False
    assert callable(bench.run) and SimpleNamespace(quick=True)
