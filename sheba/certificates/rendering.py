"""From a template and an application to the certificate's text, HTML page and PDF.

Designers' placeholder language: Django template syntax on a separate engine that knows only
``{% if %}``, ``{% for %}``, ``{% comment %}`` and a few harmless filters, with no loaders and no
``{% load %}``; the context holds only strings, numbers and lists of dicts, so nothing a designer
writes can run code, read files or reach another object. Unknown placeholders are refused when
the template is saved.

The PDF: WeasyPrint with Noto Serif/Sans Bengali (installed system fonts, found by name); the
URL fetcher accepts only ``data:`` URLs, so a template cannot make the server fetch anything.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from sheba.core.bengali import format_bangla, format_gregorian, to_bn_digits

BODY_MAX = 20_000

# --- The sandboxed template engine --------------------------------------------------------

safe_library = Library()
for _name in ("if", "for", "comment"):
    safe_library.tag(_name, defaulttags.register.tags[_name])
for _name in ("default", "linebreaksbr", "upper", "length", "first", "last", "yesno"):
    safe_library.filter(_name, defaultfilters.register.filters[_name])


class SafeEngine(Engine):
    default_builtins = []  # type: ignore[misc]  # no defaulttags/defaultfilters/loader_tags: only safe_library


ENGINE = SafeEngine(libraries={}, autoescape=True, string_if_invalid="", debug=False, loaders=[])
ENGINE.template_builtins = [safe_library]

# The placeholders a template may use (the names at the root of ``{{ name.part }}``).
PLACEHOLDERS: dict[str, Any] = {
    "holder_name": _("the holder's name"),
    "father_name": _("father's name"),
    "mother_name": _("mother's name"),
    "date_of_birth": _("date of birth"),
    "identity_number": _("NID or birth registration number"),
    "ward_no": _("ward number"),
    "address": _("address"),
    "office": _("the office's name"),
    "union": _("the union's name"),
    "upazila": _("the upazila's name"),
    "district": _("the district's name"),
    "serial": _("serial number"),
    "issued_on": _("date of issue (Gregorian)"),
    "issued_on_bangla": _("date of issue (Bangla calendar)"),
    "valid_until": _("valid until"),
    "signer_post": _("the signer's post"),
    "signer_name": _("the signer's name"),
    "form": _("every answer of the application, e.g. form.purpose"),
    "heirs": _("the list of heirs or family members: heir.name, heir.relation, heir.age, heir.alive, heir.number"),
}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE = re.compile(r"\{\{\s*([^}|]*?)\s*(?:\|[^}]*)?\}\}")
_TAG = re.compile(r"\{%\s*(\w+)\s*(.*?)\s*%\}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYWORDS = {"and", "or", "not", "in", "is", "None", "True", "False", "reversed", "empty"}


def template_problems(text: str) -> list[str]:
    """What is wrong with a template body (translated messages); empty when it is usable."""
    if len(text) > BODY_MAX:
        return [str(_("The text is too long (at most %(count)d characters).") % {"count": BODY_MAX})]
    try:
        ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        return [str(_("The placeholders are not written correctly: %(error)s") % {"error": exc})]
    allowed = set(PLACEHOLDERS)
    for tag, rest in _TAG.findall(text):
        if tag == "for":
            head, _sep, _tail = rest.partition(" in ")
            allowed.update(w.strip() for w in head.split(","))
    problems = []
    used: list[str] = [m.split(".")[0].strip() for m in _VARIABLE.findall(text)]
    for tag, rest in _TAG.findall(text):
        if tag in {"if", "elif", "for"}:
            expression = rest.partition(" in ")[2] if tag == "for" else rest
            used += [w.split(".")[0] for w in re.findall(r"[A-Za-z_][\w.]*", re.sub(r"\"[^\"]*\"|'[^']*'", "", expression))]
    for name in dict.fromkeys(used):
        if name and _WORD.fullmatch(name) and name not in allowed and name not in _KEYWORDS:
            problems.append(str(_("Unknown placeholder “%(name)s”.") % {"name": name}))
    return problems


@functools.lru_cache(maxsize=64)
def _compiled(text: str) -> Any:
    return ENGINE.from_string(text)


def render_body(text: str, context: dict[str, Any]) -> str:
    """The designer's text with the data filled in (values escaped)."""
    return _compiled(text).render(Context(context, autoescape=True))


# --- The data a certificate shows -----------------------------------------------------------


def _digits(value: Any, language: str) -> str:
    text = "" if value is None else str(value)
    return to_bn_digits(text) if language == "bn" else text


def _date_text(value: Any, language: str) -> str:
    if isinstance(value, date):
        return format_gregorian(value, language)
    try:
        return format_gregorian(date.fromisoformat(str(value)), language)
    except ValueError:
        return _digits(value, language)


def _label(spec: dict[str, Any], value: Any, language: str) -> str:
    labels = (spec.get("x-enum-labels") or {}).get(str(value)) or {}
    return str(labels.get(language) or labels.get("bn") or value)


def _answer(spec: dict[str, Any], value: Any, language: str) -> Any:
    if value is None:
        return ""
    kind = spec.get("type")
    if "enum" in spec:
        return _label(spec, value, language)
    if kind == "boolean":
        return ("হ্যাঁ" if value else "না") if language == "bn" else ("Yes" if value else "No")
    if kind in {"integer", "number"}:
        return _digits(value, language)
    if spec.get("format") == "date":
        return _date_text(value, language)
    if kind == "array":
        items = spec.get("items") or {}
        props = items.get("properties") or {}
        rows = []
        for row in value if isinstance(value, list) else []:
            if isinstance(row, dict):
                rows.append({k: _answer(props.get(k, {}), v, language) for k, v in row.items() if _WORD.fullmatch(k)})
        return rows
    if isinstance(value, bool):
        return ("হ্যাঁ" if value else "না") if language == "bn" else ("Yes" if value else "No")
    if isinstance(value, int | float):
        return _digits(value, language)
    if isinstance(value, str):
        if value.isdigit():
            return _digits(value, language)
        if _ISO_DATE.fullmatch(value):
            return _date_text(value, language)
        return value
    return str(value)


def answers(schema: dict[str, Any], data: dict[str, Any], language: str) -> dict[str, Any]:
    """Every answer, shown as the document shows it: choice labels, Bengali digits, dates written out."""
    props = (schema or {}).get("properties") or {}
    return {
        name: _answer(props.get(name, {}), value, language)
        for name, value in (data or {}).items()
        if isinstance(name, str) and _WORD.fullmatch(name)
    }


HOLDER_NAME_FIELDS = ("name_bn", "owner_name_bn", "applicant_name", "child_name_bn", "name")
HOLDER_NAME_EN_FIELDS = ("name_en", "owner_name_en", "child_name_en")
IDENTITY_FIELDS = ("identity_number", "owner_nid", "nid")
HEIR_FIELDS = ("heirs", "members")


def _first(data: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


@dataclass(frozen=True)
class Holder:
    name_bn: str
    name_en: str
    identity: str


def holder_of(application: Any) -> Holder:
    """Whom the certificate is for: the form's name fields, else the other person, else the profile."""
    data = application.form_data or {}
    name_bn = _first(data, HOLDER_NAME_FIELDS)
    name_en = _first(data, HOLDER_NAME_EN_FIELDS)
    if not name_bn and not application.for_self:
        name_bn = application.other_name
    profile = getattr(application.applicant, "profile", None)
    if not name_bn and profile is not None:
        name_bn, name_en = profile.name_bn, name_en or profile.name_en
    return Holder(name_bn=name_bn or str(application.applicant), name_en=name_en, identity=_first(data, IDENTITY_FIELDS))


def _place(obj: Any, language: str) -> str:
    if obj is None:
        return ""
    return str(getattr(obj, "name_en" if language == "en" else "name_bn", "") or getattr(obj, "name_bn", ""))


def certificate_context(
    *,
    language: str,
    office: Any,
    serial: str,
    issued_on: date,
    valid_until: date | None,
    signer_post: Any,
    signer_name: str,
    holder: Holder,
    schema: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    """Plain data only (strings, numbers, lists of dicts): what the placeholders can reach."""
    form = answers(schema, data, language)
    heirs: list[dict[str, Any]] = []
    for field in HEIR_FIELDS:
        if isinstance(form.get(field), list):
            heirs = [dict(row, number=_digits(i, language)) for i, row in enumerate(form[field], 1)]
            break
    name = holder.name_en if language == "en" and holder.name_en else holder.name_bn
    return {
        "holder_name": name,
        "father_name": form.get("father_name") or form.get("owner_father_name") or "",
        "mother_name": form.get("mother_name") or "",
        "date_of_birth": form.get("date_of_birth") or "",
        "identity_number": _digits(holder.identity, language),
        "ward_no": form.get("ward_no") or "",
        "address": form.get("address") or form.get("business_address") or "",
        "office": _place(office, language),
        "union": _place(getattr(office, "union", None), language),
        "upazila": _place(getattr(office, "upazila", None), language),
        "district": _place(getattr(office, "district", None), language),
        "serial": serial,
        "issued_on": format_gregorian(issued_on, language),
        "issued_on_bangla": format_bangla(issued_on, language),
        "valid_until": format_gregorian(valid_until, language) if valid_until else "",
        "signer_post": _place(signer_post, language),
        "signer_name": signer_name,
        "form": form,
        "heirs": heirs,
    }


# --- The page and the PDF -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Everything the fixed frame of the document shows around the template's text."""

    language: str
    title: str
    body: str
    office: str
    place: str
    serial: str
    issued_on: date
    valid_until: date | None
    signer_name: str
    signer_post: str
    qr_png: bytes | None = None
    verify_url: str = ""
    sample: bool = False
    revoked: bool = False


def page_html(page: Page) -> str:
    """The whole document as HTML (the same for the signed PDF and for the plain benchmark render)."""
    qr = ""
    if page.qr_png:
        qr = "data:image/png;base64," + base64.b64encode(page.qr_png).decode("ascii")
    with translation.override(page.language):
        return render_to_string("certificates/pdf/document.html", {
            "page": page,
            "body": mark_safe(page.body),  # noqa: S308 - rendered by the sandboxed engine, values escaped
            "qr": qr,
            "issued_gregorian": format_gregorian(page.issued_on, page.language),
            "issued_bangla": format_bangla(page.issued_on, page.language),
            "valid_until": format_gregorian(page.valid_until, page.language) if page.valid_until else "",
            "serial": _digits(page.serial, page.language) if page.language == "bn" else page.serial,
        })


def _fetcher() -> Any:
    """Only inline ``data:`` resources: a template can never make the server fetch a URL or a file."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf()


def pdf_document(html: str) -> Any:
    """The laid-out document (pages), for checks such as the page count."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_fetcher(), base_url=None).render()
