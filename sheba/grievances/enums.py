"""States, reasons and the transition table of complaints (অভিযোগ), and the rules' numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# A complaint is answered within 30 working days (the GRS guideline); so is an appeal.
ANSWER_WORKING_DAYS = 30
# The citizen may appeal within 30 days (calendar) of the decision, once.
APPEAL_DAYS = 30
TEXT_MIN = 10
TEXT_MAX = 2000
REPLY_MAX = 4000

# The post that handles complaints at an office: a dedicated "grievance_officer" post (অভিযোগ
# নিষ্পত্তি কর্মকর্তা, অনিক) when the office has one, else the ADC (General) at a DC office, else
# the office head (the UNO at an upazila office). The head may always take over.
GRIEVANCE_OFFICER_POST = "grievance_officer"
GRIEVANCE_POST_PREFERENCE = (GRIEVANCE_OFFICER_POST, "adc_general")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INVESTIGATING = "investigating", _("Under investigation")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    APPEAL_REVIEW = "appeal_review", _("Appeal under review")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")


OPEN_FIRST = frozenset({ComplaintStatus.SUBMITTED, ComplaintStatus.INVESTIGATING})
OPEN_APPEAL = frozenset({ComplaintStatus.APPEALED, ComplaintStatus.APPEAL_REVIEW})
OPEN = OPEN_FIRST | OPEN_APPEAL
DECIDED_FIRST = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED})

TRANSITIONS: dict[str, frozenset[str]] = {
    ComplaintStatus.SUBMITTED: frozenset(
        {ComplaintStatus.INVESTIGATING, ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED}
    ),
    ComplaintStatus.INVESTIGATING: frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED}),
    ComplaintStatus.RESOLVED: frozenset({ComplaintStatus.APPEALED}),
    ComplaintStatus.REJECTED: frozenset({ComplaintStatus.APPEALED}),
    ComplaintStatus.APPEALED: frozenset({ComplaintStatus.APPEAL_REVIEW, ComplaintStatus.APPEAL_DECIDED}),
    ComplaintStatus.APPEAL_REVIEW: frozenset({ComplaintStatus.APPEAL_DECIDED}),
    ComplaintStatus.APPEAL_DECIDED: frozenset(),
}


class ComplaintReason(models.TextChoices):
    DELAY = "delay", _("The charter deadline has passed")
    DECISION = "decision", _("I disagree with the decision on my application")
    CONDUCT = "conduct", _("An officer's conduct (a bribe asked, harassment, rudeness)")
    OTHER = "other", _("Something else")


# Reasons a complaint about an office in general (no application) may give.
OFFICE_REASONS = (ComplaintReason.CONDUCT, ComplaintReason.OTHER)


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Appeal upheld: the office must act")
    DISMISSED = "dismissed", _("Appeal dismissed: the first decision stands")


class EventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    NOTE = "note", _("Investigation note")
