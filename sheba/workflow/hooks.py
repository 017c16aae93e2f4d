"""Other apps' say in an officer's action on a file, without the workflow importing them.

- A *guard* may refuse an action before anything is written: it raises a
  ``sheba.core.errors.DomainError`` whose message the officer sees (payments: "the fee is
  unpaid"; identity: "the NID check has not passed").
- An *effect* runs after the action, in the same transaction (certificates: issue and sign the
  certificate on approval). An exception in an effect rolls the whole action back.

Apps register in their ``AppConfig.ready()``::

    from sheba.workflow import hooks
    hooks.register_guard(hooks.APPROVE, fee_must_be_paid)
    hooks.register_effect(hooks.APPROVE, issue_certificate)

Both are called with keyword arguments ``actor``, ``application``, ``task`` and ``action``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

APPROVE = "approve"
REJECT = "reject"
FORWARD = "forward"
SEND_BACK = "send_back"
DELIVER = "deliver"
ANY = "*"

Hook = Callable[..., Any]
_guards: dict[str, list[Hook]] = defaultdict(list)
_effects: dict[str, list[Hook]] = defaultdict(list)


def register_guard(kind: str, func: Hook) -> None:
    if func not in _guards[kind]:
        _guards[kind].append(func)


def register_effect(kind: str, func: Hook) -> None:
    if func not in _effects[kind]:
        _effects[kind].append(func)


def run_guards(kind: str, **context: Any) -> None:
    for func in (*_guards.get(kind, ()), *_guards.get(ANY, ())):
        func(**context)


def run_effects(kind: str, **context: Any) -> None:
    for func in (*_effects.get(kind, ()), *_effects.get(ANY, ())):
        func(**context)
