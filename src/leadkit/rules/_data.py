"""Conditions as plain data (JSON, TOML, dicts) and back, with errors that name the path.

A leaf is ``{"field": "employees", "op": ">=", "value": 1000}``; combinators are
``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}`` and
``{"criteria": [...], "logic": "1 AND (2 OR 3)"}``; event conditions are
``{"events": ["form_submit"], "where": {...}, "within": {"days": 30},
"count": {"op": ">=", "value": 3}}``. A ratio of two event counts or sums is
``{"ratio": {"of": A, "per": B}, "op": ">=", "value": 0.3}`` and a difference
``{"difference": {"of": A, "minus": B}, "op": ">=", "value": 0}``, each aggregate written
``{"events": [...], "within": {...}, "count": true}`` (or ``"sum": "amount"``). Values
JSON cannot tell apart from text are written as ISO strings where the field's type says
what they are (``created_at``), and tagged (``{"$date": "2026-04-01"}``,
``{"$decimal": "12.50"}``) where it does not (custom fields, event properties). TOML dates
and datetimes are accepted as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from leadkit.errors import KeyPath, LoadError, PathLike, Problem, ValidationError, _as_path
from leadkit.io._plain import check_plain
from leadkit.io._reader import RULE_SCHEMA_VERSION, Reader, check_schema, relative_path, type_name
from leadkit.io._tags import FINITE_TAGS, decode, encode
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    Opportunity,
    Queue,
    Task,
    User,
)
from leadkit.rules._errors import RuleError
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Criteria,
    EventCount,
    EventDifference,
    EventExists,
    EventLast,
    EventQuery,
    EventRatio,
    EventSum,
    FieldRef,
    IsIn,
    Matches,
    Not,
    Presence,
    PropRef,
    Subject,
    TextMatch,
    Window,
    check_top_level,
    info_of,
    record_type,
)
from leadkit.rules._literals import TEXT_KINDS, require_kind
from leadkit.rules._period import Period
from leadkit.rules._schema import Kind

__all__ = ["RULE_SCHEMA_VERSION", "dump_condition", "from_data", "load_condition", "to_data"]

MODELS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Lead,
        Contact,
        Account,
        Opportunity,
        Campaign,
        CampaignMember,
        Task,
        Event,
        EngagementEvent,
        User,
        Queue,
    )
}
_MAX_DEPTH = 64
_LEAF_OPS = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "between",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "startswith",
    "endswith",
    "matches",
    "is_missing",
    "is_present",
    "within",
    "older_than",
)
_PERIOD_UNITS = ("years", "months", "weeks", "days", "hours")
_AGGREGATES = ("count", "last", "sum")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _encode(value: object, kind: Kind) -> object:
    # A field's kind says how to read an ISO string back; a Decimal is always tagged.
    bare = {Kind.DATETIME: datetime, Kind.DATE: date}.get(kind, ())
    return encode(value, bare=bare)


def _leaf_data(node: Condition, kind: Kind) -> dict[str, Any]:
    if isinstance(node, Compare):
        return {"op": node.op, "value": _encode(node.value, kind)}
    if isinstance(node, Between):
        return {"op": "between", "value": [_encode(node.low, kind), _encode(node.high, kind)]}
    if isinstance(node, IsIn):
        op = "not_in" if node.negated else "in"
        data: dict[str, Any] = {"op": op, "value": [_encode(v, kind) for v in node.values]}
        if node.normalise:
            data["normalise"] = True
        return data
    if isinstance(node, TextMatch):
        if node.op == "contains" and len(node.needles) > 1:
            data = {"op": "contains_any", "value": list(node.needles)}
        elif len(node.needles) == 1:
            data = {"op": node.op, "value": node.needles[0]}
        else:
            data = {"op": node.op, "value": list(node.needles)}
        if node.normalise:
            data["normalise"] = True
        return data
    if isinstance(node, Matches):
        data = {"op": "matches", "value": node.pattern}
        if node.ignore_case:
            data["ignore_case"] = True
        return data
    if isinstance(node, Presence):
        return {"op": "is_present" if node.present else "is_missing"}
    if isinstance(node, Window):
        return {"op": node.op, "value": node.period.as_dict()}
    raise RuleError(f"cannot write {node!r} as data")  # pragma: no cover


def _query_data(query: EventQuery) -> dict[str, Any]:
    data: dict[str, Any] = {"events": list(query.kinds)}
    if query.where is not None:
        data["where"] = to_data(query.where)
    if query.window is not None:
        data["within"] = query.window.as_dict()
    return data


def _number_data(subject: EventCount | EventSum) -> dict[str, Any]:
    data = _query_data(subject.query)
    if isinstance(subject, EventCount):
        data["count"] = True
    else:
        data["sum"] = subject.prop
    return data


def to_data(condition: Condition) -> dict[str, Any]:
    """The condition as JSON-compatible plain data: the body of :func:`dump_condition`'s
    document, without its header. Other rule files (scoring models, stage policies,
    assignment and matching rules) embed conditions in this form.

    >>> from leadkit.rules import field, to_data
    >>> to_data((field("employees") >= 1000) & field("title").contains("部長"))
    {'all': [{'field': 'employees', 'op': '>=', 'value': 1000},
             {'field': 'title', 'op': 'contains', 'value': '部長'}]}
    """
    if isinstance(condition, AllOf):
        return {"all": [to_data(i) for i in condition.items]}
    if isinstance(condition, AnyOf):
        return {"any": [to_data(i) for i in condition.items]}
    if isinstance(condition, Not):
        return {"not": to_data(condition.item)}
    if isinstance(condition, Criteria):
        return {"criteria": [to_data(i) for i in condition.items], "logic": str(condition.logic)}
    if isinstance(condition, EventExists):
        return _query_data(condition.query)
    if not isinstance(condition, Condition):
        raise RuleError(f"to_data() takes a condition, got {type(condition).__name__}")
    subject: Subject = condition.subject  # type: ignore[attr-defined]
    test = _leaf_data(condition, info_of(subject).kind)
    if isinstance(subject, FieldRef):
        return {"field": subject.path, **test}
    if isinstance(subject, PropRef):
        return {"prop": subject.name, **test}
    if isinstance(subject, EventRatio):
        ratio = {"of": _number_data(subject.numerator), "per": _number_data(subject.denominator)}
        return {"ratio": ratio, **test}
    if isinstance(subject, EventDifference):
        difference = {"of": _number_data(subject.left), "minus": _number_data(subject.right)}
        return {"difference": difference, **test}
    data = _query_data(subject.query)
    if isinstance(subject, EventCount):
        data["count"] = test
    elif isinstance(subject, EventLast):
        data["last"] = test
    else:
        data["sum"] = {"prop": subject.prop, **test}
    return data


def dump_condition(condition: Condition) -> dict[str, Any]:
    """``{"schema": 1, "on": "Lead", "condition": {...}}``: plain data to store or send,
    what ``leadkit.dumps`` writes. The body is :func:`to_data` of the condition."""
    on = record_type(condition) or Lead
    return {"schema": RULE_SCHEMA_VERSION, "on": on.__name__, "condition": to_data(condition)}


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _bad(path: PathLike, message: str) -> LoadError:
    """One problem that stops reading the node it is in (its siblings are still read)."""
    return LoadError([Problem(path, message)], what="condition")


def _decode(value: object, kind: Kind, path: KeyPath) -> object:
    try:
        value = decode(value, path=path, tags=FINITE_TAGS)
    except ValidationError as err:
        raise _bad(err.path, err.message) from None
    if isinstance(value, list | Mapping):
        raise _bad(path, f"expected a single value, got {type_name(value)}")
    if isinstance(value, str):
        try:
            if kind in (Kind.NUMBER, Kind.MONEY):
                return Decimal(value)
            if kind is Kind.DATE:
                return date.fromisoformat(value)
            if kind is Kind.DATETIME:
                return datetime.fromisoformat(value)
        except (ValueError, InvalidOperation):
            raise _bad(path, f"{value!r} is not {kind.described}") from None
    return value


def _keys(data: Mapping[str, Any], allowed: tuple[str, ...], path: KeyPath) -> None:
    for key in data:
        if key not in allowed:
            raise _bad((*path, str(key)), f"unknown key; expected one of {', '.join(allowed)}")


def _period(data: object, path: KeyPath) -> Period:
    if not isinstance(data, Mapping):
        raise _bad(path, f'a window is an object such as {{"days": 30}}, got {type_name(data)}')
    _keys(data, _PERIOD_UNITS, path)
    for unit, amount in data.items():
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise _bad((*path, unit), f"expected a whole number, got {type_name(amount)}")
    try:
        return Period(**data)
    except RuleError as err:
        raise _bad((*path, *relative_path(err.path)), err.message) from None


def _list(value: object, path: KeyPath, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(path, f"{what} is an array, got {type_name(value)}")
    return value


_NORMALISE_OPS = ("in", "not_in", "contains", "contains_any", "startswith", "endswith")


def _test(
    subject: Subject, data: Mapping[str, Any], path: KeyPath, extra: tuple[str, ...]
) -> Condition:
    """A leaf test (op, value and options) on ``subject``."""
    _keys(data, (*extra, "op", "value", "normalise", "ignore_case"), path)
    if "op" not in data:
        raise _bad((*path, "op"), "required key is missing")
    op = data["op"]
    if op not in _LEAF_OPS:
        raise _bad((*path, "op"), f"unknown operator {op!r}; expected one of {_LEAF_OPS}")
    kind = info_of(subject).kind
    value_path = (*path, "value")
    needs_value = op not in ("is_missing", "is_present")
    if needs_value and "value" not in data:
        raise _bad(value_path, f"required for {op!r}")
    if not needs_value and "value" in data:
        raise _bad(value_path, f"{op!r} takes no value")
    normalise = data.get("normalise", False)
    ignore_case = data.get("ignore_case", False)
    for option, flag, ops in (
        ("normalise", normalise, _NORMALISE_OPS),
        ("ignore_case", ignore_case, ("matches",)),
    ):
        if not isinstance(flag, bool):
            raise _bad((*path, option), f"expected true or false, got {type_name(flag)}")
        if option in data and op not in ops:
            raise _bad((*path, option), f"only for {', '.join(ops)}")
    value = data.get("value")
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return Compare(subject, op, _decode(value, kind, value_path))
    if op == "between":
        pair = _list(value, value_path, "between's value")
        if len(pair) != 2:
            raise _bad(value_path, f"between takes [low, high], got {len(pair)} value(s)")
        low, high = (_decode(v, kind, (*value_path, i)) for i, v in enumerate(pair))
        return Between(subject, low, high)
    if op in ("in", "not_in"):
        items = _list(value, value_path, f"{op}'s value")
        decoded: list[Any] = [_decode(v, kind, (*value_path, i)) for i, v in enumerate(items)]
        return IsIn(subject, tuple(decoded), normalise=normalise, negated=op == "not_in")
    if op in ("contains", "contains_any", "startswith", "endswith", "matches"):
        require_kind(info_of(subject), TEXT_KINDS, op)
    if op in ("contains", "contains_any", "startswith", "endswith"):
        many = op == "contains_any" or isinstance(value, list)
        if op == "contains" and many:
            raise _bad(value_path, "contains takes one text; use contains_any for a list")
        texts = _list(value, value_path, f"{op}'s value") if many else [value]
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                where = (*value_path, i) if many else value_path
                raise _bad(where, f"expected text, got {type_name(text)}")
        text_op = "contains" if op == "contains_any" else op
        return TextMatch(subject, text_op, tuple(texts), normalise=normalise)  # type: ignore[arg-type]
    if op == "matches":
        if not isinstance(value, str):
            raise _bad(value_path, f"expected a pattern string, got {type_name(value)}")
        return Matches(subject, value, ignore_case=ignore_case)
    if op in ("is_missing", "is_present"):
        return Presence(subject, op == "is_present")
    return Window(subject, op, _period(value, value_path))


def _rule_problem(err: ValidationError, path: KeyPath, key_map: Mapping[str, str]) -> LoadError:
    key = getattr(err, "key", None)
    if key is None and err.code == "bad_filter_logic":
        key = "logic"
    key = key_map.get(key or "", key)
    return _bad((*path, key) if key else path, err.message)


class _ConditionReader:
    """Walks one condition tree; each bad node is one problem, its siblings are read on."""

    def __init__(self, on: type, reader: Reader) -> None:
        self.on = on
        self.reader = reader

    def node(
        self, data: object, path: KeyPath, depth: int = 0, *, props: bool = False
    ) -> Condition | None:
        try:
            return self._node(data, path, depth, props)
        except LoadError as bad:
            self.reader.problems.extend(bad.problems)
            return None

    def _items(
        self, value: object, path: KeyPath, depth: int, props: bool
    ) -> list[Condition] | None:
        items = _list(value, path, "a list of conditions")
        nodes = [
            self.node(item, (*path, i), depth + 1, props=props) for i, item in enumerate(items)
        ]
        if any(n is None for n in nodes):
            return None
        return nodes  # type: ignore[return-value]

    def _node(self, data: object, path: KeyPath, depth: int, props: bool) -> Condition | None:
        if depth > _MAX_DEPTH:
            raise _bad(path, f"conditions nest deeper than {_MAX_DEPTH} levels")
        if not isinstance(data, Mapping):
            raise _bad(path, f"a condition is an object, got {type_name(data)}")
        try:
            return self._build(data, path, depth, props)
        except LoadError:
            raise
        except (RuleError, ValidationError) as err:
            key_map = {"prop": "prop" if "prop" in data else "field"}
            if "field" not in data and "prop" not in data and "events" in data:
                key_map = {"within": "within", "events": "events", "where": "where"}
            raise _rule_problem(err, path, key_map) from None

    def _build(
        self, data: Mapping[str, Any], path: KeyPath, depth: int, props: bool
    ) -> Condition | None:
        for key, allowed in (
            ("all", ("all",)),
            ("any", ("any",)),
            ("not", ("not",)),
            ("criteria", ("criteria", "logic")),
        ):
            if key in data:
                _keys(data, allowed, path)
                if key == "not":
                    inner = self.node(data["not"], (*path, "not"), depth + 1, props=props)
                    return None if inner is None else Not(inner)
                items = self._items(data[key], (*path, key), depth, props)
                if items is None:
                    return None
                if key == "all":
                    return AllOf(tuple(items))
                if key == "any":
                    return AnyOf(tuple(items))
                logic = data.get("logic")
                if logic is not None and not isinstance(logic, str):
                    raise _bad((*path, "logic"), f"expected a string, got {type_name(logic)}")
                return Criteria(tuple(items), logic=logic)
        if "events" in data:
            if props:
                raise _bad((*path, "events"), "events cannot be nested inside where")
            return self._events(data, path, depth)
        for key, second in (("ratio", "per"), ("difference", "minus")):
            if key in data:
                if props:
                    raise _bad((*path, key), "events cannot be nested inside where")
                return self._combined(data, path, depth, key, second)
        if "field" in data or "prop" in data:
            if "field" in data and "prop" in data:
                raise _bad(path, "a leaf names a field or a prop, not both")
            if "field" in data:
                name = data["field"]
                if not isinstance(name, str):
                    raise _bad((*path, "field"), f"expected a string, got {type_name(name)}")
                if props:
                    raise _bad((*path, "field"), "inside where, name event properties with prop")
                return _test(FieldRef(name, on=self.on), data, path, ("field",))
            name = data["prop"]
            if not isinstance(name, str):
                raise _bad((*path, "prop"), f"expected a string, got {type_name(name)}")
            if not props:
                raise _bad((*path, "prop"), "prop is only valid inside events' where")
            return _test(PropRef(name), data, path, ("prop",))
        known = "all, any, not, criteria, events, ratio, difference, field"
        raise _bad(
            path, f"expected a condition with one of the keys {known}; got {sorted(map(str, data))}"
        )

    def _combined(
        self, data: Mapping[str, Any], path: KeyPath, depth: int, key: str, second: str
    ) -> Condition | None:
        body = data[key]
        where = (*path, key)
        if not isinstance(body, Mapping):
            raise _bad(
                where, f'expected {{"of": {{...}}, "{second}": {{...}}}}, got {type_name(body)}'
            )
        _keys(body, ("of", second), where)
        parts: list[EventCount | EventSum | None] = []
        for name in ("of", second):
            if name not in body:
                raise _bad((*where, name), "required key is missing")
            parts.append(self._number(body[name], (*where, name), depth + 1))
        first, other = parts
        if first is None or other is None:
            return None
        subject: Subject = (
            EventRatio(first, other) if key == "ratio" else EventDifference(first, other)
        )
        return _test(subject, data, path, (key,))

    def _number(self, data: object, path: KeyPath, depth: int) -> EventCount | EventSum | None:
        """An event count or sum: ``{"events": [...], "count": true}`` or ``"sum": "x"``."""
        if not isinstance(data, Mapping):
            raise _bad(path, f"an event count or sum is an object, got {type_name(data)}")
        if "events" not in data:
            raise _bad((*path, "events"), "required key is missing")
        _keys(data, ("events", "where", "within", "count", "sum"), path)
        if ("count" in data) == ("sum" in data):
            raise _bad(path, 'name one aggregate: "count": true or "sum": "<property>"')
        query = self._query(data, path, depth)
        if query is None:
            return None
        if "count" in data:
            if data["count"] is not True:
                raise _bad((*path, "count"), f"expected true, got {type_name(data['count'])}")
            return EventCount(query)
        prop = data["sum"]
        if not isinstance(prop, str):
            raise _bad((*path, "sum"), "sum names a numeric event property")
        try:
            return EventSum(query, prop)
        except RuleError as err:
            raise _bad((*path, "sum"), err.message) from None

    def _query(self, data: Mapping[str, Any], path: KeyPath, depth: int) -> EventQuery | None:
        kinds = data["events"]
        if isinstance(kinds, str):
            kinds = [kinds]
        kinds = _list(kinds, (*path, "events"), "events")
        for i, kind in enumerate(kinds):
            if not isinstance(kind, str):
                raise _bad((*path, "events", i), f"expected a string, got {type_name(kind)}")
        where = None
        if "where" in data:
            where = self.node(data["where"], (*path, "where"), depth + 1, props=True)
            if where is None:
                return None
        window = _period(data["within"], (*path, "within")) if "within" in data else None
        return EventQuery(tuple(kinds), where=where, window=window)

    def _events(self, data: Mapping[str, Any], path: KeyPath, depth: int) -> Condition | None:
        _keys(data, ("events", "where", "within", *_AGGREGATES), path)
        query = self._query(data, path, depth)
        if query is None:
            return None
        aggregates = [a for a in _AGGREGATES if a in data]
        if len(aggregates) > 1:
            raise _bad(path, f"use one of count, last, sum, not {' and '.join(aggregates)}")
        if not aggregates:
            return EventExists(query)
        name = aggregates[0]
        test_path = (*path, name)
        test = data[name]
        if not isinstance(test, Mapping):
            raise _bad(
                test_path,
                f'expected an object such as {{"op": ">=", "value": 3}}, got {type_name(test)}',
            )
        subject: Subject
        if name == "count":
            subject = EventCount(query)
        elif name == "last":
            subject = EventLast(query)
        else:
            prop = test.get("prop")
            if not isinstance(prop, str):
                raise _bad((*test_path, "prop"), "sum names a numeric event property")
            subject = EventSum(query, prop)
        try:
            return _test(subject, test, test_path, ("prop",) if name == "sum" else ())
        except LoadError:
            raise
        except (RuleError, ValidationError) as err:
            raise _rule_problem(err, test_path, {"field": "prop"}) from None


def _resolve_on(on: object, path: KeyPath) -> type:
    if isinstance(on, type):
        return on
    raise _bad(path, f"on must be an attrs class such as Lead, got {on!r}")


def read_condition(
    reader: Reader, data: object, path: PathLike = (), *, on: type = Lead
) -> Condition | None:
    """The condition ``data`` describes, or None with every problem recorded in ``reader``
    at its path below ``path``: how other loaders read the conditions in their files."""
    where = _as_path(path)
    walker = _ConditionReader(on, reader)
    before = reader.mark()
    condition = walker.node(data, where)
    if condition is not None and reader.clean_since(before):
        try:
            check_top_level(condition)
        except RuleError as err:
            reader.fail(where, err.message)
            return None
    if condition is None and reader.clean_since(before):  # pragma: no cover - defensive
        reader.fail(where, "invalid condition")
    return condition if reader.clean_since(before) else None


def from_data(data: object, *, on: type = Lead, path: PathLike = "condition") -> Condition:
    """Build a condition from plain data, or raise :class:`~leadkit.errors.LoadError`
    listing every problem with its path (``rules[3].when.all[1].field``).

    ``path`` is where ``data`` sits in the caller's document; ``on`` the record type the
    fields belong to. Never raises anything but a :class:`~leadkit.errors.LeadkitError`.
    This reads the body form of :func:`to_data`; :func:`load_condition` reads the whole
    document (header, then this).
    """
    where = _as_path(path)
    reader = Reader()
    condition = read_condition(reader, data, where, on=_resolve_on(on, where))
    reader.raise_if_any("condition")
    assert condition is not None
    return condition


def load_condition(data: object, *, on: type | None = None, path: PathLike = "") -> Condition:
    """Read a document written by :func:`dump_condition` (``{"schema": 1, "on": "Lead",
    "condition": {...}}``), from JSON or TOML data; errors name ``condition.all[1].field``."""
    where = _as_path(path)
    check_plain(data, what="condition", where=where)
    reader = Reader()
    if not isinstance(data, Mapping):
        reader.fail(where or ("document",), f"expected an object, got {type_name(data)}")
        reader.raise_if_any("condition")
    document = reader.mapping(data, where, ("schema", "on", "condition"))
    assert document is not None
    check_schema(reader, document, where, required=True)
    name = document.get("on", (on or Lead).__name__)
    model = MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        reader.fail(
            (*where, "on"), f"unknown record type {name!r}; expected one of {', '.join(MODELS)}"
        )
    elif on is not None and model is not on:
        reader.fail((*where, "on"), f"expected conditions on {on.__name__}, got {name}")
    if "condition" not in document:
        reader.fail((*where, "condition"), "required key is missing")
    reader.raise_if_any("condition")
    return from_data(document["condition"], on=model or Lead, path=(*where, "condition"))


PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "Condition": (dump_condition, load_condition),
}
"""How the one converter writes and reads conditions (see :mod:`leadkit.io`)."""
