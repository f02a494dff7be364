"""Field definitions and picklists: the data, the loader, the checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from leadkit.errors import LoadError, Problem
from leadkit.model import Lead
from leadkit.rules import Between, Compare, Condition, FieldRef, IsIn, RuleError
from leadkit.rules._grammar import iter_conditions

__all__ = [
    "FIELD_TYPES",
    "PICKLIST_FIELDS",
    "FieldDefinition",
    "FieldSchema",
    "PicklistValue",
    "load_field_schema",
]

FIELD_TYPES = ("text", "number", "date", "datetime", "bool", "picklist")
"""The types a custom field may have."""
PICKLIST_FIELDS = ("industry", "lead_source", "rating")
"""The standard lead fields whose allowed values a schema may define."""


@attrs.frozen(slots=True)
class PicklistValue:
    """One allowed value of a picklist, with its labels."""

    value: str
    label_en: str | None = None
    label_ja: str | None = None


@attrs.frozen(slots=True)
class FieldDefinition:
    """A custom field (``custom.<name>``): its type, whether it is required, the values
    allowed (picklists), and its labels in English and Japanese."""

    name: str
    type: str
    required: bool = False
    values: tuple[PicklistValue, ...] = ()
    label_en: str | None = None
    label_ja: str | None = None

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(v.value for v in self.values)


def _type_of(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    return "text"


def _fits(definition: FieldDefinition, value: object) -> str | None:
    """None when ``value`` fits the definition, else what is wrong."""
    kind = _type_of(value)
    expected = "text" if definition.type == "picklist" else definition.type
    if kind != expected:
        return f"expected {definition.type}, got {kind} {value!r}"
    if definition.values and str(value) not in definition.allowed:
        allowed = ", ".join(sorted(definition.allowed))
        return f"{value!r} is not one of the allowed values ({allowed})"
    return None


@attrs.frozen(slots=True)
class FieldSchema:
    """The custom fields and picklists of one team (see the package docstring)."""

    fields: Mapping[str, FieldDefinition] = attrs.field(factory=dict)
    picklists: Mapping[str, tuple[PicklistValue, ...]] = attrs.field(factory=dict)

    def label(self, name: str, *, locale: str = "en") -> str:
        """A custom field's label in ``locale`` (its name when it has none)."""
        definition = self.fields.get(name)
        if definition is None:
            return name
        label = definition.label_ja if locale == "ja" else definition.label_en
        return label or definition.label_en or name

    def problems(self, lead: Lead) -> list[Problem]:
        """Every way ``lead`` breaks the schema, each at its path (``custom.budget``,
        ``industry``): a missing required field, a value of the wrong type, a value not
        in the picklist, a custom field the schema does not define."""
        found: list[Problem] = []
        custom = lead.custom
        for name, definition in self.fields.items():
            value = custom.get(name)
            if value is None:
                if definition.required:
                    found.append(Problem(("custom", name), "required field is missing"))
                continue
            wrong = _fits(definition, value)
            if wrong is not None:
                found.append(Problem(("custom", name), wrong))
        for name in custom:
            if name not in self.fields:
                found.append(Problem(("custom", name), "not a defined custom field"))
        for name, values in self.picklists.items():
            raw = getattr(lead, name, None)
            value = getattr(raw, "value", raw)
            if value is not None and str(value) not in {v.value for v in values}:
                allowed = ", ".join(v.value for v in values)
                found.append(Problem((name,), f"{value!r} is not in the picklist ({allowed})"))
        return found

    def check_lead(self, lead: Lead) -> Lead:
        """``lead`` itself, or :class:`~leadkit.errors.LoadError` listing every problem."""
        problems = self.problems(lead)
        if problems:
            raise LoadError(problems, what="lead")
        return lead

    def check_leads(self, leads: Iterable[Lead]) -> list[Lead]:
        """Imported ``leads`` checked together; problems are prefixed by the row index."""
        kept = list(leads)
        problems = [p.at(i) for i, lead in enumerate(kept) for p in self.problems(lead)]
        if problems:
            raise LoadError(problems, what="leads")
        return kept

    def check_condition(self, condition: Condition) -> Condition:
        """``condition`` itself, or :class:`~leadkit.rules.RuleError` when it tests a
        custom field the schema does not define, compares it with a literal of another
        type, or a picklist field with a value the picklist does not allow."""
        for node in iter_conditions(condition):
            subject = getattr(node, "subject", None)
            if not isinstance(subject, FieldRef):
                continue
            literals = _literals(node)
            if subject.path.startswith("custom."):
                name = subject.path.removeprefix("custom.")
                definition = self.fields.get(name)
                if definition is None:
                    raise RuleError(f"{name!r} is not a defined custom field", path=subject.path)
                for value in literals:
                    wrong = _fits(definition, value)
                    if wrong is not None:
                        raise RuleError(wrong, path=subject.path, key="value")
            elif subject.path in self.picklists:
                allowed = {v.value for v in self.picklists[subject.path]}
                for value in literals:
                    text = str(getattr(value, "value", value))
                    if text not in allowed:
                        raise RuleError(
                            f"{text!r} is not in the {subject.path} picklist",
                            path=subject.path,
                            key="value",
                        )
        return condition


def _literals(node: Condition) -> tuple[Any, ...]:
    if isinstance(node, IsIn):
        return node.values
    if isinstance(node, Between):
        return (node.low, node.high)
    if isinstance(node, Compare):
        return (node.value,)
    return ()


def _labels(
    data: Mapping[str, Any], path: tuple[str | int, ...], problems: list[Problem]
) -> tuple[str | None, str | None]:
    label = data.get("label")
    if label is None:
        return None, None
    if isinstance(label, str):
        return label, None
    if isinstance(label, Mapping) and all(
        k in ("en", "ja") and isinstance(v, str) for k, v in label.items()
    ):
        return label.get("en"), label.get("ja")
    problems.append(Problem((*path, "label"), 'a label is text or {en = "...", ja = "..."}'))
    return None, None


def _values(
    raw: object, path: tuple[str | int, ...], problems: list[Problem]
) -> tuple[PicklistValue, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(path, "expected a non-empty list of values"))
        return ()
    found: list[PicklistValue] = []
    for i, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            found.append(PicklistValue(item))
        elif isinstance(item, Mapping) and isinstance(item.get("value"), str):
            unknown = set(item) - {"value", "en", "ja"}
            if unknown:
                problems.append(
                    Problem((*path, i, sorted(unknown)[0]), "unknown key; expected value, en, ja")
                )
            found.append(PicklistValue(item["value"], item.get("en"), item.get("ja")))
        else:
            problems.append(Problem((*path, i), 'expected text or {value = "...", ja = "..."}'))
    seen = [v.value for v in found]
    for i, value in enumerate(seen):
        if value in seen[:i]:
            problems.append(Problem((*path, i), f"{value!r} is listed twice"))
    return tuple(found)


def load_field_schema(data: object) -> FieldSchema:
    """A :class:`FieldSchema` from plain data (a parsed TOML or JSON document)::

        [fields.budget]
        type = "number"
        required = true
        label = { en = "Budget", ja = "予算" }

        [fields.segment]
        type = "picklist"
        values = ["SMB", "Enterprise"]

        [picklists]
        industry = [{ value = "Manufacturing", ja = "製造業" }, "IT"]

    Raises :class:`~leadkit.errors.LoadError` listing every problem with its path
    (``fields.budget.type``).
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise LoadError([Problem(("document",), "expected a table")], what="field schema")
    for key in data:
        if key not in ("fields", "picklists"):
            problems.append(Problem((str(key),), "unknown key; expected fields, picklists"))
    fields: dict[str, FieldDefinition] = {}
    for name, body in dict(data.get("fields", {})).items():
        path: tuple[str | int, ...] = ("fields", name)
        if not isinstance(body, Mapping):
            problems.append(Problem(path, "expected a table"))
            continue
        for key in body:
            if key not in ("type", "required", "values", "label"):
                problems.append(
                    Problem((*path, key), "unknown key; expected type, required, values, label")
                )
        kind = body.get("type")
        if kind not in FIELD_TYPES:
            problems.append(
                Problem((*path, "type"), f"expected one of {', '.join(FIELD_TYPES)}, got {kind!r}")
            )
            continue
        required = body.get("required", False)
        if not isinstance(required, bool):
            problems.append(Problem((*path, "required"), "expected true or false"))
            required = False
        values: tuple[PicklistValue, ...] = ()
        if kind == "picklist":
            values = _values(body.get("values"), (*path, "values"), problems)
        elif "values" in body:
            problems.append(Problem((*path, "values"), "only a picklist field has values"))
        en, ja = _labels(body, path, problems)
        fields[str(name)] = FieldDefinition(str(name), kind, required, values, en, ja)
    picklists: dict[str, tuple[PicklistValue, ...]] = {}
    for name, raw in dict(data.get("picklists", {})).items():
        if name not in PICKLIST_FIELDS:
            problems.append(
                Problem(("picklists", name), f"expected one of {', '.join(PICKLIST_FIELDS)}")
            )
            continue
        picklists[name] = _values(raw, ("picklists", name), problems)
    if problems:
        raise LoadError(problems, what="field schema")
    return FieldSchema(fields, picklists)
