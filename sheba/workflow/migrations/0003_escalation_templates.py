"""The bn/en e-mail and SMS templates for an overdue file escalated to the supervising post.

Context keys (contract with ``sheba.workflow.services._notify_escalation``):
  task_escalated {tracking_number, step, office_name, due_on (a date)}
"""

from django.db import migrations

SMS, EMAIL = "sms", "email"

TEMPLATES = [
    ("task_escalated", SMS, "bn", "",
     "সেবা: নথি {{ tracking_number }} ({{ office_name }}) {{ due_on|day }}-এর মধ্যে নিষ্পন্ন হয়নি; আপনার কাছে পাঠানো হলো।"),
    ("task_escalated", SMS, "en", "",
     "Sheba: file {{ tracking_number }} ({{ office_name }}) was due by {{ due_on|day }} and is escalated to you."),
    ("task_escalated", EMAIL, "bn", "সেবা: সময়সীমা পেরোনো নথি {{ tracking_number }}",
     "নথি {{ tracking_number }} নির্ধারিত সময়ের মধ্যে নিষ্পন্ন হয়নি।\n\n"
     "অফিস: {{ office_name }}\n"
     "ধাপ: {{ step }}\n"
     "নির্ধারিত তারিখ: {{ due_on|day }}\n\n"
     "নথিটি তদারকির জন্য আপনার ইনবক্সে দেখা যাচ্ছে: {{ site_url }}/officer/files/\n\nসেবা"),
    ("task_escalated", EMAIL, "en", "Sheba: overdue file {{ tracking_number }}",
     "File {{ tracking_number }} was not finished by its deadline.\n\n"
     "Office: {{ office_name }}\n"
     "Step: {{ step }}\n"
     "Due on: {{ due_on|day }}\n\n"
     "It is in your inbox for follow-up: {{ site_url }}/officer/files/\n\nSheba"),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event="task_escalated").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_routing_escalation"),
        ("notifications", "0003_message_expires_at_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
