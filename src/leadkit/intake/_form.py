"""A web form's fields mapped to a lead: mapping, normalisation, validation.

:class:`IntakeForm` says which form field fills which lead field (English and Japanese
names out of the box); :func:`read_form` turns one submission into a lead, or into every
problem found (not only the first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from leadkit.dedupe._names import split_full_name
from leadkit.errors import KeyPath, Problem, ValidationError
from leadkit.io import parse_integer
from leadkit.io._reader import Reader
from leadkit.model import (
    Address,
    CustomFields,
    EventKind,
    Lead,
    PersonName,
)

__all__ = ["DEFAULT_FORM_FIELDS", "LEAD_TARGETS", "IntakeForm", "read_form"]

_TEXT_TARGETS = (
    "company",
    "title",
    "department",
    "email",
    "phone",
    "mobile",
    "website",
    "industry",
    "description",
    "lead_source",
)
_NAME_PARTS = ("family", "given", "family_kana", "given_kana")
_ADDRESS_PARTS = ("country", "state", "city", "street", "postal_code")

LEAD_TARGETS: tuple[str, ...] = (
    "name",
    *(f"name.{part}" for part in _NAME_PARTS),
    *_TEXT_TARGETS,
    "employees",
    *(f"address.{part}" for part in _ADDRESS_PARTS),
)
"""The lead fields a form field can fill, besides ``custom.<name>``. ``name`` is a full
name split by :func:`~leadkit.dedupe.split_full_name`: honorifics dropped; at the first
space, family name first when written in Japanese, and in Latin script when the first
word is a common Japanese family name ("Yamada Taro"); after a known family name when
there is no space (山田太郎)."""

# Width-folded before storing: typed on phones, often in full width (０３－１２３４).
_NFKC_TARGETS = frozenset({"email", "phone", "mobile", "employees", "address.postal_code"})

DEFAULT_FORM_FIELDS: Mapping[str, str] = {
    "company": "company",
    "会社名": "company",
    "貴社名": "company",
    "last_name": "name.family",
    "姓": "name.family",
    "first_name": "name.given",
    "名": "name.given",
    "name": "name",
    "お名前": "name",
    "氏名": "name",
    "last_name_kana": "name.family_kana",
    "セイ": "name.family_kana",
    "first_name_kana": "name.given_kana",
    "メイ": "name.given_kana",
    "email": "email",
    "メールアドレス": "email",
    "phone": "phone",
    "電話番号": "phone",
    "mobile": "mobile",
    "携帯電話番号": "mobile",
    "title": "title",
    "役職": "title",
    "department": "department",
    "部署": "department",
    "部署名": "department",
    "website": "website",
    "ウェブサイト": "website",
    "industry": "industry",
    "業種": "industry",
    "employees": "employees",
    "従業員数": "employees",
    "message": "description",
    "お問い合わせ内容": "description",
    "country": "address.country",
    "postal_code": "address.postal_code",
    "郵便番号": "address.postal_code",
    "state": "address.state",
    "都道府県": "address.state",
    "city": "address.city",
    "市区町村": "address.city",
    "street": "address.street",
    "番地": "address.street",
}
"""Common form field names, English and Japanese (会社名, 姓, 名, メールアドレス, 電話番号 ...)."""

_CUSTOM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_target(target: object, where: KeyPath) -> str:
    if isinstance(target, str):
        if target in LEAD_TARGETS:
            return target
        if target.startswith("custom.") and _CUSTOM_NAME.match(target.removeprefix("custom.")):
            return target
    raise ValidationError(
        f"{target!r} is not a lead field a form can fill; use one of "
        f"{', '.join(LEAD_TARGETS)} or custom.<name>",
        path=where,
    )


def _form_fields(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping of form field name to lead field, got {type(value).__name__}",
            path="IntakeForm.fields",
        )
    fields: dict[str, str] = {}
    for name, target in value.items():
        where: KeyPath = ("IntakeForm", "fields", name if isinstance(name, str) else repr(name))
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"form field names are non-empty str, got {name!r}", path=where)
        fields[name] = _check_target(target, where)
    return fields


def _required(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple | frozenset | set):
        raise ValidationError(
            f"expected a list of lead fields, got {value!r}", path="IntakeForm.required"
        )
    return tuple(_check_target(t, ("IntakeForm", "required", n)) for n, t in enumerate(value))


def _optional_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ValidationError(
            f"expected a non-empty str or None, got {value!r}", path=f"IntakeForm.{attribute.name}"
        )


def _name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"expected a non-empty str, got {value!r}", path=f"IntakeForm.{attribute.name}"
        )


def _campaign_fields(value: object) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(
        isinstance(n, str) and n.strip() for n in names
    ):
        raise ValidationError(
            f"campaign_fields are form field names, got {value!r}",
            path="IntakeForm.campaign_fields",
        )
    return tuple(names)


@attrs.frozen
class IntakeForm:
    """How one web form's fields become a lead (web-to-lead).

    ``fields`` maps form field names to lead fields (:data:`LEAD_TARGETS` or
    ``custom.<name>``); several form names may fill one lead field (the first non-empty
    wins). A lead always needs a family name and a company; ``required`` adds more.
    ``honeypot`` names a field hidden from people: a bot that fills it is rejected as
    spam. ``lead_source`` is used when the form does not send one; ``event_kind`` is the
    kind of the engagement event recorded for each accepted submission.
    ``campaign_fields`` name the hidden fields that say which campaign the form belongs
    to (``Campaign_ID``, as Salesforce's Web-to-Lead): the submission is then a response
    to that campaign (see :func:`~leadkit.intake.intake`). ``visitor_fields`` name the
    hidden fields carrying the visitor's cookie id, for identity stitching.

    >>> form = IntakeForm(name="contact-us", fields={"会社名": "company", "姓": "name.family",
    ...                                              "予算": "custom.budget"})
    >>> form.targets["custom.budget"]
    ('予算',)
    >>> IntakeForm(fields={"fax": "fax"})
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: IntakeForm.fields.fax: 'fax' is not a lead field ...
    """

    name: str = attrs.field(default="web", validator=_name)
    fields: Mapping[str, str] = attrs.field(
        factory=lambda: dict(DEFAULT_FORM_FIELDS), converter=_form_fields, kw_only=True
    )
    required: tuple[str, ...] = attrs.field(default=(), converter=_required, kw_only=True)
    honeypot: str | None = attrs.field(default=None, validator=_optional_name, kw_only=True)
    lead_source: str | None = attrs.field(default="Web", validator=_optional_name, kw_only=True)
    event_kind: str = attrs.field(default=EventKind.INQUIRY, converter=str, kw_only=True)
    campaign_fields: tuple[str, ...] = attrs.field(
        default=("campaign_id", "Campaign_ID"), converter=_campaign_fields, kw_only=True
    )
    visitor_fields: tuple[str, ...] = attrs.field(
        default=("visitor_id",), converter=_campaign_fields, kw_only=True
    )
    _targets: dict[str, tuple[str, ...]] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        found: dict[str, list[str]] = {}
        for name, target in self.fields.items():
            found.setdefault(target, []).append(name)
        # Read for every field of every submission: computed once.
        object.__setattr__(self, "_targets", {t: tuple(names) for t, names in found.items()})

    @property
    def targets(self) -> Mapping[str, tuple[str, ...]]:
        """Each lead field and the form fields that fill it, in mapping order."""
        return self._targets


def _clean(target: str, text: str) -> str:
    if target in _NFKC_TARGETS:
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def _split_name(text: str) -> tuple[str, str | None]:
    # Issue 13: the matcher's own splitting, so that "Yamada Taro" is family Yamada and
    # 山田太郎 splits after a known family name.
    return split_full_name(text)


def _employees(text: str) -> int:
    # The one number parser of leadkit.io: 1,200, １，２００名, 3万人 (issue 15).
    try:
        value = parse_integer(text)
    except ValidationError:
        raise ValueError(text) from None
    if value < 0:
        raise ValueError(text)
    return value


class _Reader(Reader):
    """Reads one submission: the values of the form's fields, and every problem (the
    one reader of :mod:`leadkit.io`, with form field names as paths)."""

    def __init__(self, form: IntakeForm, values: Mapping[str, str]) -> None:
        super().__init__()
        self.form = form
        self.values = values
        self.used: dict[str, str] = {}  # lead field -> form field it came from

    def value(self, target: str) -> str | None:
        for name in self.form.targets.get(target, ()):
            text = self.values.get(name, "")
            if text.strip():
                self.used[target] = name
                return _clean(target, text)
        return None

    def where(self, target: str) -> str:
        if target in self.used:
            return self.used[target]
        names = self.form.targets.get(target)
        return names[0] if names else target

    def problem(self, target: str, message: str) -> None:
        self.fail(self.where(target), message)


_LEAD_FIELDS = attrs.fields_dict(Lead)
# Any lead will do as the instance the validators name in their messages.
_SAMPLE = Lead(
    id="intake", name=PersonName("-"), company="-", created_at=datetime(2000, 1, 1, tzinfo=UTC)
)


def _check_field(target: str, text: str) -> None:
    """Run the model's own converter and validator of one lead field (raises
    ValidationError), so that every bad field is reported, not only the first."""
    field = _LEAD_FIELDS[target]
    value = field.converter(text) if callable(field.converter) else text
    if field.validator is not None:
        field.validator(_SAMPLE, field, value)


def _person(reader: _Reader) -> PersonName | None:
    parts = {part: reader.value(f"name.{part}") for part in _NAME_PARTS}
    full = reader.value("name")
    if full and not parts["family"]:
        parts["family"], given = _split_name(full)
        reader.used["name.family"] = reader.used["name"]
        parts["given"] = parts["given"] or given
    if not parts["family"]:
        # Point at the full-name field when the form asks for the name in one field.
        only_full = "name" in reader.form.targets and "name.family" not in reader.form.targets
        where = "name" if only_full else "name.family"
        reader.problem(where, "required: the family name (姓) is missing")
        return None
    try:
        family = parts.pop("family")
        given = parts.pop("given")
        return PersonName(family, given, **parts)  # type: ignore[arg-type]
    except ValidationError as error:
        reader.problem("name.family", error.message)
        return None


def _address(reader: _Reader) -> Address:
    parts = {part: reader.value(f"address.{part}") for part in _ADDRESS_PARTS}
    try:
        return Address(**parts)
    except ValidationError as error:
        part = str(error.path[-1]) if error.path else ""
        reader.problem(
            f"address.{part}" if part in _ADDRESS_PARTS else "address.street", error.message
        )
        return Address()


def read_form(
    values: Mapping[str, str], form: IntakeForm, *, as_of: datetime
) -> tuple[Lead | None, dict[str, Any], list[Problem]]:
    """The lead a submission describes, the values read (by lead field), and every problem.

    ``values`` must already be text (see :func:`~leadkit.intake.intake`). The lead is
    ``None`` when there is any problem.
    """
    reader = _Reader(form, values)
    fields: dict[str, Any] = {}
    name = _person(reader)
    if name is not None:
        fields["name"] = name
        read: dict[str, Any] = {"name": name.display}
    else:
        read = {}
    for target in _TEXT_TARGETS:
        text = reader.value(target)
        if text is None:
            continue
        read[target] = text
        try:
            _check_field(target, text)
        except ValidationError as error:
            reader.problem(target, error.message)
            continue
        fields[target] = text
    employees = reader.value("employees")
    if employees is not None:
        read["employees"] = employees
        try:
            fields["employees"] = _employees(employees)
        except ValueError:
            reader.problem("employees", f"expected a whole number, got {employees!r}")
    fields["address"] = _address(reader)
    custom: dict[str, str] = {}
    for target in form.targets:
        if target.startswith("custom."):
            text = reader.value(target)
            if text is not None:
                custom[target.removeprefix("custom.")] = text
                read[target] = text
    if "company" not in fields and "company" not in reader.used:
        reader.problem("company", "required: the company (会社名) is missing")
    for target in form.required:
        if target not in reader.used and not (target == "name" and "name.family" in reader.used):
            reader.problem(target, f"required: {target} is missing")
    if reader.problems:
        return None, read, reader.problems
    fields.setdefault("lead_source", form.lead_source)
    try:
        lead = Lead(created_at=as_of, custom=CustomFields(custom), **fields)
    except ValidationError as error:  # a rule of the model not checked field by field
        return None, read, [Problem(error.path or ("lead",), error.message)]
    return lead, read, []
