"""The application form of a service: a documented subset of JSON Schema -> a Django form.

The subset (anything else is refused by ``schema_problems``)::

    {"type": "object", "properties": {...}, "required": [...], "additionalProperties": false,
     "x-title-bn": "...", "x-title-en": "..."}

Each property is one of
  * ``"type": "string"`` — with ``minLength``, ``maxLength``, ``pattern``, ``enum``, ``"format": "date"``
    (ISO yyyy-mm-dd; dd-mm-yyyy and Bengali digits are accepted too) or ``"format": "email"``;
  * ``"type": "integer"`` / ``"number"`` — with ``minimum``, ``maximum``, ``enum``;
  * ``"type": "boolean"`` — a check box (``required`` means it must be ticked: a declaration);
  * ``"type": "array"`` of ``"items": {"type": "object", "properties": {...}, "required": [...]}`` with
    scalar properties only — rows of a table, e.g. the heirs on a warish certificate
    (``minItems``, ``maxItems``, ``x-rows``: how many empty rows to show).

and carries our keywords: ``x-label-bn`` and ``x-label-en`` (both required), ``x-help-bn``,
``x-help-en``, ``x-order`` (position; then the order written), ``x-mask`` (``digits``, ``nid``,
``birth_reg``, ``mobile``: input mode, HTML pattern and a server check; Bengali digits are stored as
ASCII), ``x-prefill`` (a profile field, see ``PREFILL_FIELDS``), ``x-enum-labels``
(``{"value": {"bn": "...", "en": "..."}}`` for every enum value), ``x-widget`` (``textarea``),
``x-error-bn``/``x-error-en`` (the message shown when ``pattern`` does not match), ``default``.

Validation happens on the server against the schema, with messages in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sheba.core.bengali import nfc, to_ascii_digits, to_bn_digits
from sheba.core.phone import parse_bd_mobile

PREFILL_FIELDS = {
    "name_bn", "name_en", "father_name", "mother_name", "date_of_birth", "identity_number",
    "mobile", "email", "present_address", "permanent_address",
}  # fmt: skip
TOP_KEYWORDS = {
    "$schema", "$id", "type", "properties", "required", "additionalProperties",
    "x-title-bn", "x-title-en", "x-description-bn", "x-description-en",
}  # fmt: skip
COMMON_KEYWORDS = {
    "type",
    "x-label-bn",
    "x-label-en",
    "x-help-bn",
    "x-help-en",
    "x-order",
    "title",
    "description",
}
SCALAR_KEYWORDS = COMMON_KEYWORDS | {
    "format", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "default",
    "x-mask", "x-prefill", "x-enum-labels", "x-widget", "x-error-bn", "x-error-en",
}  # fmt: skip
ARRAY_KEYWORDS = COMMON_KEYWORDS | {"items", "minItems", "maxItems", "x-rows"}
ITEM_KEYWORDS = {"type", "properties", "required", "additionalProperties"}
SCALAR_TYPES = {"string", "integer", "number", "boolean"}
FORMATS = {"date", "email"}
WIDGETS = {"textarea"}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ROWS = 30
MAX_TEXT = 2000  # the longest string any field accepts, whatever the schema says
ROW_SEP = "__"

BN_DIGIT_CLASS = "0-9০-৯"
MASKS: dict[str, dict[str, str]] = {
    "digits": {"inputmode": "numeric", "pattern": f"[{BN_DIGIT_CLASS}]*"},
    "nid": {
        "inputmode": "numeric",
        "pattern": f"[{BN_DIGIT_CLASS}]{{10}}|[{BN_DIGIT_CLASS}]{{13}}|[{BN_DIGIT_CLASS}]{{17}}",
        "autocomplete": "off",
    },
    "birth_reg": {"inputmode": "numeric", "pattern": f"[{BN_DIGIT_CLASS}]{{17}}", "autocomplete": "off"},
    "mobile": {"inputmode": "tel", "autocomplete": "tel"},
}
MASK_CHECKS = {
    "digits": (re.compile(r"^\d+$"), gettext_lazy("Please use digits only.")),
    "nid": (
        re.compile(r"^(\d{10}|\d{13}|\d{17})$"),
        gettext_lazy("A national ID number has 10, 13 or 17 digits."),
    ),
    "birth_reg": (re.compile(r"^\d{17}$"), gettext_lazy("A birth registration number has 17 digits.")),
}


class SchemaError(ValueError):
    """The schema itself is not acceptable (see ``schema_problems``)."""


def _english(language: str | None = None) -> bool:
    return (language or get_language() or "bn").startswith("en")


def _digits(value: object) -> str:
    """A number for a message, in the page's digits."""
    text = str(value)
    return text if _english() else to_bn_digits(text)


def text_in(spec: Mapping[str, Any], key: str, language: str | None = None) -> str:
    """``x-<key>-en`` on English pages (falling back to Bengali), ``x-<key>-bn`` otherwise."""
    bn = spec.get(f"x-{key}-bn") or ""
    if _english(language):
        return spec.get(f"x-{key}-en") or bn
    return bn


def enum_label(spec: Mapping[str, Any], value: Any, language: str | None = None) -> str:
    labels = spec.get("x-enum-labels") or {}
    entry = labels.get(str(value)) or {}
    chosen = (entry.get("en") or entry.get("bn")) if _english(language) else (entry.get("bn") or str(value))
    return str(chosen or value)


def ordered_properties(schema: Mapping[str, Any]) -> list[tuple[str, dict]]:
    """The properties in ``x-order`` order (properties without it keep their written order, last)."""
    props = schema.get("properties") or {}
    indexed = list(enumerate(props.items()))
    indexed.sort(key=lambda item: (item[1][1].get("x-order", 10**6), item[0]))
    return [(name, spec) for _index, (name, spec) in indexed]


# --- The schema's own validator (for designers in the admin) --------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_num(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_scalar(path: str, spec: dict, problems: list[str]) -> None:
    kind = spec.get("type")
    for key in sorted(set(spec) - SCALAR_KEYWORDS):
        problems.append(_("%(path)s: unknown keyword “%(key)s”.") % {"path": path, "key": key})
    if spec.get("format") is not None:
        if kind != "string" or spec["format"] not in FORMATS:
            problems.append(_("%(path)s: format must be “date” or “email” on a text field.") % {"path": path})
    for key in ("minLength", "maxLength"):
        if key in spec and (kind != "string" or not _is_int(spec[key]) or spec[key] < 0):
            problems.append(
                _("%(path)s: %(key)s must be a whole number on a text field.") % {"path": path, "key": key}
            )
    if (
        _is_int(spec.get("minLength"))
        and _is_int(spec.get("maxLength"))
        and spec["minLength"] > spec["maxLength"]
    ):
        problems.append(_("%(path)s: minLength is larger than maxLength.") % {"path": path})
    for key in ("minimum", "maximum"):
        if key in spec and (kind not in {"integer", "number"} or not _is_num(spec[key])):
            problems.append(
                _("%(path)s: %(key)s must be a number on a number field.") % {"path": path, "key": key}
            )
    if "pattern" in spec:
        try:
            if kind != "string" or not isinstance(spec["pattern"], str):
                raise re.error("not text")
            re.compile(spec["pattern"])
        except re.error:
            problems.append(_("%(path)s: pattern is not a valid regular expression.") % {"path": path})
    if "enum" in spec:
        values = spec["enum"]
        if not isinstance(values, list) or not values or kind == "boolean":
            problems.append(_("%(path)s: enum must be a non-empty list of values.") % {"path": path})
        else:
            labels = spec.get("x-enum-labels")
            if not isinstance(labels, dict):
                problems.append(
                    _("%(path)s: x-enum-labels must give a Bengali and an English label for every value.")
                    % {"path": path}
                )
            else:
                for value in values:
                    entry = labels.get(str(value))
                    if not isinstance(entry, dict) or not entry.get("bn") or not entry.get("en"):
                        problems.append(
                            _(
                                "%(path)s: the value “%(value)s” has no Bengali and English label in x-enum-labels."
                            )
                            % {"path": path, "value": value}
                        )
    elif "x-enum-labels" in spec:
        problems.append(_("%(path)s: x-enum-labels needs enum.") % {"path": path})
    mask = spec.get("x-mask")
    if mask is not None and (mask not in MASKS or kind != "string"):
        problems.append(
            _("%(path)s: x-mask must be one of %(masks)s, on a text field.")
            % {"path": path, "masks": ", ".join(sorted(MASKS))}
        )
    prefill = spec.get("x-prefill")
    if prefill is not None and prefill not in PREFILL_FIELDS:
        problems.append(
            _("%(path)s: x-prefill must name a profile field: %(fields)s.")
            % {"path": path, "fields": ", ".join(sorted(PREFILL_FIELDS))}
        )
    if spec.get("x-widget") is not None and (spec["x-widget"] not in WIDGETS or kind != "string"):
        problems.append(_("%(path)s: x-widget can only be “textarea”, on a text field.") % {"path": path})


def _check_field(path: str, spec: object, problems: list[str], *, in_array: bool) -> None:
    if not isinstance(spec, dict):
        problems.append(_("%(path)s: a field must be an object.") % {"path": path})
        return
    kind = spec.get("type")
    for key in ("x-label-bn", "x-label-en"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            problems.append(_("%(path)s: the label %(key)s is missing.") % {"path": path, "key": key})
    if "x-order" in spec and not _is_num(spec["x-order"]):
        problems.append(_("%(path)s: x-order must be a number.") % {"path": path})
    if kind in SCALAR_TYPES:
        _check_scalar(path, spec, problems)
    elif kind == "array" and not in_array:
        for key in sorted(set(spec) - ARRAY_KEYWORDS):
            problems.append(_("%(path)s: unknown keyword “%(key)s”.") % {"path": path, "key": key})
        for key in ("minItems", "maxItems", "x-rows"):
            if key in spec and (not _is_int(spec[key]) or not 0 <= spec[key] <= MAX_ROWS):
                problems.append(
                    _("%(path)s: %(key)s must be a whole number from 0 to %(max)s.")
                    % {"path": path, "key": key, "max": MAX_ROWS}
                )
        items = spec.get("items")
        if (
            not isinstance(items, dict)
            or items.get("type") != "object"
            or not isinstance(items.get("properties"), dict)
        ):
            problems.append(_("%(path)s: items must be an object with properties.") % {"path": path})
            return
        for key in sorted(set(items) - ITEM_KEYWORDS):
            problems.append(_("%(path)s: unknown keyword “%(key)s”.") % {"path": f"{path}.items", "key": key})
        if not items["properties"]:
            problems.append(_("%(path)s: items must be an object with properties.") % {"path": path})
        _check_properties(f"{path}.items", items, problems, in_array=True)
    else:
        problems.append(
            _(
                "%(path)s: type must be string, integer, number or boolean (or array of rows at the top level)."
            )
            % {"path": path}
        )


def _check_properties(path: str, node: dict, problems: list[str], *, in_array: bool) -> None:
    props = node.get("properties")
    if not isinstance(props, dict):
        problems.append(_("%(path)s: properties must be an object.") % {"path": path or "schema"})
        return
    for name, spec in props.items():
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(
                _(
                    "%(path)s: the field name “%(name)s” must be lower-case letters, digits and _ (at most 40)."
                )
                % {"path": path or "schema", "name": name}
            )
            continue
        _check_field(f"{path}.{name}" if path else name, spec, problems, in_array=in_array)
    required = node.get("required", [])
    if not isinstance(required, list) or any(name not in props for name in required):
        problems.append(
            _("%(path)s: required lists a field that does not exist.") % {"path": path or "schema"}
        )
    if node.get("additionalProperties", False) is not False:
        problems.append(_("%(path)s: additionalProperties can only be false.") % {"path": path or "schema"})


def schema_problems(schema: object) -> list[str]:
    """Everything wrong with a form schema, in the user's language; empty when it is usable.
    An empty schema ({}) is allowed: the service has no online form yet."""
    if schema in ({}, None):
        return []
    if not isinstance(schema, dict):
        return [_("The form must be a JSON object.")]
    problems: list[str] = []
    for key in sorted(set(schema) - TOP_KEYWORDS):
        problems.append(_("%(path)s: unknown keyword “%(key)s”.") % {"path": "schema", "key": key})
    if schema.get("type") != "object":
        problems.append(_("The form must have “type”: “object”."))
    _check_properties("", schema, problems, in_array=False)
    return problems


def assert_valid_schema(schema: object) -> None:
    problems = schema_problems(schema)
    if problems:
        raise SchemaError("; ".join(problems))


# --- Values: parse what was typed, check it against the schema ------------------------------


def _parse_date(text: str) -> date | None:
    text = to_ascii_digits(text).strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(x) for x in match.groups())
            year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _check_value(spec: dict, raw: object, *, required: bool) -> tuple[Any, str | None]:
    """(value, error message or None). ``raw`` is what was posted (text, or bool for check boxes)
    or an already-typed value from storage; empty means absent."""
    kind = spec.get("type")
    if kind == "boolean":
        ticked = raw in (True, "on", "true", "1", 1)
        if required and not ticked:
            return ticked, _("Please tick this box to continue.")
        return ticked, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, (_("Please fill in this field.") if required else None)
    if isinstance(raw, str):
        text = nfc(raw.strip())
    elif _is_num(raw) and kind in {"integer", "number", "string"}:
        text = str(raw)
    else:
        return None, _("This value is not valid.")
    if len(text) > MAX_TEXT:
        return None, _("Please write at most %(max)s characters.") % {
            "max": _digits(spec.get("maxLength", MAX_TEXT))
        }
    value: Any = text
    if kind in {"integer", "number"}:
        ascii_text = to_ascii_digits(text).replace(",", "")
        try:
            value = int(ascii_text) if kind == "integer" else float(ascii_text)
        except ValueError:
            return None, (
                _("Please enter a whole number.") if kind == "integer" else _("Please enter a number.")
            )
        if kind == "number" and value.is_integer():
            value = int(value)
        if "minimum" in spec and value < spec["minimum"]:
            return None, _("Please enter a number of at least %(min)s.") % {"min": _digits(spec["minimum"])}
        if "maximum" in spec and value > spec["maximum"]:
            return None, _("Please enter a number no larger than %(max)s.") % {
                "max": _digits(spec["maximum"])
            }
    elif spec.get("format") == "date":
        parsed = _parse_date(text)
        if parsed is None:
            return None, _("Please enter a real date as day-month-year, for example 22-11-2026.")
        value = parsed.isoformat()
    else:
        mask = spec.get("x-mask")
        if mask in MASK_CHECKS:
            value = re.sub(r"[\s-]", "", to_ascii_digits(text))
            regex, message = MASK_CHECKS[mask]
            if not regex.match(value):
                return None, str(message)
        elif mask == "mobile":
            try:
                value = parse_bd_mobile(text)
            except ValidationError as error:
                return None, str(error.messages[0])
        if spec.get("format") == "email":
            try:
                validate_email(value)
            except ValidationError:
                return None, _("Please enter an e-mail address such as name@example.com.")
        if "minLength" in spec and len(value) < spec["minLength"]:
            return None, _("Please write at least %(min)s characters.") % {"min": _digits(spec["minLength"])}
        if "maxLength" in spec and len(value) > spec["maxLength"]:
            return None, _("Please write at most %(max)s characters.") % {"max": _digits(spec["maxLength"])}
        if "pattern" in spec and not re.search(spec["pattern"], value):
            return None, text_in(spec, "error") or _("This does not have the expected form.")
    if "enum" in spec and value not in spec["enum"]:
        return None, _("Please choose one of the options.")
    return value, None


def _row_is_empty(row: Mapping[str, Any], item_props: Mapping[str, dict]) -> bool:
    for name, spec in item_props.items():
        raw = row.get(name)
        if spec.get("type") == "boolean":
            continue
        if raw not in (None, "") and not (isinstance(raw, str) and not raw.strip()):
            return False
    return True


def clean_data(schema: Mapping[str, Any], raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check ``raw`` (field -> text/bool, arrays as lists of such dicts) against the schema.

    Returns the typed data (dates as ISO text, numbers as numbers, digits as ASCII, empty rows
    dropped) and the errors by path (``heirs.0.name``), each one message in the user's language.
    Fields the schema does not know are ignored, never stored.
    """
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    required = set(schema.get("required") or [])
    for name, spec in ordered_properties(schema):
        if spec.get("type") == "array":
            items = spec.get("items") or {}
            item_props = dict(ordered_properties(items))
            item_required = set(items.get("required") or [])
            rows = raw.get(name) or []
            if not isinstance(rows, list):
                errors[name] = _("This value is not valid.")
                continue
            kept: list[dict[str, Any]] = []
            for index, row in enumerate(rows[:MAX_ROWS]):
                if not isinstance(row, Mapping) or _row_is_empty(row, item_props):
                    continue
                cleaned_row: dict[str, Any] = {}
                for sub, sub_spec in item_props.items():
                    value, error = _check_value(sub_spec, row.get(sub), required=sub in item_required)
                    if error:
                        errors[f"{name}.{index}.{sub}"] = error
                    elif value is not None:
                        cleaned_row[sub] = value
                kept.append(cleaned_row)
            minimum = spec.get("minItems", 1 if name in required else 0)
            if len(kept) < minimum:
                errors[name] = _("Please fill in at least %(min)s rows.") % {"min": _digits(minimum)}
            elif "maxItems" in spec and len(kept) > spec["maxItems"]:
                errors[name] = _("Please fill in no more than %(max)s rows.") % {
                    "max": _digits(spec["maxItems"])
                }
            data[name] = kept
            continue
        value, error = _check_value(spec, raw.get(name), required=name in required)
        if error:
            errors[name] = error
        elif value is not None:
            data[name] = value
    return data, errors


def validate_data(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, str]:
    """Errors (by path) of stored data against a schema — e.g. a draft made before the service changed."""
    return clean_data(schema, data)[1]


# --- The Django form ------------------------------------------------------------------------


def _field_for(spec: dict, *, required: bool, language: str | None) -> forms.Field:
    label = text_in(spec, "label", language)
    help_text = text_in(spec, "help", language)
    kind = spec.get("type")
    attrs: dict[str, str] = {}
    if required:
        attrs["aria-required"] = "true"
    if kind == "boolean":
        return forms.BooleanField(
            label=label, help_text=help_text, required=False, widget=forms.CheckboxInput(attrs=attrs)
        )
    if "enum" in spec:
        choices = [("", _("— choose —"))] + [(str(v), enum_label(spec, v, language)) for v in spec["enum"]]
        # A plain text field with a select: the schema check gives the message, not ChoiceField's.
        return forms.CharField(
            label=label,
            help_text=help_text,
            required=False,
            widget=forms.Select(attrs=attrs, choices=choices),
        )
    attrs.update(MASKS.get(spec.get("x-mask", ""), {}))
    if kind in {"integer", "number"}:
        # Text, not type=number: Bengali digits must be typeable.
        attrs.setdefault("inputmode", "numeric" if kind == "integer" else "decimal")
    if "maxLength" in spec:
        attrs["maxlength"] = str(spec["maxLength"])
    if spec.get("format") == "date":
        widget: forms.Widget = forms.DateInput(attrs={**attrs, "type": "date"})
    elif spec.get("format") == "email":
        widget = forms.EmailInput(attrs={**attrs, "autocomplete": "email"})
    elif spec.get("x-widget") == "textarea":
        widget = forms.Textarea(attrs={**attrs, "rows": "4"})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, help_text=help_text, required=False, strip=True, widget=widget)


def _initial_text(spec: dict, value: Any) -> Any:
    if value is None:
        return None
    if spec.get("type") == "boolean":
        return bool(value)
    return str(value)


class SchemaForm(forms.Form):
    """A Django form for one service's schema. ``cleaned_data["data"]`` holds the typed answers.

    Array fields become numbered rows: ``heirs__0__name``, ``heirs__1__name``… Use ``layout()``
    (or the template ``catalog/_schema_form.html``) to render fields and row groups in order.
    """

    template_name = "catalog/_schema_form.html"

    def __init__(
        self,
        schema: Mapping[str, Any],
        *args: Any,
        initial_data: Mapping[str, Any] | None = None,
        language: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.language = language
        self.row_counts: dict[str, int] = {}
        required = set(schema.get("required") or [])
        initial_data = initial_data or {}
        for name, spec in ordered_properties(schema):
            if spec.get("type") == "array":
                items = spec.get("items") or {}
                item_required = set(items.get("required") or [])
                existing = initial_data.get(name) or []
                rows = self._row_count(name, spec, existing if isinstance(existing, list) else [])
                self.row_counts[name] = rows
                for index in range(rows):
                    row_initial = (
                        existing[index] if index < len(existing) and isinstance(existing[index], dict) else {}
                    )
                    for sub, sub_spec in ordered_properties(items):
                        key = f"{name}{ROW_SEP}{index}{ROW_SEP}{sub}"
                        field = _field_for(sub_spec, required=sub in item_required, language=language)
                        field.label = f"{field.label} ({_digits(index + 1)})"
                        self.fields[key] = field
                        self.initial[key] = _initial_text(sub_spec, row_initial.get(sub))
                continue
            self.fields[name] = _field_for(spec, required=name in required, language=language)
            value = initial_data.get(name, spec.get("default"))
            self.initial[name] = _initial_text(spec, value)

    def _row_count(self, name: str, spec: dict, existing: list) -> int:
        maximum = min(spec.get("maxItems", MAX_ROWS), MAX_ROWS)
        shown = max(len(existing) + 1, spec.get("x-rows", 3), spec.get("minItems", 0))
        if self.is_bound:
            # Keep every row that was posted, so nothing typed is lost.
            prefix = f"{self.add_prefix(name)}{ROW_SEP}"
            posted = {
                int(k[len(prefix) :].split(ROW_SEP)[0])
                for k in self.data
                if k.startswith(prefix) and k[len(prefix) :].split(ROW_SEP)[0].isdigit()
            }
            if posted:
                shown = max(shown, max(posted) + 1)
        return max(0, min(shown, maximum))

    def raw_values(self) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name, spec in ordered_properties(self.schema):
            if spec.get("type") == "array":
                rows = []
                for index in range(self.row_counts.get(name, 0)):
                    row = {}
                    for sub, _spec in ordered_properties(spec.get("items") or {}):
                        row[sub] = self.cleaned_data.get(f"{name}{ROW_SEP}{index}{ROW_SEP}{sub}")
                    rows.append(row)
                raw[name] = rows
            else:
                raw[name] = self.cleaned_data.get(name)
        return raw

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data, errors = clean_data(self.schema, self.raw_values())
        for path, message in errors.items():
            parts = path.split(".")
            if len(parts) == 3:
                self.add_error(f"{parts[0]}{ROW_SEP}{parts[1]}{ROW_SEP}{parts[2]}", message)
            elif path in self.fields:
                self.add_error(path, message)
            else:
                # A whole group (too few rows): shown at the group, and it makes the form invalid.
                self._group_errors[path] = message
                self.add_error(None, ValidationError(message, code="group"))
        cleaned["data"] = data
        return cleaned

    @property
    def _group_errors(self) -> dict[str, str]:
        if not hasattr(self, "_group_error_store"):
            self._group_error_store: dict[str, str] = {}
        return self._group_error_store

    def has_errors(self) -> bool:
        return bool(self.errors) or bool(self._group_errors)

    def layout(self) -> list[dict[str, Any]]:
        """What to render, in order: ``{"kind": "field", "field": bf}`` or ``{"kind": "rows",
        "name", "label", "help", "error", "rows": [[bf, ...], ...]}``."""
        items: list[dict[str, Any]] = []
        for name, spec in ordered_properties(self.schema):
            if spec.get("type") == "array":
                subs = [sub for sub, _spec in ordered_properties(spec.get("items") or {})]
                rows = [
                    [self[f"{name}{ROW_SEP}{index}{ROW_SEP}{sub}"] for sub in subs]
                    for index in range(self.row_counts.get(name, 0))
                ]
                items.append(
                    {
                        "kind": "rows",
                        "name": name,
                        "label": text_in(spec, "label", self.language),
                        "help": text_in(spec, "help", self.language),
                        "error": self._group_errors.get(name, ""),
                        "rows": rows,
                    }
                )
            else:
                items.append({"kind": "field", "field": self[name]})
        return items

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, "label: message") for an error summary at the top of the page."""
        found = [(f"group-{name}", message) for name, message in self._group_errors.items()]
        for bound in self:
            if bound.errors:
                found.append((bound.auto_id, f"{bound.label}: {bound.errors[0]}"))
        return found


def build_form(
    schema: Mapping[str, Any],
    *,
    data: Mapping[str, Any] | None = None,
    initial_data: Mapping[str, Any] | None = None,
    prefix: str | None = None,
    language: str | None = None,
) -> SchemaForm:
    """The form of a schema, bound to POST ``data`` when given, else showing ``initial_data``."""
    return SchemaForm(schema, data, initial_data=initial_data, prefix=prefix, language=language)


def prefill(schema: Mapping[str, Any], profile_values: Mapping[str, Any]) -> dict[str, Any]:
    """Initial answers from the citizen's profile, for fields that name one in ``x-prefill``.
    ``profile_values`` maps ``PREFILL_FIELDS`` names to values (dates may be ``date`` objects)."""
    initial: dict[str, Any] = {}
    for name, spec in ordered_properties(schema):
        source = spec.get("x-prefill")
        if source and profile_values.get(source) not in (None, ""):
            value = profile_values[source]
            initial[name] = value.isoformat() if isinstance(value, date) else value
    return initial


def _address(profile: Any, prefix: str) -> str:
    parts = [getattr(profile, f"{prefix}_line", "")]
    for level in ("union", "upazila", "district", "division"):
        place = getattr(profile, f"{prefix}_{level}", None)
        if place is not None:
            parts.append(place.name)
    return ", ".join(part for part in parts if part)


def profile_values(user: Any) -> dict[str, Any]:
    """The ``PREFILL_FIELDS`` values of a citizen's profile, for ``prefill`` (addresses as one line
    in the page's language; the mobile number as typed locally, 01XXXXXXXXX)."""
    profile = getattr(user, "profile", None)
    values: dict[str, Any] = {"mobile": "", "email": getattr(user, "email", "") or ""}
    mobile = getattr(user, "mobile", "") or ""
    if mobile.startswith("+880"):
        values["mobile"] = "0" + mobile[4:]
    if profile is None:
        return values
    for name in ("name_bn", "name_en", "father_name", "mother_name", "date_of_birth", "identity_number"):
        values[name] = getattr(profile, name)
    values["present_address"] = _address(profile, "present")
    values["permanent_address"] = _address(profile, "permanent")
    return values
