from __future__ import annotations

import copy
from datetime import date

import pytest
from django.utils import translation

from sheba.catalog.forms_engine import build_form, clean_data, prefill, schema_problems, validate_data
from sheba.catalog.seed_data import FORMS

CITIZENSHIP = FORMS["up-citizenship"]
WARISH = FORMS["up-warish"]
INCOME = FORMS["up-income"]

GOOD_APPLICANT = {
    "name_bn": "রহিম উদ্দিন",
    "name_en": "Rahim Uddin",
    "father_name": "করিম উদ্দিন",
    "mother_name": "আমেনা বেগম",
    "date_of_birth": "1990-05-17",
    "identity_number": "1234567890",
    "ward_no": "3",
    "address": "গ্রাম: পাচপীর, ডাকঘর: বোদা",
}


def post(schema_data: dict) -> dict:
    return {k: v for k, v in schema_data.items()}


def test_good_citizenship_answers_are_typed():
    form = build_form(CITIZENSHIP, data={**GOOD_APPLICANT, "declaration": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["data"] == {
        "name_bn": "রহিম উদ্দিন",
        "name_en": "Rahim Uddin",
        "father_name": "করিম উদ্দিন",
        "mother_name": "আমেনা বেগম",
        "date_of_birth": "1990-05-17",
        "identity_number": "1234567890",
        "ward_no": 3,
        "address": "গ্রাম: পাচপীর, ডাকঘর: বোদা",
        "declaration": True,
    }


def test_bengali_digits_are_accepted_for_numbers_dates_and_ids():
    data = {
        **GOOD_APPLICANT,
        "date_of_birth": "১৭-০৫-১৯৯০",
        "identity_number": "১২৩৪৫৬৭৮৯০১২৩",
        "ward_no": "৩",
        "occupation": "কৃষক",
        "annual_income_taka": "১,২০,০০০",
        "declaration": "on",
    }
    form = build_form(INCOME, data=data)
    assert form.is_valid(), form.errors
    answers = form.cleaned_data["data"]
    assert (
        answers["date_of_birth"],
        answers["identity_number"],
        answers["ward_no"],
        answers["annual_income_taka"],
    ) == (
        "1990-05-17",
        "1234567890123",
        3,
        120000,
    )


def test_bad_answers_get_bengali_messages_on_each_field():
    data = {
        **GOOD_APPLICANT,
        "name_bn": "",
        "name_en": "রহিম",
        "date_of_birth": "31-02-1990",
        "identity_number": "12345",
        "ward_no": "১২",
    }
    form = build_form(CITIZENSHIP, data=data)
    assert not form.is_valid()
    assert form.errors == {
        "name_bn": ["এই ঘরটি পূরণ করুন।"],
        "name_en": ["ইংরেজি অক্ষরে লিখুন।"],
        "date_of_birth": ["দিন-মাস-বছর আকারে সঠিক তারিখ লিখুন, যেমন ২২-১১-২০২৬।"],
        "identity_number": ["জাতীয় পরিচয়পত্র নম্বর ১০, ১৩ বা ১৭ অঙ্কের হয়।"],
        "ward_no": ["৯-এর বেশি নয় এমন সংখ্যা দিন।"],
        "declaration": ["এগিয়ে যেতে এই ঘরে টিক দিন।"],
    }


def test_messages_follow_the_users_language():
    with translation.override("en"):
        form = build_form(CITIZENSHIP, data={**GOOD_APPLICANT, "ward_no": "twelve", "declaration": "on"})
        assert not form.is_valid()
        assert form.errors == {"ward_no": ["Please enter a whole number."]}
        assert form.fields["ward_no"].label == "Ward number"


def test_warish_heirs_rows_are_checked_row_by_row():
    data = {
        **GOOD_APPLICANT,
        "deceased_name": "আব্দুল করিম",
        "date_of_death": "2026-01-10",
        "heirs__0__name": "রহিম উদ্দিন",
        "heirs__0__relation": "son",
        "heirs__0__age": "৩৬",
        "heirs__0__alive": "on",
        "heirs__1__name": "আমেনা বেগম",
        "heirs__1__relation": "spouse",
        "heirs__1__age": "60",
        "heirs__1__alive": "on",
        "heirs__2__name": "",  # an empty row is ignored
        "declaration": "on",
    }
    form = build_form(WARISH, data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["data"]["heirs"] == [
        {"name": "রহিম উদ্দিন", "relation": "son", "age": 36, "alive": True},
        {"name": "আমেনা বেগম", "relation": "spouse", "age": 60, "alive": True},
    ]

    bad = {**data, "heirs__1__relation": "cousin", "heirs__1__age": ""}
    form = build_form(WARISH, data=bad)
    assert not form.is_valid()
    assert form.errors == {
        "heirs__1__relation": ["তালিকার একটি বিকল্প বেছে নিন।"],
        "heirs__1__age": ["এই ঘরটি পূরণ করুন।"],
    }

    none = {k: v for k, v in data.items() if not k.startswith("heirs")}
    form = build_form(WARISH, data=none)
    assert not form.is_valid()
    assert form.error_summary()[0] == ("group-heirs", "অন্তত ১টি সারি পূরণ করুন।")


def test_posted_rows_beyond_the_default_are_kept():
    data = {**GOOD_APPLICANT, "heirs__5__name": "রহিম", "heirs__5__relation": "son", "heirs__5__age": "3"}
    form = build_form(WARISH, data=data)
    assert form.row_counts["heirs"] == 6
    form.is_valid()
    assert form.cleaned_data["data"]["heirs"] == [
        {"name": "রহিম", "relation": "son", "age": 3, "alive": False}
    ]


def test_unknown_posted_fields_are_ignored():
    form = build_form(CITIZENSHIP, data={**GOOD_APPLICANT, "declaration": "on", "is_staff": "1"})
    assert form.is_valid()
    assert "is_staff" not in form.cleaned_data["data"]


def test_rendering_has_labels_hints_masks_and_describedby():
    html = build_form(CITIZENSHIP).as_div()
    assert 'for="id_identity_number"' in html
    assert 'inputmode="numeric"' in html
    assert 'pattern="[0-9০-৯]{10}|[0-9০-৯]{13}|[0-9০-৯]{17}"' in html
    assert 'aria-describedby="id_identity_number_helptext"' in html
    assert 'type="date"' in html
    assert "জাতীয় পরিচয়পত্র বা জন্ম নিবন্ধন নম্বর" in html
    bound = build_form(CITIZENSHIP, data={"identity_number": "1"})
    bound.is_valid()
    field_html = str(bound["identity_number"])
    assert 'aria-invalid="true"' in field_html
    assert 'aria-describedby="id_identity_number_helptext id_identity_number_error"' in field_html


def test_fields_follow_x_order():
    form = build_form(CITIZENSHIP)
    assert list(form.fields)[:3] == ["name_bn", "name_en", "father_name"]
    assert list(form.fields)[-1] == "declaration"


def test_prefill_from_profile():
    initial = prefill(
        CITIZENSHIP,
        {"name_bn": "রহিম", "father_name": "করিম", "date_of_birth": date(1990, 5, 17), "identity_number": ""},
    )
    assert initial == {"name_bn": "রহিম", "father_name": "করিম", "date_of_birth": "1990-05-17"}
    form = build_form(CITIZENSHIP, initial_data=initial)
    assert 'value="রহিম"' in str(form["name_bn"])


def test_stored_data_revalidates_against_a_changed_schema():
    good, errors = clean_data(CITIZENSHIP, {**GOOD_APPLICANT, "declaration": True})
    assert errors == {}
    stricter = copy.deepcopy(CITIZENSHIP)
    stricter["properties"]["ward_no"]["maximum"] = 2
    assert validate_data(stricter, good) == {"ward_no": "২-এর বেশি নয় এমন সংখ্যা দিন।"}


@pytest.mark.parametrize(
    "schema, message",
    [
        (
            {"type": "object", "properties": {"a": {"type": "string", "x-label-bn": "ক"}}},
            "a: x-label-en লেবেলটি নেই।",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "x-label-bn": "ক", "x-label-en": "A", "colour": 1}},
            },
            "a: অজানা শব্দ “colour”।",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "x-label-bn": "ক", "x-label-en": "A", "pattern": "("}},
            },
            "a: pattern সঠিক রেগুলার এক্সপ্রেশন নয়।",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "file", "x-label-bn": "ক", "x-label-en": "A"}}},
            "a: type হতে হবে string, integer, number বা boolean (অথবা উপরের স্তরে সারির array)।",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "x-label-bn": "ক", "x-label-en": "A", "enum": ["x"]}},
            },
            "a: x-enum-labels-এ প্রতিটি মানের বাংলা ও ইংরেজি লেবেল দিন।",
        ),
        (
            {
                "type": "object",
                "properties": {
                    "a": {"type": "string", "x-label-bn": "ক", "x-label-en": "A", "x-prefill": "salary"}
                },
            },
            "a: x-prefill-এ প্রোফাইলের একটি ঘরের নাম দিন: date_of_birth, email, father_name, identity_number, mobile, mother_name, name_bn, name_en, permanent_address, present_address।",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "x-label-bn": "ক", "x-label-en": "A"}},
                "required": ["b"],
            },
            "schema: required-এ এমন ঘরের নাম আছে যা নেই।",
        ),
        ({"type": "array"}, "ফর্মে “type”: “object” থাকতে হবে।"),
        ("[]", "ফর্মটি একটি JSON অবজেক্ট হতে হবে।"),
    ],
)
def test_schema_validator_refuses_bad_schemas_with_a_message(schema, message):
    assert message in schema_problems(schema)


def test_seeded_schemas_and_empty_schema_are_accepted():
    assert schema_problems({}) == []
    for slug, schema in FORMS.items():
        assert schema_problems(schema) == [], slug


@pytest.mark.django_db
def test_profile_values_feed_the_prefill():
    from sheba.accounts.models import Profile, User, UserKind
    from sheba.catalog.forms_engine import profile_values

    user = User.objects.create_user("+8801712345678", None, kind=UserKind.CITIZEN, mobile="+8801712345678")
    Profile.objects.create(
        user=user,
        name_bn="রহিম",
        father_name="করিম",
        date_of_birth=date(1990, 5, 17),
        present_line="গ্রাম: পাচপীর",
    )
    values = profile_values(User.objects.get(pk=user.pk))
    assert values["mobile"] == "01712345678"
    assert values["present_address"] == "গ্রাম: পাচপীর"
    initial = prefill(FORMS["bdr-death-45d"], values)
    assert initial == {"informant_name": "রহিম", "informant_mobile": "01712345678"}
    assert prefill(CITIZENSHIP, values) == {
        "name_bn": "রহিম",
        "father_name": "করিম",
        "date_of_birth": "1990-05-17",
        "address": "গ্রাম: পাচপীর",
    }
