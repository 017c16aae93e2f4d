"""What ``manage.py seed_catalog`` adds to data/services/services.csv: sector and recipient names,
the application forms of the most used services, their documents, charter process texts, and the
mapping of the fee observations' service names (up_service_fee_observations.csv) to services.
"""

from __future__ import annotations

from typing import Any

from sheba.catalog.models import DocumentType

# code, Bengali, English
SECTORS = [
    ("certificate", "সনদ ও প্রত্যয়ন", "Certificates and attestations"),
    ("civil_registration", "জন্ম ও মৃত্যু নিবন্ধন", "Birth and death registration"),
    ("licence", "লাইসেন্স ও পারমিট", "Licences and permits"),
    ("tax", "কর ও ফি", "Taxes and fees"),
    ("land", "ভূমি সেবা", "Land services"),
    ("identity", "জাতীয় পরিচয়পত্র", "National identity"),
    ("social_protection", "সামাজিক সুরক্ষা ও ভাতা", "Social protection and allowances"),
    ("travel", "পাসপোর্ট ও ভ্রমণ", "Passport and travel"),
    ("security", "নিরাপত্তা ও পুলিশ", "Security and police"),
    ("transport", "পরিবহন ও ড্রাইভিং", "Transport and driving"),
]
RECIPIENT_TYPES = [
    ("citizen", "নাগরিক", "Citizen"),
    ("business", "ব্যবসা প্রতিষ্ঠান", "Business"),
    ("government_organisation", "সরকারি প্রতিষ্ঠান", "Government organisation"),
    ("private_organisation", "বেসরকারি প্রতিষ্ঠান", "Private organisation"),
    ("government_official", "সরকারি কর্মকর্তা-কর্মচারী", "Government official"),
    ("student", "শিক্ষার্থী", "Student"),
]

# --- Workflow and process per kind of service -----------------------------------------------

PROCESS = {
    "up_certificate": (
        "১. অনলাইনে আবেদন করুন বা ইউনিয়ন ডিজিটাল সেন্টারে যান। ২. ইউপি সচিব আবেদন ও কাগজপত্র যাচাই করবেন; "
        "প্রয়োজনে ওয়ার্ড সদস্যের সুপারিশ নেওয়া হবে। ৩. চেয়ারম্যান অনুমোদন করে সনদে স্বাক্ষর করবেন। "
        "৪. এসএমএস পেলে সনদ ডাউনলোড করুন বা ইউনিয়ন পরিষদ থেকে সংগ্রহ করুন।",
        "1. Apply online or at the Union Digital Centre. 2. The UP secretary checks the application and "
        "documents, with the ward member's recommendation where needed. 3. The chairman approves and signs. "
        "4. When the SMS arrives, download the certificate or collect it at the Union Parishad.",
    ),
    "up_licence": (
        "১. অনলাইনে আবেদন করুন। ২. ইউপি সচিব ব্যবসার স্থান ও কাগজপত্র যাচাই করবেন। ৩. নির্ধারিত ফি পরিশোধের পর "
        "চেয়ারম্যান লাইসেন্স অনুমোদন করবেন। ৪. লাইসেন্স ডাউনলোড বা সংগ্রহ করুন।",
        "1. Apply online. 2. The UP secretary checks the premises and documents. 3. After the fee is paid "
        "the chairman approves the licence. 4. Download or collect the licence.",
    ),
    "civil_registration": (
        "১. অনলাইনে আবেদন করুন। ২. নিবন্ধক কার্যালয়ে কাগজপত্র যাচাই করা হবে। ৩. ফি পরিশোধের পর নিবন্ধন "
        "সম্পন্ন হবে এবং সনদ দেওয়া হবে।",
        "1. Apply online. 2. The registrar's office checks the documents. 3. After the fee is paid the "
        "registration is made and the certificate issued.",
    ),
    "office_review": (
        "১. অনলাইনে আবেদন করুন বা অফিসে যান। ২. দায়িত্বপ্রাপ্ত কর্মকর্তা আবেদন যাচাই করবেন। ৩. সিদ্ধান্ত এসএমএসে জানানো হবে।",
        "1. Apply online or at the office. 2. The officer in charge reviews the application. 3. You are "
        "told the decision by SMS.",
    ),
}


def workflow_for(row: dict[str, str]) -> str:
    level, sector = row["office_level"], row["sector"]
    if sector == "civil_registration":
        return "civil_registration"
    if level == "union_parishad" and sector == "certificate":
        return "up_certificate"
    if level == "union_parishad" and sector in {"licence", "tax"}:
        return "up_licence"
    return "office_review"


# --- Documents ------------------------------------------------------------------------------

DOC_LABELS = {
    DocumentType.NID_COPY: ("জাতীয় পরিচয়পত্রের কপি", "Copy of the national ID card"),
    DocumentType.PHOTO: ("পাসপোর্ট সাইজ ছবি", "Passport-size photograph"),
    DocumentType.BIRTH_CERTIFICATE: ("জন্ম নিবন্ধন সনদ", "Birth registration certificate"),
    DocumentType.DEATH_CERTIFICATE: ("মৃত্যু নিবন্ধন সনদ", "Death registration certificate"),
    DocumentType.CITIZENSHIP_CERTIFICATE: ("নাগরিকত্ব সনদ", "Citizenship certificate"),
    DocumentType.TRADE_LICENCE: ("ট্রেড লাইসেন্স", "Trade licence"),
    DocumentType.TRADE_PREMISES_PROOF: (
        "ব্যবসার স্থানের মালিকানা বা ভাড়ার প্রমাণ",
        "Proof of the trade premises (ownership or rent)",
    ),
    DocumentType.HOLDING_TAX_RECEIPT: ("হোল্ডিং ট্যাক্স পরিশোধের রসিদ", "Holding tax receipt"),
    DocumentType.WARD_MEMBER_RECOMMENDATION: ("ওয়ার্ড সদস্যের সুপারিশ", "Recommendation of the ward member"),
    DocumentType.COURT_FEE: ("কোর্ট ফি", "Court fee stamp"),
    DocumentType.PASSPORT: ("পাসপোর্ট", "Passport"),
}

# slug -> [(code, optional, bring_to_counter)] for the services with a form.
DOCUMENTS: dict[str, list[tuple[str, bool, bool]]] = {
    "up-citizenship": [("nid_copy", False, False), ("holding_tax_receipt", True, False)],
    "up-character": [("nid_copy", False, False), ("ward_member_recommendation", False, True)],
    "up-warish": [
        ("nid_copy", False, False),
        ("death_certificate", False, False),
        ("ward_member_recommendation", False, True),
    ],
    "up-succession": [
        ("death_certificate", False, False),
        ("nid_copy", False, False),
        ("ward_member_recommendation", False, True),
    ],
    "up-unmarried": [("nid_copy", False, False), ("ward_member_recommendation", True, True)],
    "up-landless": [("nid_copy", False, False), ("ward_member_recommendation", False, True)],
    "up-income": [("nid_copy", False, False)],
    "up-family": [("nid_copy", False, False)],
    "up-death-attest": [("nid_copy", False, False), ("ward_member_recommendation", False, True)],
    "up-trade-license": [
        ("nid_copy", False, False),
        ("photo", False, False),
        ("trade_premises_proof", False, False),
        ("holding_tax_receipt", True, False),
    ],
    "up-trade-license-renew": [("trade_licence", False, False), ("nid_copy", False, False)],
    "bdr-birth-45d": [("nid_copy", False, False)],
    "bdr-birth-5y": [("nid_copy", False, False)],
    "bdr-birth-late": [("nid_copy", False, False), ("photo", True, False)],
    "bdr-death-45d": [("nid_copy", False, False)],
}

# For the other services, documents are recognised in the charter's wording.
DOCUMENT_KEYWORDS: list[tuple[str, str]] = [
    ("জাতীয় পরিচয়পত্র", DocumentType.NID_COPY),
    ("ভোটার আইডি", DocumentType.NID_COPY),
    ("ছবি", DocumentType.PHOTO),
    ("জন্ম নিবন্ধন", DocumentType.BIRTH_CERTIFICATE),
    ("মৃত্যু সনদ", DocumentType.DEATH_CERTIFICATE),
    ("নাগরিক", DocumentType.CITIZENSHIP_CERTIFICATE),
    ("ট্রেড লাইসেন্স", DocumentType.TRADE_LICENCE),
    ("সুপারিশ", DocumentType.WARD_MEMBER_RECOMMENDATION),
    ("কোর্ট ফি", DocumentType.COURT_FEE),
    ("বৈধ পাসপোর্ট", DocumentType.PASSPORT),
]
COUNTER_DOCUMENTS = {DocumentType.WARD_MEMBER_RECOMMENDATION, DocumentType.COURT_FEE}


def documents_from_text(text: str) -> list[tuple[str, bool, bool]]:
    found: list[tuple[str, bool, bool]] = []
    for keyword, code in DOCUMENT_KEYWORDS:
        if keyword in text and all(code != c for c, _o, _b in found):
            found.append((code, False, code in COUNTER_DOCUMENTS))
    return found


# --- Forms ----------------------------------------------------------------------------------


def f(kind: str, bn: str, en: str, order: int, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": kind, "x-label-bn": bn, "x-label-en": en, "x-order": order}
    for key, value in extra.items():
        spec[key.replace("_", "-") if key.startswith("x_") else key] = value
    return spec


def choice(values: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "enum": [v for v, _b, _e in values],
        "x-enum-labels": {v: {"bn": b, "en": e} for v, b, e in values},
    }


SEX = choice([("male", "পুরুষ", "Male"), ("female", "নারী", "Female"), ("third", "তৃতীয় লিঙ্গ", "Third gender")])
RELATION = choice(
    [
        ("spouse", "স্বামী/স্ত্রী", "Spouse"),
        ("son", "পুত্র", "Son"),
        ("daughter", "কন্যা", "Daughter"),
        ("father", "পিতা", "Father"),
        ("mother", "মাতা", "Mother"),
        ("brother", "ভাই", "Brother"),
        ("sister", "বোন", "Sister"),
        ("other", "অন্যান্য", "Other"),
    ]
)
NID_HELP_BN = "১০, ১৩ বা ১৭ অঙ্কের জাতীয় পরিচয়পত্র নম্বর; না থাকলে ১৭ অঙ্কের জন্ম নিবন্ধন নম্বর।"
NID_HELP_EN = (
    "The 10, 13 or 17 digit national ID number; without one, the 17 digit birth registration number."
)


def applicant(start: int = 1) -> dict[str, dict[str, Any]]:
    """The applicant block most UP certificates share, pre-filled from the profile."""
    return {
        "name_bn": f(
            "string", "নাম (বাংলায়)", "Name (in Bengali)", start, minLength=2, maxLength=100, x_prefill="name_bn"
        ),
        "name_en": f(
            "string",
            "নাম (ইংরেজিতে)",
            "Name (in English)",
            start + 1,
            maxLength=100,
            x_prefill="name_en",
            pattern="^[A-Za-z .'-]+$",
            x_error_bn="ইংরেজি অক্ষরে লিখুন।",
            x_error_en="Please use English letters.",
        ),
        "father_name": f(
            "string",
            "পিতার নাম",
            "Father's name",
            start + 2,
            minLength=2,
            maxLength=100,
            x_prefill="father_name",
        ),
        "mother_name": f(
            "string",
            "মাতার নাম",
            "Mother's name",
            start + 3,
            minLength=2,
            maxLength=100,
            x_prefill="mother_name",
        ),
        "date_of_birth": f(
            "string", "জন্ম তারিখ", "Date of birth", start + 4, format="date", x_prefill="date_of_birth"
        ),
        "identity_number": f(
            "string",
            "জাতীয় পরিচয়পত্র বা জন্ম নিবন্ধন নম্বর",
            "NID or birth registration number",
            start + 5,
            x_mask="nid",
            x_prefill="identity_number",
            x_help_bn=NID_HELP_BN,
            x_help_en=NID_HELP_EN,
        ),
        "ward_no": f(
            "integer",
            "ওয়ার্ড নম্বর",
            "Ward number",
            start + 6,
            minimum=1,
            maximum=9,
            x_help_bn="ইউনিয়নের ১ থেকে ৯ নম্বর ওয়ার্ড।",
            x_help_en="Ward 1 to 9 of the union.",
        ),
        "address": f(
            "string",
            "বর্তমান ঠিকানা (গ্রাম, ডাকঘর)",
            "Present address (village, post office)",
            start + 7,
            maxLength=300,
            x_widget="textarea",
            x_prefill="present_address",
        ),
    }


APPLICANT_REQUIRED = [
    "name_bn",
    "father_name",
    "mother_name",
    "date_of_birth",
    "identity_number",
    "ward_no",
    "address",
]


def form(title_bn: str, title_en: str, props: dict[str, dict], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "x-title-bn": title_bn,
        "x-title-en": title_en,
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _up_certificate(
    title_bn: str, title_en: str, extra: dict[str, dict] | None = None, required: list[str] | None = None
):
    props = applicant()
    props.update(extra or {})
    return form(title_bn, title_en, props, APPLICANT_REQUIRED + (required or []))


def _birth_form(title_bn: str, title_en: str) -> dict[str, Any]:
    return form(
        title_bn,
        title_en,
        {
            "child_name_bn": f(
                "string",
                "নিবন্ধনাধীন ব্যক্তির নাম (বাংলায়)",
                "Name of the person registered (Bengali)",
                1,
                minLength=2,
                maxLength=100,
            ),
            "child_name_en": f(
                "string",
                "নিবন্ধনাধীন ব্যক্তির নাম (ইংরেজিতে)",
                "Name of the person registered (English)",
                2,
                maxLength=100,
                pattern="^[A-Za-z .'-]+$",
                x_error_bn="ইংরেজি অক্ষরে লিখুন।",
                x_error_en="Please use English letters.",
            ),
            "date_of_birth": f("string", "জন্ম তারিখ", "Date of birth", 3, format="date"),
            "sex": f("string", "লিঙ্গ", "Sex", 4, **SEX),
            "place_of_birth": f(
                "string", "জন্মস্থান (গ্রাম/হাসপাতাল)", "Place of birth (village or hospital)", 5, maxLength=200
            ),
            "father_name": f("string", "পিতার নাম", "Father's name", 6, minLength=2, maxLength=100),
            "father_nid": f("string", "পিতার জাতীয় পরিচয়পত্র নম্বর", "Father's NID number", 7, x_mask="nid"),
            "mother_name": f("string", "মাতার নাম", "Mother's name", 8, minLength=2, maxLength=100),
            "mother_nid": f("string", "মাতার জাতীয় পরিচয়পত্র নম্বর", "Mother's NID number", 9, x_mask="nid"),
            "permanent_address": f(
                "string",
                "স্থায়ী ঠিকানা",
                "Permanent address",
                10,
                maxLength=300,
                x_widget="textarea",
                x_prefill="permanent_address",
            ),
            "informant_mobile": f(
                "string",
                "তথ্য প্রদানকারীর মোবাইল নম্বর",
                "Informant's mobile number",
                11,
                x_mask="mobile",
                x_prefill="mobile",
                x_help_bn="যেমন ০১৭১২৩৪৫৬৭৮",
                x_help_en="For example 01712345678",
            ),
        },
        [
            "child_name_bn",
            "date_of_birth",
            "sex",
            "place_of_birth",
            "father_name",
            "mother_name",
            "permanent_address",
            "informant_mobile",
        ],
    )


DECLARATION = f(
    "boolean",
    "আমি ঘোষণা করছি যে উপরের সব তথ্য সত্য।",
    "I declare that the information above is true.",
    99,
)
HEIRS = f(
    "array",
    "ওয়ারিশগণের তালিকা",
    "List of heirs",
    20,
    minItems=1,
    maxItems=30,
    x_rows=4,
    x_help_bn="মৃত ব্যক্তির সকল ওয়ারিশের নাম, সম্পর্ক ও বয়স লিখুন।",
    x_help_en="Write the name, relation and age of every heir of the deceased.",
    items={
        "type": "object",
        "properties": {
            "name": f("string", "ওয়ারিশের নাম", "Heir's name", 1, minLength=2, maxLength=100),
            "relation": f("string", "সম্পর্ক", "Relation", 2, **RELATION),
            "age": f("integer", "বয়স", "Age", 3, minimum=0, maximum=130),
            "alive": f("boolean", "জীবিত", "Alive", 4),
        },
        "required": ["name", "relation", "age"],
        "additionalProperties": False,
    },
)
DECEASED = {
    "deceased_name": f("string", "মৃত ব্যক্তির নাম", "Name of the deceased", 10, minLength=2, maxLength=100),
    "deceased_father": f(
        "string", "মৃত ব্যক্তির পিতা/স্বামীর নাম", "Father's or husband's name of the deceased", 11, maxLength=100
    ),
    "date_of_death": f("string", "মৃত্যুর তারিখ", "Date of death", 12, format="date"),
    "death_registration_no": f(
        "string",
        "মৃত্যু নিবন্ধন নম্বর",
        "Death registration number",
        13,
        x_mask="birth_reg",
        x_help_bn="১৭ অঙ্কের নম্বর (থাকলে)।",
        x_help_en="The 17 digit number, if there is one.",
    ),
}

FORMS: dict[str, dict[str, Any]] = {
    "up-citizenship": _up_certificate(
        "নাগরিকত্ব সনদের আবেদন",
        "Application for a citizenship certificate",
        {"declaration": DECLARATION},
        ["declaration"],
    ),
    "up-character": _up_certificate(
        "চারিত্রিক সনদের আবেদন",
        "Application for a character certificate",
        {
            "purpose": f(
                "string",
                "সনদের প্রয়োজন (উদ্দেশ্য)",
                "What the certificate is for",
                20,
                maxLength=200,
                x_help_bn="যেমন: চাকরি, পাসপোর্ট, বিদেশ গমন।",
                x_help_en="For example: a job, a passport, travel abroad.",
            ),
            "declaration": DECLARATION,
        },
        ["purpose", "declaration"],
    ),
    "up-warish": _up_certificate(
        "ওয়ারিশ সনদের আবেদন",
        "Application for a heirship (warish) certificate",
        {**DECEASED, "heirs": HEIRS, "declaration": DECLARATION},
        ["deceased_name", "date_of_death", "heirs", "declaration"],
    ),
    "up-succession": _up_certificate(
        "উত্তরাধিকার সনদের আবেদন",
        "Application for a succession certificate",
        {**DECEASED, "heirs": HEIRS, "declaration": DECLARATION},
        ["deceased_name", "date_of_death", "heirs", "declaration"],
    ),
    "up-unmarried": _up_certificate(
        "অবিবাহিত সনদের আবেদন",
        "Application for an unmarried certificate",
        {"sex": f("string", "লিঙ্গ", "Sex", 9, **SEX), "declaration": DECLARATION},
        ["sex", "declaration"],
    ),
    "up-landless": _up_certificate(
        "ভূমিহীন সনদের আবেদন",
        "Application for a landless certificate",
        {
            "family_members": f(
                "integer", "পরিবারের সদস্য সংখ্যা", "Members of the family", 20, minimum=1, maximum=30
            ),
            "homestead_decimal": f(
                "number",
                "বসতভিটার পরিমাণ (শতাংশ)",
                "Homestead land (decimals)",
                21,
                minimum=0,
                maximum=100,
                x_help_bn="বসতভিটা না থাকলে ০ লিখুন।",
                x_help_en="Write 0 if you have none.",
            ),
            "declaration": DECLARATION,
        },
        ["family_members", "declaration"],
    ),
    "up-income": _up_certificate(
        "বার্ষিক আয়ের প্রত্যয়নের আবেদন",
        "Application for an annual income attestation",
        {
            "occupation": f("string", "পেশা", "Occupation", 20, maxLength=100),
            "annual_income_taka": f(
                "integer",
                "বার্ষিক আয় (টাকা)",
                "Annual income (taka)",
                21,
                minimum=0,
                maximum=100_000_000,
                x_help_bn="বাংলা বা ইংরেজি অঙ্কে লিখুন।",
                x_help_en="In Bengali or English digits.",
            ),
            "purpose": f("string", "প্রত্যয়নের উদ্দেশ্য", "What the attestation is for", 22, maxLength=200),
            "declaration": DECLARATION,
        },
        ["occupation", "annual_income_taka", "declaration"],
    ),
    "up-family": _up_certificate(
        "পারিবারিক সনদের আবেদন",
        "Application for a family certificate",
        {
            "members": {
                **HEIRS,
                "x-label-bn": "পরিবারের সদস্যগণ",
                "x-label-en": "Members of the family",
                "x-help-bn": "পরিবারের সকল সদস্যের নাম, সম্পর্ক ও বয়স লিখুন।",
                "x-help-en": "Write the name, relation and age of every family member.",
            },
            "declaration": DECLARATION,
        },
        ["members", "declaration"],
    ),
    "up-death-attest": _up_certificate(
        "মৃত্যু প্রত্যয়নের আবেদন",
        "Application for a death attestation",
        {**DECEASED, "declaration": DECLARATION},
        ["deceased_name", "date_of_death", "declaration"],
    ),
    "up-trade-license": form(
        "ট্রেড লাইসেন্সের আবেদন",
        "Application for a trade licence",
        {
            "owner_name_bn": f(
                "string",
                "মালিকের নাম (বাংলায়)",
                "Owner's name (Bengali)",
                1,
                minLength=2,
                maxLength=100,
                x_prefill="name_bn",
            ),
            "owner_father_name": f(
                "string", "মালিকের পিতার নাম", "Owner's father's name", 2, maxLength=100, x_prefill="father_name"
            ),
            "owner_nid": f(
                "string",
                "মালিকের জাতীয় পরিচয়পত্র নম্বর",
                "Owner's NID number",
                3,
                x_mask="nid",
                x_prefill="identity_number",
                x_help_bn=NID_HELP_BN,
                x_help_en=NID_HELP_EN,
            ),
            "owner_mobile": f(
                "string", "মোবাইল নম্বর", "Mobile number", 4, x_mask="mobile", x_prefill="mobile"
            ),
            "business_name": f(
                "string", "প্রতিষ্ঠানের নাম", "Name of the business", 5, minLength=2, maxLength=150
            ),
            "business_kind": f(
                "string",
                "ব্যবসার ধরন",
                "Kind of business",
                6,
                **choice(
                    [
                        ("retail", "খুচরা দোকান", "Retail shop"),
                        ("wholesale", "পাইকারি ব্যবসা", "Wholesale"),
                        ("service", "সেবা প্রতিষ্ঠান", "Services"),
                        ("manufacturing", "উৎপাদন/কারখানা", "Manufacturing"),
                        ("other", "অন্যান্য", "Other"),
                    ]
                ),
            ),
            "business_address": f(
                "string", "ব্যবসার ঠিকানা", "Address of the business", 7, maxLength=300, x_widget="textarea"
            ),
            "ward_no": f("integer", "ওয়ার্ড নম্বর", "Ward number", 8, minimum=1, maximum=9),
            "capital_taka": f("integer", "মূলধন (টাকা)", "Capital (taka)", 9, minimum=0, maximum=10_000_000_000),
            "declaration": DECLARATION,
        },
        [
            "owner_name_bn",
            "owner_nid",
            "owner_mobile",
            "business_name",
            "business_kind",
            "business_address",
            "ward_no",
            "declaration",
        ],
    ),
    "up-trade-license-renew": form(
        "ট্রেড লাইসেন্স নবায়নের আবেদন",
        "Application to renew a trade licence",
        {
            "licence_no": f(
                "string", "ট্রেড লাইসেন্স নম্বর", "Trade licence number", 1, minLength=3, maxLength=40
            ),
            "business_name": f("string", "প্রতিষ্ঠানের নাম", "Name of the business", 2, maxLength=150),
            "owner_mobile": f(
                "string", "মোবাইল নম্বর", "Mobile number", 3, x_mask="mobile", x_prefill="mobile"
            ),
            "fiscal_year": f(
                "string",
                "যে অর্থবছরের জন্য",
                "For the fiscal year",
                4,
                pattern="^[0-9০-৯]{4}-[0-9০-৯]{2,4}$",
                x_help_bn="যেমন ২০২৬-২৭",
                x_help_en="For example 2026-27",
                x_error_bn="অর্থবছর লিখুন, যেমন ২০২৬-২৭।",
                x_error_en="Write the fiscal year, e.g. 2026-27.",
            ),
            "declaration": DECLARATION,
        },
        ["licence_no", "business_name", "owner_mobile", "fiscal_year", "declaration"],
    ),
    "bdr-birth-45d": _birth_form(
        "জন্ম নিবন্ধনের আবেদন (৪৫ দিনের মধ্যে)", "Application for birth registration (within 45 days)"
    ),
    "bdr-birth-5y": _birth_form(
        "জন্ম নিবন্ধনের আবেদন (৪৫ দিন থেকে ৫ বছর)", "Application for birth registration (45 days to 5 years)"
    ),
    "bdr-birth-late": _birth_form(
        "জন্ম নিবন্ধনের আবেদন (৫ বছরের পর)", "Application for birth registration (after 5 years)"
    ),
    "bdr-death-45d": form(
        "মৃত্যু নিবন্ধনের আবেদন",
        "Application for death registration",
        {
            "deceased_name": f(
                "string", "মৃত ব্যক্তির নাম", "Name of the deceased", 1, minLength=2, maxLength=100
            ),
            "deceased_birth_reg": f(
                "string",
                "মৃত ব্যক্তির জন্ম নিবন্ধন নম্বর",
                "Birth registration number of the deceased",
                2,
                x_mask="birth_reg",
            ),
            "deceased_nid": f(
                "string", "মৃত ব্যক্তির জাতীয় পরিচয়পত্র নম্বর", "NID number of the deceased", 3, x_mask="nid"
            ),
            "date_of_death": f("string", "মৃত্যুর তারিখ", "Date of death", 4, format="date"),
            "place_of_death": f("string", "মৃত্যুর স্থান", "Place of death", 5, maxLength=200),
            "cause_of_death": f("string", "মৃত্যুর কারণ", "Cause of death", 6, maxLength=200),
            "informant_name": f(
                "string", "তথ্য প্রদানকারীর নাম", "Informant's name", 7, maxLength=100, x_prefill="name_bn"
            ),
            "informant_relation": f(
                "string", "মৃত ব্যক্তির সাথে সম্পর্ক", "Relation to the deceased", 8, **RELATION
            ),
            "informant_mobile": f(
                "string",
                "তথ্য প্রদানকারীর মোবাইল নম্বর",
                "Informant's mobile number",
                9,
                x_mask="mobile",
                x_prefill="mobile",
            ),
        },
        [
            "deceased_name",
            "date_of_death",
            "place_of_death",
            "informant_name",
            "informant_relation",
            "informant_mobile",
        ],
    ),
}

DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "up-citizenship": (
        "ইউনিয়নের স্থায়ী বাসিন্দা যে বাংলাদেশের নাগরিক, ইউনিয়ন পরিষদ তার প্রত্যয়ন দেয়। চাকরি, ভর্তি, পাসপোর্ট ইত্যাদিতে লাগে।",
        "The Union Parishad attests that a permanent resident of the union is a citizen of Bangladesh; needed for jobs, admissions, passports.",
    ),
    "up-warish": (
        "মৃত ব্যক্তির ওয়ারিশগণের তালিকা ইউনিয়ন পরিষদ প্রত্যয়ন করে; জমি, ব্যাংক হিসাব ইত্যাদি হস্তান্তরে লাগে।",
        "The Union Parishad attests the list of a deceased person's heirs, needed to transfer land, bank accounts and the like.",
    ),
    "up-character": (
        "ইউনিয়ন পরিষদ আবেদনকারীর চরিত্র সম্পর্কে প্রত্যয়ন দেয়।",
        "The Union Parishad attests the applicant's good character.",
    ),
    "up-trade-license": (
        "ইউনিয়ন পরিষদ এলাকায় ব্যবসা করতে নতুন ট্রেড লাইসেন্স; ফি ইউনিয়নের আদর্শ কর তফসিল অনুযায়ী।",
        "A new trade licence to do business in the union; the fee follows the union's model tax schedule.",
    ),
    "bdr-birth-45d": (
        "জন্মের ৪৫ দিনের মধ্যে জন্ম নিবন্ধন বিনামূল্যে।",
        "Birth registration within 45 days of the birth is free.",
    ),
}

# --- up_service_fee_observations.csv: service_bn -> service slugs ---------------------------

FEE_SERVICE_NAMES: dict[str, list[str]] = {
    "নাগরিকত্ব সনদপত্র": ["up-citizenship"],
    "নাগরিকত্ব সনদ": ["up-citizenship"],
    "নাগরিক সনদ": ["up-citizenship"],
    "জাতীয়তা সনদপত্র": ["up-citizenship"],
    "পরিচয় পত্র/নাগরিকত্ব/চারিত্রিক সনদ": ["up-citizenship", "up-character"],
    "নাগরিক, চারিত্রিক ও অন্যান্য সনদ": ["up-citizenship", "up-character"],
    "ওয়ারিশ সনদপত্র": ["up-warish"],
    "ওয়ারিশন সনদ": ["up-warish"],
    "ওয়ারিশান সনদ": ["up-warish"],
    "ওয়ারিশ সনদ": ["up-warish"],
    "ওয়ারিশান সনদপত্র": ["up-warish"],
    "ওয়ারিশান সনদ/উত্তরাধিকার/পারিবারিক সনদ": ["up-warish", "up-succession", "up-family"],
    "নাগরিকত্ব/ওয়ারিশান/অনাপত্তি/ভূমিহীন সহ বিবিধ সনদ": [
        "up-citizenship",
        "up-warish",
        "up-noc",
        "up-landless",
        "up-misc",
    ],
    "উত্তরাধিকারী সনদ": ["up-succession"],
    "উত্তরাধিকার সনদ": ["up-succession"],
    "বিবিধ প্রত্যয়নপত্র": ["up-misc"],
    "প্রত্যয়ন পত্র": ["up-misc"],
    "চারিত্রিক সনদ": ["up-character"],
    "ভূমিহীন সনদ": ["up-landless"],
    "পারিবারিক সনদ": ["up-family"],
    "অবিবাহিত সনদ": ["up-unmarried"],
    "পুনঃ বিবাহ না হওয়া সনদ": ["up-not-remarried"],
    "বার্ষিক আয়ের প্রত্যয়ন": ["up-income"],
    "বার্ষিক আয়ের সনদ": ["up-income"],
    "একই নামের প্রত্যয়ন": ["up-same-name"],
    "প্রতিবন্ধী সনদপত্র": ["up-disability"],
    "অনাপত্তি সনদ": ["up-noc"],
    "অনাপত্তি সনদপত্র": ["up-noc"],
    "আর্থিক অস্বচ্ছলতার সনদপত্র": ["up-insolvency"],
    "পশু মালিকানা সনদ": ["up-livestock"],
    "বিবাহিত সনদ": ["up-married"],
    "অভিভাবকের অনুমতি-পত্র": ["up-guardian-consent"],
    "আর্থিক সাহায্য উত্তোলনের প্রত্যয়ন": ["up-aid-withdrawal"],
    "ট্রেড লাইসেন্স": ["up-trade-license"],
    "ট্রেড লাইসেন্স প্রদান": ["up-trade-license"],
    "রিক্সা/ভ্যান পারমিট ফি": ["up-rickshaw-permit"],
    "বসত বাড়ীর কর": ["up-holding-tax"],
    "কর পরিশোধ ও নতুন হোল্ডিং অন্তর্ভুক্তি": ["up-holding-tax"],
    "ভিজিডি": ["up-vgd"],
    "ভিজিডি বিতরণ": ["up-vgd"],
    "মৃত্যু সনদ (প্রত্যয়ন)": ["up-death-attest"],
    "মৃত্যু সনদপত্র": ["up-death-attest"],
    "জন্ম নিবন্ধন সনদ অন-লাইন (১৮ বছরের উর্ধ্বে)": ["bdr-birth-late"],
    "জন্ম মৃত্যু নিবন্ধন সনদ": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম/মৃত্যু নিবন্ধন সনদ": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম ও মৃত্যু নিবন্ধন সনদপত্র": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম/মৃত্যু নিবন্ধন": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম ও মৃত্যু নিবন্ধন": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম নিবন্ধন": ["bdr-birth-45d"],
    "জন্ম নিবন্ধন সনদ": ["bdr-birth-45d"],
    "মৃত্যু নিবন্ধন": ["bdr-death-45d"],
    "জন্ম নিবন্ধন (৪৪ দিন পর্যন্ত)": ["bdr-birth-45d"],
    "জন্ম/মৃত্যু নিবন্ধন (০-৪৫ দিন)": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম ও মৃত্যু নিবন্ধন (৪৫ দিন পর্যন্ত)": ["bdr-birth-45d", "bdr-death-45d"],
    "জন্ম নিবন্ধন (৪৫ দিন থেকে ৫ বছর)": ["bdr-birth-5y"],
    "জন্ম/মৃত্যু নিবন্ধন (৪৫ দিন-৫ বছর)": ["bdr-birth-5y"],
    "জন্ম ও মৃত্যু নিবন্ধন (৪৫ দিন-৫ বছর)": ["bdr-birth-5y"],
    "জন্ম/মৃত্যু নিবন্ধন (৫ বছর পর, সাকুল্যে)": ["bdr-birth-late"],
    "জন্ম/মৃত্যু নিবন্ধন (৫ বছরের পর)": ["bdr-birth-late"],
    "জন্ম ও মৃত্যু নিবন্ধন (৫ বছর পর)": ["bdr-birth-late"],
    "জন্ম তারিখ সংশোধন": ["bdr-dob-correction"],
    "বয়স সংশোধন": ["bdr-dob-correction"],
    "অন্যান্য তথ্য সংশোধন (নাম, পিতা/মাতার নাম, ঠিকানা)": ["bdr-other-correction"],
    "নাম/পিতা-মাতার নাম/ঠিকানা সংশোধন": ["bdr-other-correction"],
    "তথ্য সংশোধন": ["bdr-other-correction"],
    "সনদের নকল (বাংলা ও ইংরেজি)": ["bdr-duplicate"],
    "জন্ম/মৃত্যু নিবন্ধন সনদের দ্বি-নকল": ["bdr-duplicate"],
}
# Observations that are not fees of a catalogue service at a Union Parishad: the free first copy
# after registration, and land mutation at old rates (a land office service, not the UP's).
FEE_SERVICE_IGNORED = {"মূল সনদ/সংশোধনের পর সনদের কপি", "নামজারি/মিউটেশন (পুরনো হার)"}
