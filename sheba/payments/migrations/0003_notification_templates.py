"""The bn/en SMS templates of payments (editable later in the admin).

Context keys are contracts with ``sheba.payments.services``:
  payment_paid {amount (formatted), description, receipt_number}
  payment_refunded {amount (formatted), description}
"""

from django.db import migrations

SMS = "sms"
EVENTS = ("payment_paid", "payment_refunded")
TEMPLATES = [
    ("payment_paid", "bn", "সেবা: {{ amount }} পরিশোধ হয়েছে ({{ description }})। রসিদ নং {{ receipt_number|num }}।"),
    ("payment_paid", "en", "Sheba: {{ amount }} paid ({{ description }}). Receipt no. {{ receipt_number }}."),
    ("payment_refunded", "bn", "সেবা: {{ amount }} ফেরত দেওয়া হয়েছে ({{ description }})।"),
    ("payment_refunded", "en", "Sheba: {{ amount }} refunded ({{ description }})."),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, language, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=SMS, language=language, defaults={"subject": "", "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event__in=EVENTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_ledger_balance_trigger"),
        ("notifications", "0003_message_expires_at_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
