from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict:
    """What every page shows: the help desk, and the idle-session timings for the warning."""
    return {
        "helpdesk_phone": settings.SHEBA_HELPDESK_PHONE,
        "helpdesk_email": settings.SHEBA_HELPDESK_EMAIL,
        "session_warn_seconds": settings.SHEBA_SESSION_WARN_SECONDS,
        "session_countdown_seconds": settings.SHEBA_SESSION_COUNTDOWN_SECONDS,
        "show_outbox": settings.SHEBA_SHOW_OUTBOX,
    }
