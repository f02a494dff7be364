"""Field definitions and picklists: the data, the loader, the checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.model import Lead, normalise_text
from leadkit.rules import Between, Compare, Condition, FieldRef, IsIn, RuleError
from leadkit.rules._grammar import DECLARED_FIELDS, Matches, TextMatch, Window, iter_conditions

__all__ = [
    "FIELD_TYPES",
    "PICKLIST_FIELDS",
    "FieldDefinition",
    "FieldSchema",
    "PicklistValue",
    "load_field_schema",
    "use_field_schema",
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

    def value_of(self, name: str, text: str) -> str:
        """The picklist value ``text`` stands for in the picklist of ``name`` (a standard
        field, or ``custom.<name>``): ``text`` itself if it is a value, else the value it
        is a label of (English or Japanese, compared ignoring width, case and spaces),
        else ``text`` unchanged (for :meth:`problems` to report).

        >>> schema = load_field_schema({"picklists": {"industry": [
        ...     {"value": "Manufacturing", "ja": "製造業"}]}})
        >>> schema.value_of("industry", "製造業"), schema.value_of("industry", "IT")
        ('Manufacturing', 'IT')
        """
        if name.startswith("custom."):
            definition = self.fields.get(name.removeprefix("custom."))
            values = definition.values if definition is not None else ()
        else:
            values = self.picklists.get(name, ())
        if any(v.value == text for v in values):
            return text
        wanted = normalise_text(text)
        for v in values:
            labels = (v.value, v.label_en, v.label_ja)
            if any(label is not None and normalise_text(label) == wanted for label in labels):
                return v.value
        return text

    def with_values(self, lead: Lead) -> Lead:
        """``lead`` with every picklist label it holds (``製造業``) replaced by its value
        (``Manufacturing``): how an import written with labels is read."""
        changes: dict[str, Any] = {}
        for name in self.picklists:
            raw = getattr(lead, name, None)
            if isinstance(raw, str):
                value = self.value_of(name, raw)
                if value != raw:
                    changes[name] = value
        custom = dict(lead.custom)
        for name, definition in self.fields.items():
            raw = custom.get(name)
            if definition.type == "picklist" and isinstance(raw, str):
                custom[name] = self.value_of(f"custom.{name}", raw)
        if custom != dict(lead.custom):
            changes["custom"] = custom
        return attrs.evolve(lead, **changes) if changes else lead

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
        type (or tests a number with a text operator, a text with a time window), or a
        picklist field with a value the picklist does not allow. Inside
        :func:`use_field_schema` every condition is checked so when it is built."""
        for node in iter_conditions(condition):
            self.check_node(node)
        return condition

    def check_node(self, node: Condition) -> None:
        """:meth:`check_condition` of one node, not of the nodes inside it."""
        subject = getattr(node, "subject", None)
        if not isinstance(subject, FieldRef):
            return
        literals = [v for v in _literals(node) if not attrs.has(type(v))]
        if subject.path.startswith("custom."):
            name = subject.path.removeprefix("custom.")
            definition = self.fields.get(name)
            if definition is None:
                defined = ", ".join(sorted(self.fields)) or "none"
                raise RuleError(
                    f"{name!r} is not a defined custom field (defined: {defined})",
                    path=subject.path,
                    key="field",
                )
            expected = _OPERATOR_TYPES.get(type(node))
            if expected is not None and definition.type not in expected:
                raise RuleError(
                    f"{node} needs {' or '.join(expected)}; {name} is declared {definition.type}",
                    path=subject.path,
                    key="field",
                )
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


@contextmanager
def use_field_schema(schema: FieldSchema) -> Iterator[FieldSchema]:
    """Check every condition built inside the block against ``schema``
    (:meth:`FieldSchema.check_condition`), so that a condition on a custom field the
    schema does not define, or comparing a number field with text, fails where it is
    written (or where its rule file is loaded) with the field's path.

    >>> from leadkit.rules import field
    >>> schema = load_field_schema({"fields": {"budget": {"type": "number"}}})
    >>> with use_field_schema(schema):
    ...     field("custom.budget") == "a lot"
    Traceback (most recent call last):
    ...
    leadkit.errors.RuleError: custom.budget: expected number, got text 'a lot'
    """
    if not isinstance(schema, FieldSchema):
        raise ValidationError(
            f"expected a FieldSchema, got {type(schema).__name__}", path="use_field_schema"
        )
    token = DECLARED_FIELDS.set(schema.check_node)
    try:
        yield schema
    finally:
        DECLARED_FIELDS.reset(token)


_OPERATOR_TYPES: dict[type, tuple[str, ...]] = {
    TextMatch: ("text", "picklist"),
    Matches: ("text", "picklist"),
    Window: ("date", "datetime"),
}


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
