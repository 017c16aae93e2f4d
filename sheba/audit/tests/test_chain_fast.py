"""The verifier's fast hash gives exactly the canonical hash for canonical rows (hypothesis), and a
tampered row still fails verification through it."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sheba.audit.chain import nfc_json, normalise_ip, row_hash, row_hash_fast

text = st.text(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    seq=st.integers(1, 2**62),
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    actor_id=st.none() | st.integers(1, 2**31),
    action=text, object_type=text, object_id=text, request_id=text,
    data=st.dictionaries(text, json_values, max_size=5),
    ip=st.none() | st.ip_addresses().map(str),
    prev_hash=st.text("0123456789abcdef", min_size=64, max_size=64),
)
def test_fast_hash_equals_the_canonical_hash(seq, at, actor_id, action, object_type, object_id, request_id, data,
                                             ip, prev_hash):
    fields = {"seq": seq, "at": at, "actor_id": actor_id, "action": nfc_json(action),
              "object_type": nfc_json(object_type), "object_id": nfc_json(object_id), "data": nfc_json(data),
              "ip": normalise_ip(ip), "request_id": nfc_json(request_id), "prev_hash": prev_hash}
    assert row_hash_fast(**fields) == row_hash(**fields)


def test_fast_hash_differs_when_any_field_changes():
    base = {"seq": 7, "at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), "actor_id": 3, "action": "workflow.approve",
            "object_type": "application", "object_id": "abc", "data": {"ধাপ": "decide", "n": 1}, "ip": "10.0.0.1",
            "request_id": "r1", "prev_hash": "0" * 64}
    original = row_hash_fast(**base)
    for key, value in {"seq": 8, "actor_id": None, "action": "workflow.reject", "object_id": "abd",
                       "data": {"ধাপ": "decide", "n": 2}, "ip": None, "request_id": "", "prev_hash": "1" * 64}.items():
        assert row_hash_fast(**{**base, key: value}) != original, key
