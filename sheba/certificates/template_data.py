"""The shipped certificate templates (``manage.py seed_certificate_templates`` and the data
migration). Plain data: the data migration imports this module, so it must not import models.

Each entry: code -> (name_bn, name_en, body_bn, body_en or "", valid to fiscal year end, sample).
Bodies use the placeholders of ``sheba.certificates.rendering.PLACEHOLDERS``.
"""

from __future__ import annotations

from typing import Any

_WHO_BN = (
    "<p>এই মর্মে প্রত্যয়ন করা যাচ্ছে যে, <strong>{{ holder_name }}</strong>"
    "{% if father_name %}, পিতা: {{ father_name }}{% endif %}{% if mother_name %}, মাতা: {{ mother_name }}{% endif %}"
    "{% if date_of_birth %}, জন্ম তারিখ: {{ date_of_birth }}{% endif %}"
    "{% if identity_number %}, জাতীয় পরিচয়পত্র/জন্ম নিবন্ধন নম্বর: {{ identity_number }}{% endif %}, "
    "ঠিকানা: {{ address|default:union }}{% if ward_no %}, ওয়ার্ড নং {{ ward_no }}{% endif %}, "
    "{{ union }} ইউনিয়ন, উপজেলা: {{ upazila }}, জেলা: {{ district }}"
)
_WHO_EN = (
    "<p>This is to certify that <strong>{{ holder_name }}</strong>"
    "{% if father_name %}, son/daughter of {{ father_name }}{% endif %}{% if mother_name %} and {{ mother_name }}{% endif %}"
    "{% if date_of_birth %}, born on {{ date_of_birth }}{% endif %}"
    "{% if identity_number %}, NID/birth registration number {{ identity_number }}{% endif %}, "
    "of {{ address|default:union }}{% if ward_no %}, ward {{ ward_no }}{% endif %}, {{ union }} union, "
    "{{ upazila }} upazila, {{ district }} district"
)
_WISH_BN = "<p>আমি তাঁর সর্বাঙ্গীণ মঙ্গল ও উজ্জ্বল ভবিষ্যৎ কামনা করি।</p>"
_WISH_EN = "<p>I wish him/her every success in life.</p>"

_HEIRS_BN = (
    "<table><thead><tr><th>ক্রমিক</th><th>ওয়ারিশের নাম</th><th>সম্পর্ক</th><th>বয়স</th></tr></thead><tbody>"
    "{% for heir in heirs %}<tr><td>{{ heir.number }}</td><td>{{ heir.name }}</td><td>{{ heir.relation }}</td>"
    "<td>{{ heir.age }}</td></tr>{% endfor %}</tbody></table>"
)
_HEIRS_EN = (
    "<table><thead><tr><th>No.</th><th>Name of the heir</th><th>Relation</th><th>Age</th></tr></thead><tbody>"
    "{% for heir in heirs %}<tr><td>{{ heir.number }}</td><td>{{ heir.name }}</td><td>{{ heir.relation }}</td>"
    "<td>{{ heir.age }}</td></tr>{% endfor %}</tbody></table>"
)

SAMPLE: dict[str, Any] = {
    "name_bn": "ঋতুপর্ণা ক্ষৌণীশ্রী চক্রবর্ত্তী",
    "name_en": "Rituparna Kshounishri Chakraborty",
    "father_name": "শ্রীকৃষ্ণ জ্যোতির্ময় ভট্টাচার্য্য",
    "mother_name": "স্বপ্না রাণী দত্ত",
    "date_of_birth": "1990-01-02",
    "identity_number": "1990123456789",
    "ward_no": 3,
    "address": "গ্রাম: উত্তর পাইককান্দি, ডাকঘর: পাইককান্দি",
    "purpose": "পাসপোর্ট",
    "sex": "female",
    "family_members": 5,
    "homestead_decimal": 2,
    "occupation": "কৃষি",
    "annual_income_taka": 85000,
    "deceased_name": "মোঃ আব্দুল্লাহ্‌ মিঞা",
    "date_of_death": "2025-03-15",
    "heirs": [
        {"name": "মোছাঃ রোকেয়া খাতুন", "relation": "spouse", "age": 58, "alive": True},
        {"name": "মোঃ জাহাঙ্গীর আলম", "relation": "son", "age": 35, "alive": True},
        {"name": "মোছাঃ ঋদ্ধি ক্ষমা আক্তার", "relation": "daughter", "age": 31, "alive": True},
    ],
    "owner_name_bn": "মোঃ কামরুজ্জামান",
    "owner_father_name": "মোঃ নূরুল ইসলাম",
    "owner_nid": "1234567890",
    "business_name": "মেসার্স কামরুজ্জামান স্টোর",
    "business_kind": "retail",
    "business_address": "পাইককান্দি বাজার",
    "capital_taka": 200000,
    "declaration": True,
}

TEMPLATES: dict[str, tuple[str, str, str, str, bool]] = {
    "up_citizenship": (
        "নাগরিকত্ব সনদ", "Citizenship certificate",
        _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। তিনি জন্মসূত্রে বাংলাদেশের নাগরিক। আমার জানামতে তিনি রাষ্ট্র বা "
        "সমাজবিরোধী কোনো কাজে জড়িত নন।</p>" + _WISH_BN,
        _WHO_EN + ", is a permanent resident of this union and a citizen of Bangladesh by birth. To my knowledge "
        "he/she has not taken part in any activity against the state or society.</p>" + _WISH_EN,
        False,
    ),
    "up_warish": (
        "ওয়ারিশ সনদ", "Heirship (warish) certificate",
        "<p>এই মর্মে প্রত্যয়ন করা যাচ্ছে যে, মরহুম/মরহুমা <strong>{{ form.deceased_name }}</strong>"
        "{% if form.deceased_father %}, পিতা/স্বামী: {{ form.deceased_father }}{% endif %}, {{ union }} ইউনিয়ন, "
        "উপজেলা: {{ upazila }}, জেলা: {{ district }}-এর স্থায়ী বাসিন্দা ছিলেন। তিনি {{ form.date_of_death }} তারিখে "
        "মৃত্যুবরণ করেন। মৃত্যুকালে তিনি নিম্নলিখিত ওয়ারিশগণ রেখে যান:</p>" + _HEIRS_BN
        + "<p>আবেদনকারী: {{ holder_name }}। উপরোক্ত ব্যক্তিগণ ছাড়া তাঁর আর কোনো ওয়ারিশ নেই।</p>",
        "<p>This is to certify that the late <strong>{{ form.deceased_name }}</strong>"
        "{% if form.deceased_father %}, child/spouse of {{ form.deceased_father }}{% endif %}, was a permanent "
        "resident of {{ union }} union, {{ upazila }} upazila, {{ district }} district, and died on "
        "{{ form.date_of_death }}, leaving the following heirs:</p>" + _HEIRS_EN
        + "<p>Applicant: {{ holder_name }}. The deceased left no heirs other than those listed above.</p>",
        False,
    ),
    "up_character": (
        "চারিত্রিক সনদ", "Character certificate",
        _WHO_BN + "-কে আমি ব্যক্তিগতভাবে চিনি। তিনি সৎ চরিত্রের অধিকারী। আমার জানামতে তিনি রাষ্ট্র বা সমাজবিরোধী "
        "কোনো কাজে জড়িত নন{% if form.purpose %} ({{ form.purpose }}-এর জন্য প্রদত্ত){% endif %}।</p>" + _WISH_BN,
        _WHO_EN + ", is known to me personally and bears a good moral character. To my knowledge he/she has not "
        "taken part in any activity against the state or society{% if form.purpose %} (issued for: "
        "{{ form.purpose }}){% endif %}.</p>" + _WISH_EN,
        False,
    ),
    "up_unmarried": (
        "অবিবাহিত সনদ", "Unmarried certificate",
        _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। আমার জানামতে তিনি অবিবাহিত{% if form.sex %} ({{ form.sex }}){% endif %}।</p>"
        + _WISH_BN,
        _WHO_EN + ", is a permanent resident of this union. To my knowledge he/she is unmarried.</p>" + _WISH_EN,
        False,
    ),
    "up_landless": (
        "ভূমিহীন সনদ", "Landless certificate",
        _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। তিনি একজন ভূমিহীন ব্যক্তি"
        "{% if form.homestead_decimal %}; বসতভিটা ছাড়া ({{ form.homestead_decimal }} শতাংশ) তাঁর কোনো জমি নেই{% endif %}"
        "{% if form.family_members %}; পরিবারের সদস্য সংখ্যা {{ form.family_members }} জন{% endif %}।</p>" + _WISH_BN,
        "",
        False,
    ),
    "up_trade_license": (
        "ট্রেড লাইসেন্স", "Trade licence",
        "<p>স্থানীয় সরকার (ইউনিয়ন পরিষদ) আইন, ২০০৯ এবং ইউনিয়ন পরিষদ আদর্শ কর তফসিল অনুযায়ী নিম্নবর্ণিত "
        "ব্যবসা প্রতিষ্ঠানকে এই ট্রেড লাইসেন্স প্রদান করা হলো।</p><table><tbody>"
        "<tr><th>প্রতিষ্ঠানের নাম</th><td>{{ form.business_name }}</td></tr>"
        "<tr><th>মালিকের নাম</th><td>{{ holder_name }}</td></tr>"
        "<tr><th>পিতার নাম</th><td>{{ father_name }}</td></tr>"
        "<tr><th>জাতীয় পরিচয়পত্র নম্বর</th><td>{{ identity_number }}</td></tr>"
        "<tr><th>ব্যবসার ধরন</th><td>{{ form.business_kind }}</td></tr>"
        "<tr><th>ব্যবসার ঠিকানা</th><td>{{ address }}{% if ward_no %}, ওয়ার্ড নং {{ ward_no }}{% endif %}, {{ union }}</td></tr>"
        "{% if form.capital_taka %}<tr><th>মূলধন</th><td>{{ form.capital_taka }} টাকা</td></tr>{% endif %}"
        "</tbody></table><p>এই লাইসেন্স {{ valid_until }} পর্যন্ত বৈধ।</p>",
        "<p>Under the Local Government (Union Parishad) Act, 2009 and the model tax schedule of Union Parishads, "
        "this trade licence is granted to the business below.</p><table><tbody>"
        "<tr><th>Business</th><td>{{ form.business_name }}</td></tr>"
        "<tr><th>Owner</th><td>{{ holder_name }}</td></tr>"
        "<tr><th>Father's name</th><td>{{ father_name }}</td></tr>"
        "<tr><th>NID number</th><td>{{ identity_number }}</td></tr>"
        "<tr><th>Kind of business</th><td>{{ form.business_kind }}</td></tr>"
        "<tr><th>Address</th><td>{{ address }}{% if ward_no %}, ward {{ ward_no }}{% endif %}, {{ union }}</td></tr>"
        "{% if form.capital_taka %}<tr><th>Capital</th><td>{{ form.capital_taka }} taka</td></tr>{% endif %}"
        "</tbody></table><p>This licence is valid until {{ valid_until }}.</p>",
        True,
    ),
    "up_succession": (
        "উত্তরাধিকার সনদ", "Succession certificate",
        "<p>এই মর্মে প্রত্যয়ন করা যাচ্ছে যে, মরহুম/মরহুমা <strong>{{ form.deceased_name }}</strong>, {{ union }} ইউনিয়নের "
        "স্থায়ী বাসিন্দা ছিলেন এবং {{ form.date_of_death }} তারিখে মৃত্যুবরণ করেন। তাঁর উত্তরাধিকারীগণ:</p>" + _HEIRS_BN,
        "",
        False,
    ),
    "up_family": (
        "পারিবারিক সনদ", "Family certificate",
        _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। তাঁর পরিবারের সদস্যগণ নিম্নরূপ:</p>" + _HEIRS_BN,
        "",
        False,
    ),
    "up_income": (
        "বার্ষিক আয়ের প্রত্যয়ন", "Annual income attestation",
        _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। তাঁর পেশা {{ form.occupation }} এবং আমার জানামতে তাঁর বার্ষিক আয় "
        "{{ form.annual_income_taka }} টাকা।</p>",
        _WHO_EN + ", is a permanent resident of this union. His/her occupation is {{ form.occupation }} and to my "
        "knowledge his/her annual income is {{ form.annual_income_taka }} taka.</p>",
        False,
    ),
    "up_death_attest": (
        "মৃত্যু সনদ (প্রত্যয়ন)", "Death attestation",
        "<p>এই মর্মে প্রত্যয়ন করা যাচ্ছে যে, <strong>{{ form.deceased_name }}</strong>"
        "{% if form.deceased_father %}, পিতা/স্বামী: {{ form.deceased_father }}{% endif %}, {{ union }} ইউনিয়ন, "
        "উপজেলা: {{ upazila }}, জেলা: {{ district }}-এর স্থায়ী বাসিন্দা ছিলেন। তিনি {{ form.date_of_death }} তারিখে "
        "মৃত্যুবরণ করেন। আবেদনকারী: {{ holder_name }}।</p>",
        "",
        False,
    ),
}

# The other certificate services of a Union Parishad: one plain attestation wording each.
GENERIC: dict[str, tuple[str, str]] = {
    "up_married": ("বিবাহিত সনদ", "Married status certificate"),
    "up_not_remarried": ("পুনঃ বিবাহ না হওয়া সনদ", "Certificate of not having remarried"),
    "up_same_name": ("একই নামের প্রত্যয়ন", "Same-person attestation"),
    "up_disability": ("প্রতিবন্ধী সনদপত্র", "Disability certificate"),
    "up_noc": ("অনাপত্তি সনদ", "No-objection certificate"),
    "up_insolvency": ("আর্থিক অস্বচ্ছলতার সনদপত্র", "Financial insolvency certificate"),
    "up_livestock": ("পশু মালিকানা সনদ", "Livestock ownership certificate"),
    "up_guardian_consent": ("অভিভাবকের অনুমতি-পত্র", "Guardian consent letter"),
    "up_aid_withdrawal": ("আর্থিক সাহায্য উত্তোলনের প্রত্যয়ন", "Attestation for withdrawing financial assistance"),
    "up_misc": ("বিবিধ প্রত্যয়নপত্র", "Miscellaneous attestation"),
}
_GENERIC_BN = _WHO_BN + "-এর একজন স্থায়ী বাসিন্দা। তাঁর আবেদন ও ওয়ার্ড সদস্যের সুপারিশের ভিত্তিতে এই প্রত্যয়নপত্র দেওয়া হলো।</p>" + _WISH_BN


def shipped() -> dict[str, dict[str, Any]]:
    """Every shipped template as field values, by code."""
    found: dict[str, dict[str, Any]] = {}
    for code, (name_bn, name_en, body_bn, body_en, fiscal) in TEMPLATES.items():
        found[code] = {"name_bn": name_bn, "name_en": name_en, "body_bn": body_bn, "body_en": body_en,
                       "valid_to_fiscal_year_end": fiscal, "sample_data": SAMPLE}
    found["up_trade_license_renew"] = {**found["up_trade_license"], "name_bn": "ট্রেড লাইসেন্স (নবায়ন)",
                                       "name_en": "Trade licence (renewed)"}
    for code, (name_bn, name_en) in GENERIC.items():
        found[code] = {"name_bn": name_bn, "name_en": name_en, "body_bn": _GENERIC_BN, "body_en": "",
                       "valid_to_fiscal_year_end": False, "sample_data": SAMPLE}
    return found
