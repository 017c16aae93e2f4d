"""One hierarchy of domain errors: a stable code, a translated message, an HTTP status.

Services raise these; ``sheba.core.middleware.DomainErrorMiddleware``-style handling lives in
views (they show ``error.message`` on the same page). Anything uncaught becomes the friendly
error page with a reference id, never a traceback.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message: Any = _("Something is not right with this request.")

    def __init__(self, message: str | Promise | None = None, *, retry_after: int | None = None, **params: Any):
        self.message = message if message is not None else self.default_message
        self.retry_after = retry_after
        self.params = params
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("We could not find that.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 404  # out of scope answers exactly like missing
    default_message = _("We could not find that.")


class InvalidInput(DomainError):
    code = "invalid"
    status = 400


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This has already been done or changed by someone else.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts. Please wait and try again.")


class ServiceUnavailable(DomainError):
    code = "unavailable"
    status = 503
    default_message = _("This service is not available right now. Please try again in a few minutes.")
