"""The bn/en SMS and e-mail templates of applications (editable later in the admin).

Context keys are contracts with ``sheba.applications.services``:
  application_submitted {tracking_number, service_name, office_name, due_date (a date or None)}
  application_status {tracking_number, status_label}
Bengali SMS go as UCS-2 (70 characters a segment, 67 when longer): keep them short.
"""

from django.db import migrations

SMS, EMAIL = "sms", "email"

TEMPLATES = [
    ("application_submitted", SMS, "bn", "",
     "সেবা: {{ service_name }}-এর আবেদন জমা হয়েছে ({{ office_name }})। ট্র্যাকিং নম্বর {{ tracking_number }}"
     "{% if due_date %}। সম্ভাব্য নিষ্পত্তি {{ due_date|day }}{% endif %}।"),
    ("application_submitted", SMS, "en", "",
     "Sheba: your application for {{ service_name }} ({{ office_name }}) is submitted. "
     "Tracking number {{ tracking_number }}{% if due_date %}. Expected by {{ due_date|day }}{% endif %}."),
    ("application_submitted", EMAIL, "bn", "সেবা: আবেদন জমা হয়েছে — {{ tracking_number }}",
     "আপনার আবেদন জমা হয়েছে।\n\n"
     "সেবা: {{ service_name }}\n"
     "অফিস: {{ office_name }}\n"
     "ট্র্যাকিং নম্বর: {{ tracking_number }}\n"
     "{% if due_date %}সম্ভাব্য নিষ্পত্তির তারিখ: {{ due_date|day }}\n{% endif %}"
     "\nআবেদনের সর্বশেষ অবস্থা জানতে: {{ site_url }}/applications/status/\n\n"
     "সাহায্য লাগলে: {{ helpdesk_phone|num }}, {{ helpdesk_email }}\n\nসেবা"),
    ("application_submitted", EMAIL, "en", "Sheba: application submitted — {{ tracking_number }}",
     "Your application is submitted.\n\n"
     "Service: {{ service_name }}\n"
     "Office: {{ office_name }}\n"
     "Tracking number: {{ tracking_number }}\n"
     "{% if due_date %}Expected completion: {{ due_date|day }}\n{% endif %}"
     "\nFollow it at {{ site_url }}/applications/status/\n\n"
     "Need help? {{ helpdesk_phone }}, {{ helpdesk_email }}\n\nSheba"),
    ("application_status", SMS, "bn", "",
     "সেবা: আবেদন {{ tracking_number }}-এর অবস্থা: {{ status_label }}।"),
    ("application_status", SMS, "en", "",
     "Sheba: application {{ tracking_number }} is now: {{ status_label }}."),
    ("application_status", EMAIL, "bn", "সেবা: আবেদন {{ tracking_number }}-এর অবস্থা বদলেছে",
     "আপনার আবেদন {{ tracking_number }}-এর অবস্থা এখন: {{ status_label }}।\n\n"
     "বিস্তারিত: {{ site_url }}/applications/status/\n\nসেবা"),
    ("application_status", EMAIL, "en", "Sheba: application {{ tracking_number }} has moved on",
     "Your application {{ tracking_number }} is now: {{ status_label }}.\n\n"
     "Details: {{ site_url }}/applications/status/\n\nSheba"),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event__in={"application_submitted", "application_status"}).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_applications_and_history"),
        ("notifications", "0003_message_expires_at_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
