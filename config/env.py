"""One strict way to read settings from the environment."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env(name: str, default: Any = _MISSING, *, cast: type = str) -> Any:
    """Read ``name`` from the environment; without a default, a missing value is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    if cast is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")
    if cast is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    try:
        return cast(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
