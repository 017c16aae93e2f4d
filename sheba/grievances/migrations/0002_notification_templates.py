"""The bn/en SMS and e-mail templates of complaints (editable later in the admin).

Context keys are contracts with ``sheba.grievances.services._notify``:
  grievance_submitted, grievance_status {complaint_number, status, status_label, office_name,
  due_date (a date or None), reply, outcome_label, appeal_days}
Bengali SMS go as UCS-2 (70 characters a segment, 67 when longer): keep them short.
"""

from django.db import migrations

SMS, EMAIL = "sms", "email"

TEMPLATES = [
    ("grievance_submitted", SMS, "bn", "",
     "সেবা: আপনার অভিযোগ {{ complaint_number }} গৃহীত হয়েছে ({{ office_name }})। "
     "উত্তরের শেষ তারিখ {{ due_date|day }}।"),
    ("grievance_submitted", SMS, "en", "",
     "Sheba: your complaint {{ complaint_number }} is received ({{ office_name }}). "
     "Answer due by {{ due_date|day }}."),
    ("grievance_submitted", EMAIL, "bn", "সেবা: অভিযোগ গৃহীত — {{ complaint_number }}",
     "আপনার অভিযোগ গৃহীত হয়েছে।\n\n"
     "অভিযোগ নম্বর: {{ complaint_number }}\n"
     "যে অফিস নিষ্পত্তি করবে: {{ office_name }}\n"
     "উত্তরের শেষ তারিখ: {{ due_date|day }}\n"
     "\nঅভিযোগের সর্বশেষ অবস্থা জানতে: {{ site_url }}/grievances/status/\n\n"
     "সাহায্য লাগলে: {{ helpdesk_phone|num }}, {{ helpdesk_email }}\n\nসেবা"),
    ("grievance_submitted", EMAIL, "en", "Sheba: complaint received — {{ complaint_number }}",
     "Your complaint is received.\n\n"
     "Complaint number: {{ complaint_number }}\n"
     "Handled by: {{ office_name }}\n"
     "Answer due by: {{ due_date|day }}\n"
     "\nFollow it at {{ site_url }}/grievances/status/\n\n"
     "Need help? {{ helpdesk_phone }}, {{ helpdesk_email }}\n\nSheba"),
    ("grievance_status", SMS, "bn", "",
     "সেবা: অভিযোগ {{ complaint_number }}-এর অবস্থা: {{ status_label }}।"
     "{% if status == 'resolved' or status == 'rejected' %} উত্তর দেখুন ও চাইলে {{ appeal_days|num }} দিনের মধ্যে আপিল করুন।"
     "{% elif due_date %} উত্তরের শেষ তারিখ {{ due_date|day }}।{% endif %}"),
    ("grievance_status", SMS, "en", "",
     "Sheba: complaint {{ complaint_number }} is now: {{ status_label }}."
     "{% if status == 'resolved' or status == 'rejected' %} Read the answer; you may appeal within {{ appeal_days }} days."
     "{% elif due_date %} Answer due by {{ due_date|day }}.{% endif %}"),
    ("grievance_status", EMAIL, "bn", "সেবা: অভিযোগ {{ complaint_number }}-এর অবস্থা বদলেছে",
     "আপনার অভিযোগ {{ complaint_number }}-এর অবস্থা এখন: {{ status_label }}।\n"
     "{% if outcome_label %}আপিলের ফল: {{ outcome_label }}\n{% endif %}"
     "অফিস: {{ office_name }}\n"
     "{% if reply %}\nঅফিসের উত্তর:\n{{ reply }}\n{% endif %}"
     "{% if status == 'resolved' or status == 'rejected' %}\nউত্তরে সন্তুষ্ট না হলে {{ appeal_days|num }} দিনের মধ্যে "
     "একবার আপিল করতে পারবেন।\n{% endif %}"
     "\nবিস্তারিত: {{ site_url }}/grievances/\n\nসেবা"),
    ("grievance_status", EMAIL, "en", "Sheba: complaint {{ complaint_number }} has moved on",
     "Your complaint {{ complaint_number }} is now: {{ status_label }}.\n"
     "{% if outcome_label %}Appeal outcome: {{ outcome_label }}\n{% endif %}"
     "Office: {{ office_name }}\n"
     "{% if reply %}\nThe office's answer:\n{{ reply }}\n{% endif %}"
     "{% if status == 'resolved' or status == 'rejected' %}\nIf the answer does not satisfy you, you may appeal "
     "once within {{ appeal_days }} days.\n{% endif %}"
     "\nDetails: {{ site_url }}/grievances/\n\nSheba"),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event__in={"grievance_submitted", "grievance_status"}).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0001_complaints"),
        ("notifications", "0003_message_expires_at_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
