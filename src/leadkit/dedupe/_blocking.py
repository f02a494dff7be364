"""Blocking keys: which pairs of records are worth comparing at all.

Comparing every record with every other is quadratic. A :class:`Block` gives each record a
key; only records sharing a key are compared. A rule may have several blocks: a pair is a
candidate when it shares the key of *any* of them (their union).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from leadkit.dedupe._comparators import record_phone_country
from leadkit.dedupe._fields import MatchContext, field_getter, read_field
from leadkit.dedupe._keys import (
    cached_company_key,
    email_key_or_none,
    initial_key,
    kana_key,
    name_key,
    person_name,
    phone_parts,
    text_key,
)
from leadkit.errors import ValidationError

__all__ = ["BLOCK_PARTS", "Block", "KeyPart"]

KeyPart = Callable[[Any], object]
"""A key function of one record; its result is turned into text (None or "" is blank)."""

_PartFunction = Callable[[Any, MatchContext], "str | None"]


def _email(record: Any, context: MatchContext) -> str | None:
    value = read_field(record, "email", context)
    return email_key_or_none(value) if isinstance(value, str) else None


def _domain(record: Any, context: MatchContext) -> str | None:
    value = read_field(record, "domain", context)
    return value if isinstance(value, str) else None


def _phone(record: Any, context: MatchContext) -> str | None:
    value = read_field(record, "phone", context)
    if not isinstance(value, str):
        return None
    parts = phone_parts(value, record_phone_country(record, context))
    return None if parts is None else f"+{parts[0]}{parts[1]}"


def _name(record: Any, context: MatchContext) -> Any:
    return person_name(read_field(record, "name", context), "name")


def _family(record: Any, context: MatchContext) -> str | None:
    name = _name(record, context)
    return None if name is None else name_key(name.family)


def _family_kana(record: Any, context: MatchContext) -> str | None:
    name = _name(record, context)
    return None if name is None else kana_key(name.family_kana)


def _given(record: Any, context: MatchContext) -> str | None:
    name = _name(record, context)
    return None if name is None or not name.given else name_key(name.given)


def _initial(record: Any, context: MatchContext) -> str | None:
    given = _given(record, context)
    return initial_key(given) if given else None


def _company(record: Any, context: MatchContext) -> str | None:
    value = read_field(record, "company", context)
    return cached_company_key(value) if isinstance(value, str) else None


_BUILTIN: dict[str, _PartFunction] = {
    "company": _company,
    "domain": _domain,
    "email": _email,
    "family": _family,
    "family_kana": _family_kana,
    "given": _given,
    "initial": _initial,
    "phone": _phone,
}

BLOCK_PARTS = tuple(sorted(_BUILTIN))
"""Names of the built-in key parts; any other name is read as a field path."""

_PREFIX = re.compile(r"^(?P<name>[^:]+):(?P<length>\d+)$")


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    key = text_key(value if isinstance(value, str) else str(value))
    return key if isinstance(key, str) else None


def _field_part(path: str) -> _PartFunction:
    def part(record: Any, context: MatchContext) -> str | None:
        return _as_text(field_getter(type(record), path)(record, context))

    return part


def _callable_part(function: KeyPart) -> _PartFunction:
    def part(record: Any, context: MatchContext) -> str | None:
        return _as_text(function(record))

    return part


def _prefixed(inner: _PartFunction, length: int) -> _PartFunction:
    def part(record: Any, context: MatchContext) -> str | None:
        key = inner(record, context)
        return key[:length] if key else None

    return part


def _compile_part(part: str | KeyPart, index: int) -> tuple[str, _PartFunction]:
    if callable(part):
        return getattr(part, "__name__", "key"), _callable_part(part)
    if not isinstance(part, str) or not part.strip():
        raise ValidationError(
            f"a block part is a name ({', '.join(BLOCK_PARTS)}), a field path or a function;"
            f" got {part!r}",
            path=f"Block.parts[{index}]",
        )
    prefix = _PREFIX.match(part)
    name = prefix.group("name") if prefix else part
    function = _BUILTIN.get(name) or _field_part(name)
    if prefix:
        length = int(prefix.group("length"))
        if length < 1:
            raise ValidationError("a prefix length is 1 or more", path=f"Block.parts[{index}]")
        function = _prefixed(function, length)
    return part, function


_SEPARATOR = "\x1f"


@attrs.frozen(init=False)
class Block:
    """A blocking key made of one or more parts; records with equal keys are compared.

    A part is a built-in name (``email``, ``domain``, ``phone``, ``family``,
    ``family_kana``, ``given``, ``initial``, ``company``), any field path
    (``"address.postal_code"``, ``"custom.member_no"``), or a function of the record;
    ``"name:n"`` keeps the first *n* characters (``"company:4"``). A record with a blank
    part has no key for the block and is compared only through other blocks.

    >>> from leadkit.dedupe import Block
    >>> Block("initial", "family").name, Block("company:4").name
    ('initial+family', 'company:4')
    """

    parts: tuple[str | KeyPart, ...]
    name: str
    _functions: tuple[_PartFunction, ...] = attrs.field(eq=False, repr=False)

    def __init__(self, *parts: str | KeyPart, name: str | None = None) -> None:
        if not parts:
            raise ValidationError("a block needs at least one part", path="Block.parts")
        compiled = [_compile_part(part, index) for index, part in enumerate(parts)]
        label = name if name is not None else "+".join(label for label, _ in compiled)
        if not isinstance(label, str) or not label:
            raise ValidationError(
                f"a block name is a non-empty string, got {name!r}", path="Block.name"
            )
        self.__attrs_init__(tuple(parts), label, tuple(function for _, function in compiled))

    def key(
        self, record: Any, context: MatchContext, memo: dict[object, str | None] | None = None
    ) -> str | None:
        """The record's key for this block, or None when a part is blank.

        *memo* holds the record's part values across the blocks of one rule, so a part
        used by several blocks (``family``) is computed once per record.
        """
        if memo is None:
            memo = {}
        values: list[str] = []
        for part, function in zip(self.parts, self._functions, strict=True):
            if part in memo:
                value = memo[part]
            else:
                value = memo[part] = function(record, context)
            if value is None:
                return None
            values.append(value)
        return values[0] if len(values) == 1 else _SEPARATOR.join(values)

    @staticmethod
    def show(key: str) -> str:
        """A key as people read it (parts joined by ``" | "``)."""
        return key.replace(_SEPARATOR, " | ")
