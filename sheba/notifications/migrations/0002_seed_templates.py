"""Seed the bn/en templates of the events other apps send (editable later in the admin).

Context keys are contracts with the callers:
  otp {code, purpose_label, minutes} · account_exists {login_url} · generated_pin {pin} ·
  mpin_changed {} · mobile_changed_old {new_mobile_masked} · email_verify {link, name} ·
  welcome {name}. Every template may also use helpdesk_phone, helpdesk_email and site_url.
SMS are kept short: Bengali SMS go as UCS-2, 70 characters a segment (67 when longer).
The OTP code stays in ASCII digits so phones can offer to fill it in.
"""

from django.db import migrations

SMS, EMAIL = "sms", "email"

TEMPLATES = [
    # (event, channel, language, subject, body)
    ("otp", SMS, "bn", "",
     "সেবা: {{ purpose_label }} ওটিপি {{ code }}। {{ minutes|num }} মিনিট বৈধ। কাউকে জানাবেন না।"),
    ("otp", SMS, "en", "",
     "Sheba: your {{ purpose_label }} OTP is {{ code }}. Valid {{ minutes }} min. Never share it."),
    ("account_exists", SMS, "bn", "",
     "সেবা: এই নম্বরে আগেই অ্যাকাউন্ট আছে। লগ ইন করুন: {{ login_url }}"),
    ("account_exists", SMS, "en", "",
     "Sheba: this number already has an account. Log in: {{ login_url }}"),
    ("generated_pin", SMS, "bn", "",
     "সেবা: আপনার অ্যাকাউন্ট চালু হয়েছে। পিন {{ pin }}। কাউকে জানাবেন না।"),
    ("generated_pin", SMS, "en", "",
     "Sheba: your account is ready. Your PIN is {{ pin }}. Never share it."),
    ("mpin_changed", SMS, "bn", "",
     "সেবা: আপনার এমপিন বদলানো হয়েছে। আপনি না করলে {{ helpdesk_phone|num }} নম্বরে ফোন করুন।"),
    ("mpin_changed", SMS, "en", "",
     "Sheba: your MPIN was changed. If this was not you, call {{ helpdesk_phone }}."),
    ("mobile_changed_old", SMS, "bn", "",
     "সেবা: মোবাইল নম্বর বদলে {{ new_mobile_masked|num }} হয়েছে। আপনি না করলে {{ helpdesk_phone|num }}-এ ফোন করুন।"),
    ("mobile_changed_old", SMS, "en", "",
     "Sheba: your account's mobile number was changed to {{ new_mobile_masked }}. If this was not you, call {{ helpdesk_phone }}."),
    ("welcome", SMS, "bn", "",
     "সেবা-তে স্বাগতম{% if name %}, {{ name }}{% endif %}! আপনার অ্যাকাউন্ট চালু হয়েছে।"),
    ("welcome", SMS, "en", "",
     "Welcome to Sheba{% if name %}, {{ name }}{% endif %}! Your account is ready."),
    ("mpin_changed", EMAIL, "bn", "সেবা: আপনার এমপিন বদলানো হয়েছে",
     "আপনার সেবা অ্যাকাউন্টের এমপিন এইমাত্র বদলানো হয়েছে।\n\n"
     "আপনি নিজে বদলে থাকলে আর কিছু করতে হবে না। আপনি না করে থাকলে এখনই হেল্পডেস্কে জানান: "
     "{{ helpdesk_phone|num }}, {{ helpdesk_email }}।\n\nসেবা"),
    ("mpin_changed", EMAIL, "en", "Sheba: your MPIN was changed",
     "The MPIN of your Sheba account has just been changed.\n\n"
     "If you changed it, there is nothing more to do. If you did not, tell the help desk now: "
     "{{ helpdesk_phone }}, {{ helpdesk_email }}.\n\nSheba"),
    ("email_verify", EMAIL, "bn", "সেবা: আপনার ই-মেইল ঠিকানা নিশ্চিত করুন",
     "প্রিয় {{ name|default:'নাগরিক' }},\n\n"
     "আপনার সেবা অ্যাকাউন্টে এই ই-মেইল ঠিকানা যোগ করা হয়েছে। নিশ্চিত করতে এই লিংকে যান:\n\n"
     "{{ link }}\n\n"
     "আপনি এটি না চাইলে এই ই-মেইল উপেক্ষা করুন; কিছুই বদলাবে না।\n\n"
     "সেবা · হেল্পডেস্ক {{ helpdesk_phone|num }}"),
    ("email_verify", EMAIL, "en", "Sheba: confirm your e-mail address",
     "Dear {{ name|default:'citizen' }},\n\n"
     "This e-mail address was added to your Sheba account. To confirm it, open this link:\n\n"
     "{{ link }}\n\n"
     "If you did not ask for this, ignore this e-mail; nothing will change.\n\n"
     "Sheba · help desk {{ helpdesk_phone }}"),
    ("welcome", EMAIL, "bn", "সেবা-তে স্বাগতম",
     "প্রিয় {{ name|default:'নাগরিক' }},\n\n"
     "সেবা-তে আপনার অ্যাকাউন্ট চালু হয়েছে। এখন থেকে সরকারি সেবার আবেদন, ফি পরিশোধ ও আবেদনের অবস্থা "
     "এক জায়গায় দেখতে পারবেন: {{ site_url }}\n\n"
     "সাহায্য লাগলে: {{ helpdesk_phone|num }}, {{ helpdesk_email }}\n\nসেবা"),
    ("welcome", EMAIL, "en", "Welcome to Sheba",
     "Dear {{ name|default:'citizen' }},\n\n"
     "Your Sheba account is ready. Apply for government services, pay fees and follow your "
     "applications in one place: {{ site_url }}\n\n"
     "Need help? {{ helpdesk_phone }}, {{ helpdesk_email }}\n\nSheba"),
]


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, language, _subject, _body in TEMPLATES:
        NotificationTemplate.objects.filter(event=event, channel=channel, language=language).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
