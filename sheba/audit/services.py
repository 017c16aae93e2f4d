from __future__ import annotations

from typing import Any

from sheba.audit.models import AuditEvent
from sheba.core import clock
from sheba.core.logging import request_id_var


def audit_record(
    *, actor: Any, action: str, object_type: str, object_id: str, data: dict | None = None, ip: str | None = None
) -> AuditEvent:
    """Write one audit row in the caller's transaction. Never pass secrets or a full NID in ``data``."""
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        ip_address=ip,
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )
