"""The bn/en SMS and e-mail templates of the identity check (editable later in the admin).

Context keys are a contract with ``sheba.identity.services``:
  identity_mismatch {tracking_number}
"""

from django.db import migrations

SMS, EMAIL = "sms", "email"

TEMPLATES = [
    ("identity_mismatch", SMS, "bn", "",
     "সেবা: আবেদন {{ tracking_number }}-এর তথ্য জাতীয় পরিচয় নিবন্ধনের সাথে মেলেনি। সংশোধন করে আবার জমা দিন।"),
    ("identity_mismatch", SMS, "en", "",
     "Sheba: the details in application {{ tracking_number }} do not match the national identity register. "
     "Please correct them and submit again."),
    ("identity_mismatch", EMAIL, "bn", "সেবা: আবেদন {{ tracking_number }} সংশোধন করুন",
     "আপনার আবেদন {{ tracking_number }}-এর নাম, জন্ম তারিখ বা পিতা-মাতার নাম জাতীয় পরিচয় নিবন্ধনের সাথে মেলেনি। "
     "আবেদনটি আপনার কাছে ফেরত পাঠানো হয়েছে।\n\nসংশোধন করুন: {{ site_url }}/applications/\n\nসেবা"),
    ("identity_mismatch", EMAIL, "en", "Sheba: please correct application {{ tracking_number }}",
     "The name, date of birth or parents' names in your application {{ tracking_number }} do not match the "
     "national identity register. The application was sent back to you.\n\n"
     "Correct it at {{ site_url }}/applications/\n\nSheba"),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event="identity_mismatch").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_identity_checks"),
        ("notifications", "0003_message_expires_at_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
