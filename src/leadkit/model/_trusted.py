"""A bulk construction path for attrs records: the class's own checks, each distinct value
checked once.

:func:`trusted_builder` gives, for a frozen attrs record class, a function that builds an
instance from a dict of field values exactly as the class's ``__init__`` would: the same
factories (called in field order), the same converters, the same validators after every
field is set, the same ``__attrs_post_init__``. What it saves is repetition: a validator
known to depend on nothing but its value (the model's type, text, range, email and
catalogue checks) is not run again for a value it already accepted, and a pure converter
(strip to ``None``, status labels to api names) is not run again for a text it already
converted. A column of statuses, sources, countries or owners is thus checked once per
distinct value instead of once per record.

A builder is meant for one bulk read (a CSV file): its memory of accepted values lives as
long as the builder, so catalogue changes made while it is alive are not seen. It raises
whatever ``__init__`` would raise for a bad value, but not necessarily the same error
first; callers that report errors build the failing record again with the class itself.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from leadkit.model import _entities as e
from leadkit.model import _fields as f
from leadkit.model import _validators as v
from leadkit.model import _values as vals

__all__ = ["Builder", "impure_factories", "trusted_builder"]

_Factory: type[Any] = type(attrs.Factory(list))
# How attrs makes a class frozen; without it (another attrs), no builder: the class is used.
_frozen_setattrs: Any = getattr(importlib.import_module("attr._make"), "_frozen_setattrs", None)

Builder = Callable[..., Any]

# How many distinct values one field remembers: enough for picklists and repeating text,
# bounded so that a column of unique values (ids, emails) costs no memory.
_MEMO_LIMIT = 4096

_PURE_VALIDATOR_TYPES: tuple[type, ...] = (
    v._InstanceOf,
    v._NonEmptyStr,
    v._Between,
    v._AwareDatetime,
    v._PlainDate,
    v._Email,
)
# Functions whose outcome depends only on the value (and on the catalogues in force).
_PURE_VALIDATOR_FUNCTIONS: frozenset[Any] = frozenset(
    {e._check_status, e._check_stage, e._check_outcome, vals._str_or_none}
)
# Converters that strip a text and make "" None, and do nothing else to it.
_STRIP_CONVERTERS: frozenset[Any] = frozenset({f.opt_str, vals._opt_str})
# Converters that map a text to a text (or None) by the text alone.
_PURE_CONVERTERS: frozenset[Any] = frozenset(
    {
        f.opt_str,
        f.opt_email,
        vals._opt_str,
        vals._norm_country,
        vals._norm_postal,
        e._status_api_name,
        e._stage_api_name,
        e._outcome_api_name,
    }
)


# Factories that give an equal immutable value on every call (within one read: the
# default status is the catalogue's).
_PURE_FACTORIES: frozenset[Any] = frozenset({vals.Address, vals.CustomFields, e._default_status})


def _pure(validator: Any) -> bool:
    """Does ``validator`` look at nothing but the value (not the other fields)?"""
    if isinstance(validator, _PURE_VALIDATOR_TYPES):
        return True
    if isinstance(validator, v._Optional | v._Required | v._Each):
        return _pure(validator.inner)
    if isinstance(validator, v._All):
        return all(_pure(part) for part in validator.parts)
    try:
        return validator in _PURE_VALIDATOR_FUNCTIONS
    except TypeError:  # an unhashable validator object
        return False


_MAKERS: dict[type, Callable[[], Builder] | None] = {}


def trusted_builder(cls: type) -> Builder | None:
    """A new builder for ``cls`` (see the module docstring), or ``None`` when ``cls`` uses
    attrs features the builder does not reproduce (then use the class itself).

    Each call gives a builder with an empty memory (the code is generated once per class):
    take one per bulk read, so that a change of catalogues between reads is seen."""
    if cls not in _MAKERS:
        _MAKERS[cls] = _make(cls)
    maker = _MAKERS[cls]
    return None if maker is None else maker()


def impure_factories(cls: type) -> list[tuple[str, Callable[[], Any]]]:
    """The default factories of ``cls`` a builder calls on every record (ids), by field
    name, in field order; the others (an empty address, the default status) are called
    once per builder."""
    return [
        (field.name, field.default.factory)
        for field in attrs.fields(cls)
        if isinstance(field.default, _Factory)
        and not field.default.takes_self
        and field.default.factory not in _PURE_FACTORIES
    ]


def _make(cls: type) -> Callable[[], Builder] | None:
    if not attrs.has(cls) or hasattr(cls, "__attrs_pre_init__"):
        return None
    if _frozen_setattrs is None or getattr(cls, "__setattr__", None) is not _frozen_setattrs:
        return None  # only frozen classes: no on_setattr hooks to reproduce
    fields = attrs.fields(cls)
    plan: list[tuple[str, Any, Any, Any, bool]] = []
    checks: list[tuple[str, attrs.Attribute[Any], Any, bool]] = []
    for field in fields:
        if not field.init or field.alias != field.name:
            return None
        converter = field.converter
        if converter is not None and not (callable(converter) and _plain(converter)):
            return None
        default = field.default
        factory = None
        takes_self = False
        if isinstance(default, _Factory):
            takes_self = default.takes_self
            factory, default = default.factory, attrs.NOTHING
        pure_converter = converter in _PURE_CONVERTERS
        plan.append((field.name, converter, default, (factory, takes_self), pure_converter))
        if field.validator is not None:
            checks.append((field.name, field, field.validator, _pure(field.validator)))
    if any(_RESERVED.fullmatch(name) for name, *_ in plan):
        return None  # a field named like a name of the generated code
    post_init = getattr(cls, "__attrs_post_init__", None)
    return _compile(cls, plan, checks, post_init)


_RESERVED = re.compile(
    r"(?:NOTHING|new|setattr_|cls|LIMIT|disabled|post_init|datetime|MISSING|EMAIL|SURROGATE"
    r"|self|m|k|v|hit|probe|passes"
    r"|(?:conv|default|factory|memo|attr|val|seen|ok|c|d|f)[0-9].*)"
)


def _compile(
    cls: type,
    plan: list[tuple[str, Any, Any, Any, bool]],
    checks: list[tuple[str, attrs.Attribute[Any], Any, bool]],
    post_init: Any,
) -> Callable[[], Builder]:
    """The builder's source, generated like attrs generates ``__init__``: one straight
    run of assignments, then the checks, with no loop over fields."""
    nothing = attrs.NOTHING
    env: dict[str, Any] = {
        "NOTHING": nothing,
        "new": object.__new__,
        "setattr_": object.__setattr__,
        "cls": cls,
        "LIMIT": _MEMO_LIMIT,
        "disabled": attrs.validators.get_disabled,
        "post_init": post_init,
        "datetime": datetime,
        "MISSING": v.MISSING,
        "EMAIL": v._EMAIL,
        "SURROGATE": re.compile("[\ud800-\udfff]"),
    }
    local = {name: f"f{i}" for i, (name, *_) in enumerate(plan)}
    params = ", ".join(f"{name}=NOTHING" for name, *_ in plan)
    given = ", ".join(f"({name!r}, {name})" for name, *_ in plan)
    by_name = {name: (j, attribute, validator, pure) for j, (name, attribute, validator, pure)
               in enumerate(checks)}  # fmt: skip
    env["passes"] = _passes
    # make() runs once per builder: fresh memories, the pure factories called once.
    head = ["def make():", "    probe = new(cls)"]
    lines = [
        f"def build(*, {params}):",
        "    if disabled():  # validators off: the class itself, which then checks nothing",
        f"        return cls(**{{k: v for k, v in ({given},) if v is not NOTHING}})",
    ]
    lines += [f"    {local[name]} = {name}" for name, *_ in plan]
    lines.append("    self = new(cls)")

    def check(name: str, indent: str) -> list[str]:
        """A pure field's check, right where its value is known (the value alone decides)."""
        if name not in by_name or not by_name[name][3]:
            return []
        j, attribute, validator, _ = by_name[name]
        return _check_lines(j, attribute, validator, local[name], indent, env, head)

    for i, (name, converter, default, (factory, takes_self), pure_converter) in enumerate(plan):
        var = local[name]
        env[f"conv{i}"], env[f"default{i}"], env[f"factory{i}"] = converter, default, factory
        convert = _convert_lines(i, var, converter, pure_converter, head)
        constant = None
        if factory is not None and factory in _PURE_FACTORIES:
            constant = [f"    d{i} = factory{i}()"]
            if converter is not None:
                # The converted default, as attrs would convert it: the same each time.
                constant.append(f"    d{i} = conv{i}(d{i})")
        elif factory is None and default is not nothing:
            if converter is None:
                constant = [f"    d{i} = default{i}"]
            elif pure_converter:
                constant = [f"    d{i} = conv{i}(default{i})"]
        if constant is not None:
            # The default is the same every time: checked once, in make().
            head += constant
            lines.append(f"    if {var} is NOTHING:")
            lines.append(f"        {var} = d{i}")
            if name in by_name and by_name[name][3]:
                j = by_name[name][0]
                head.append(f"    ok{i} = passes(val{j}, probe, attr{j}, d{i})")
                lines.append(f"        if not ok{i}: val{j}(self, attr{j}, {var})")
            lines.append("    else:")
            lines += ["        " + line for line in convert + check(name, "")]
            if not convert and not check(name, ""):
                lines.append("        pass")
        else:
            if factory is not None:
                # attrs gives a takes_self factory the instance with the fields before it set.
                call = f"factory{i}({'self' if takes_self else ''})"
                lines.append(f"    if {var} is NOTHING: {var} = {call}")
            elif default is nothing:
                lines.append(f"    if {var} is NOTHING: raise TypeError('missing {name}')")
            else:
                lines.append(f"    if {var} is NOTHING: {var} = default{i}")
            lines += ["    " + line for line in convert + check(name, "")]
        lines.append(f"    setattr_(self, {name!r}, {var})")
    # Checks that look at other fields too: after every field is set, as attrs runs them.
    for j, (name, attribute, validator, pure) in enumerate(checks):
        env[f"attr{j}"], env[f"val{j}"] = attribute, validator
        if not pure:
            lines.append(f"    val{j}(self, attr{j}, {local[name]})")
    if post_init is not None:
        lines.append("    post_init(self)")
    lines.append("    return self")
    source = "\n".join(head + ["    " + line for line in lines] + ["    return build"]) + "\n"
    exec(compile(source, f"<leadkit trusted builder {cls.__qualname__}>", "exec"), env)
    maker: Callable[[], Builder] = env["make"]
    return maker


def _passes(validator: Any, probe: object, attribute: attrs.Attribute[Any], value: Any) -> bool:
    """Does a pure validator accept ``value``? (``probe`` only names the class.)"""
    try:
        validator(probe, attribute, value)
    except Exception:
        return False
    return True


def _convert_lines(
    i: int, var: str, converter: Any, pure_converter: bool, head: list[str]
) -> list[str]:
    """The converter of field ``i`` applied to a given value."""
    if converter in _STRIP_CONVERTERS:
        # opt_str, inline: strip a text, "" is None.
        return [
            f"if {var}.__class__ is str: {var} = {var}.strip() or None",
            f"elif {var} is not None: {var} = conv{i}({var})",
        ]
    if converter is f.opt_email:
        # opt_email, inline for ASCII: strip, "" is None; other text gets NFKC too.
        return [
            f"if {var}.__class__ is str:",
            f"    {var} = {var}.strip() or None",
            f"    if {var} is not None and not {var}.isascii(): {var} = conv{i}({var})",
            f"else: {var} = conv{i}({var})",
        ]
    if converter is not None and pure_converter:
        head.append(f"    memo{i} = {{}}")
        return [
            f"if {var}.__class__ is str:",
            f"    m = memo{i}.get({var}, NOTHING)",
            "    if m is NOTHING:",
            f"        m = conv{i}({var})",
            f"        if len(memo{i}) < LIMIT: memo{i}[{var}] = m",
            f"    {var} = m",
            f"else: {var} = conv{i}({var})",
        ]
    if converter is not None:
        return [f"{var} = conv{i}({var})"]
    return []


def _check_lines(
    j: int,
    attribute: attrs.Attribute[Any],
    validator: Any,
    var: str,
    indent: str,
    env: dict[str, Any],
    head: list[str],
) -> list[str]:
    """A pure validator: what surely passes is accepted inline, values already accepted
    are remembered, anything else gets the validator itself."""
    env[f"attr{j}"], env[f"val{j}"] = attribute, validator
    lines = []
    inner = validator
    if isinstance(inner, v._Optional):
        lines.append(f"{indent}if {var} is not None:")
        indent += "    "
        inner = inner.inner
    fast = _accepts(inner, var, env, f"c{j}")
    if fast is not None:
        return [*lines, f"{indent}if not ({fast}): val{j}(self, attr{j}, {var})"]
    if f"    seen{j} = set()" not in head:
        head.append(f"    seen{j} = set()")
    return [
        *lines,
        f"{indent}try:",
        f"{indent}    k = ({var}.__class__, {var})",
        f"{indent}    hit = k in seen{j}",
        f"{indent}except TypeError:",
        f"{indent}    k, hit = None, False",
        f"{indent}if not hit:",
        f"{indent}    val{j}(self, attr{j}, {var})",
        f"{indent}    if k is not None and len(seen{j}) < LIMIT: seen{j}.add(k)",
    ]


# Storable text (v.text_problem is None): ASCII, or without a lone surrogate, the only
# code points UTF-8 cannot encode.
_TEXT_OK = "({0}.isascii() or SURROGATE.search({0}) is None)"


def _accepts(validator: Any, var: str, env: dict[str, Any], name: str) -> str | None:
    """A Python expression true only for values ``validator`` accepts (it may be false for
    some it accepts too: those get the validator itself), or ``None`` for a validator
    without one."""
    if isinstance(validator, v._Required):
        inner = _accepts(validator.inner, var, env, name)
        return None if inner is None else f"{var} is not MISSING and {inner}"
    if isinstance(validator, v._All):
        parts = [_accepts(p, var, env, f"{name}_{k}") for k, p in enumerate(validator.parts)]
        return None if any(p is None for p in parts) else " and ".join(f"({p})" for p in parts)
    if isinstance(validator, v._NonEmptyStr):
        limit = "" if validator.max_length is None else f" and len({var}) <= {validator.max_length}"
        return f"{var}.__class__ is str and {_TEXT_OK.format(var)} and {var}.strip() != ''{limit}"
    if isinstance(validator, v._InstanceOf):
        types = validator.types if isinstance(validator.types, tuple) else (validator.types,)
        if len(types) != 1 or types[0] in (int, float):  # bool is refused as an int
            if types == (int,) or types == (float,):
                return f"{var}.__class__ is {types[0].__name__}"
            return None
        if types[0] is not str and issubclass(types[0], str):
            return None  # a str enum: its members get the text check too
        env[name] = types[0]
        if types[0] is str:
            return f"{var}.__class__ is str and {_TEXT_OK.format(var)}"
        return f"{var}.__class__ is {name}"
    if isinstance(validator, v._AwareDatetime):
        return (
            f"{var}.__class__ is datetime and {var}.tzinfo is not None"
            f" and {var}.utcoffset() is not None"
        )
    if isinstance(validator, v._Email):
        return (
            f"{var}.__class__ is str and {_TEXT_OK.format(var)} and EMAIL.match({var}) is not None"
        )
    if isinstance(validator, v._Between):
        bounds = []
        if validator.low is not None:
            env[f"{name}_low"] = validator.low
            bounds.append(f"{name}_low <= {var}")
        if validator.high is not None:
            env[f"{name}_high"] = validator.high
            bounds.append(f"{var} <= {name}_high")
        # Only after a type check (in an all_of) does a comparison surely not raise.
        return " and ".join(bounds) or "True"
    return None


def _plain(converter: Any) -> bool:
    converter_type = getattr(attrs, "Converter", None)
    return converter_type is None or not isinstance(converter, converter_type)
