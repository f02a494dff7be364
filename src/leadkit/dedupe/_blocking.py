"""Blocking keys: which pairs of records are worth comparing at all.

Comparing every record with every other is quadratic. A :class:`Block` gives each record a
key; only records sharing a key are compared. A rule may have several blocks: a pair is a
candidate when it shares the key of *any* of them (their union).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from leadkit.dedupe._fields import MatchContext, field_getter
from leadkit.dedupe._keys import (
    email_key_or_none,
    initial_key,
    kana_key,
    name_key,
    person_name,
    text_key,
)
from leadkit.dedupe._memo import Memo, memo_company, memo_field, memo_mailbox, memo_phone
from leadkit.dedupe._names import Reading, memo_readings, part_sound, readings_node
from leadkit.dedupe._nodes import company_node, mailbox_node, phone_text_node
from leadkit.dedupe._prepare import SEPARATOR, Derived
from leadkit.errors import ValidationError

__all__ = ["BLOCK_PARTS", "Block", "KeyPart"]

KeyPart = Callable[[Any], object]
"""A key function of one record; its result is turned into text (None or "" is blank)."""

_PartFunction = Callable[[Any, MatchContext, Memo], "str | None"]


def _email(record: Any, context: MatchContext, memo: Memo) -> str | None:
    value = memo_field(record, "email", context, memo)
    return email_key_or_none(value) if isinstance(value, str) else None


def _domain(record: Any, context: MatchContext, memo: Memo) -> str | None:
    value = memo_field(record, "domain", context, memo)
    return value if isinstance(value, str) else None


def _mailbox(record: Any, context: MatchContext, memo: Memo) -> str | None:
    return memo_mailbox(record, "email", context, memo, True, False)


def _phone_field(path: str) -> _PartFunction:
    def part(record: Any, context: MatchContext, memo: Memo) -> str | None:
        parts = memo_phone(record, path, context, memo)
        return None if parts is None else f"+{parts[0]}{parts[1]}"

    return part


_phone = _phone_field("phone")


def _name(record: Any, context: MatchContext, memo: Memo) -> Any:
    return person_name(memo_field(record, "name", context, memo), "name")


def _family(record: Any, context: MatchContext, memo: Memo) -> str | None:
    name = _name(record, context, memo)
    return None if name is None else name_key(name.family)


def _family_kana(record: Any, context: MatchContext, memo: Memo) -> str | None:
    name = _name(record, context, memo)
    return None if name is None else kana_key(name.family_kana)


def _given(record: Any, context: MatchContext, memo: Memo) -> str | None:
    name = _name(record, context, memo)
    return None if name is None else _given_of(name)


def _initial(record: Any, context: MatchContext, memo: Memo) -> str | None:
    name = _name(record, context, memo)
    return None if name is None else _initial_of(name)


def _company(record: Any, context: MatchContext, memo: Memo) -> str | None:
    return memo_company(record, "company", context, memo, False)


def _surname(record: Any, context: MatchContext, memo: Memo) -> str | None:
    return _surname_of(memo_readings(record, "name", context, memo))


def _family_sound(record: Any, context: MatchContext, memo: Memo) -> str | None:
    return _family_sound_of(memo_readings(record, "name", context, memo))


def _name_sound(record: Any, context: MatchContext, memo: Memo) -> str | None:
    return _name_sound_of(memo_readings(record, "name", context, memo))


_BUILTIN: dict[str, _PartFunction] = {
    "company": _company,
    "domain": _domain,
    "email": _email,
    "family": _family,
    "family_kana": _family_kana,
    "family_sound": _family_sound,
    "given": _given,
    "initial": _initial,
    "mailbox": _mailbox,
    "mobile": _phone_field("mobile"),
    "name_sound": _name_sound,
    "phone": _phone,
    "surname": _surname,
}


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _email_step(value: object) -> str | None:
    return email_key_or_none(value) if isinstance(value, str) else None


def _name_step(function: Callable[[Any], str | None]) -> Callable[[object], str | None]:
    def step(value: object) -> str | None:
        name = person_name(value, "name")
        return None if name is None else function(name)

    return step


def _given_of(name: Any) -> str | None:
    return name_key(name.given) if name.given else None


def _initial_of(name: Any) -> str | None:
    given = _given_of(name)
    return initial_key(given) if given else None


def _surname_of(readings: Reading | None) -> str | None:
    return None if readings is None else str(readings[0][0].written)


def _family_sound_of(readings: Reading | None) -> str | None:
    return None if readings is None else part_sound(readings[0][0])


def _name_sound_of(readings: Reading | None) -> str | None:
    if readings is None:
        return None
    family, given = readings[0]
    if given is None or given.initial:
        return None
    family_sound, given_sound = part_sound(family), part_sound(given)
    if family_sound is None or given_sound is None:
        return None
    return min(family_sound, given_sound)


_READINGS = readings_node("name")

# The built-in parts as recipes (see ``_prepare``): the same keys, computed once per record
# with the criteria's, and once per distinct name for the name's.
_RECIPES: dict[_PartFunction, Derived] = {
    _company: company_node("company", False),
    _domain: Derived(_text_or_none, ("domain",)),
    _email: Derived(_email_step, ("email",)),
    _family: Derived(_name_step(lambda name: name_key(name.family)), ("name",)),
    _family_kana: Derived(_name_step(lambda name: kana_key(name.family_kana)), ("name",)),
    _given: Derived(_name_step(_given_of), ("name",)),
    _initial: Derived(_name_step(_initial_of), ("name",)),
    _mailbox: mailbox_node("email", True, False),
    _BUILTIN["mobile"]: phone_text_node("mobile"),
    _phone: phone_text_node("phone"),
    _surname: Derived(_surname_of, (_READINGS,)),
    _family_sound: Derived(_family_sound_of, (_READINGS,)),
    _name_sound: Derived(_name_sound_of, (_READINGS,)),
}


def part_recipe(function: _PartFunction) -> Derived | None:
    """A block part function as a recipe, None when it has none (field paths, functions,
    prefixes)."""
    return _RECIPES.get(function)


BLOCK_PARTS = tuple(sorted(_BUILTIN))
"""Names of the built-in key parts; any other name is read as a field path."""

_PREFIX = re.compile(r"^(?P<name>[^:]+):(?P<length>\d+)$")


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    key = text_key(value if isinstance(value, str) else str(value))
    return key if isinstance(key, str) else None


def _field_part(path: str) -> _PartFunction:
    def part(record: Any, context: MatchContext, memo: Memo) -> str | None:
        return _as_text(field_getter(type(record), path)(record, context))

    return part


def _callable_part(function: KeyPart) -> _PartFunction:
    def part(record: Any, context: MatchContext, memo: Memo) -> str | None:
        return _as_text(function(record))

    return part


def _prefixed(inner: _PartFunction, length: int) -> _PartFunction:
    def part(record: Any, context: MatchContext, memo: Memo) -> str | None:
        key = inner(record, context, memo)
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


_SEPARATOR = SEPARATOR
_MISSING = object()


@attrs.frozen(init=False)
class Block:
    """A blocking key made of one or more parts; records with equal keys are compared.

    A part is a built-in name (``email``, ``domain``, ``phone``, ``family``,
    ``family_kana``, ``given``, ``initial``, ``company``; and for Japanese data
    ``mailbox``: the e-mail with a plus tag dropped, role addresses blank; ``mobile``;
    ``surname``: the family name as strict name matching reads it, split off a full name,
    variant kanji folded; ``family_sound``: its reading in romaji; ``name_sound``: the
    first in alphabetical order of the family and given names' romaji, the same for
    either order), any field path
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
        self, record: Any, context: MatchContext, memo: dict[object, Any] | None = None
    ) -> str | None:
        """The record's key for this block, or None when a part is blank.

        *memo* holds the record's keys across the criteria and blocks of one rule, so a
        part used by several blocks (``family``), or a key a criterion computed too (the
        mailbox, the phone number, the name's reading), is computed once per record.
        """
        if memo is None:
            memo = {}
        values: list[str] = []
        for part, function in zip(self.parts, self._functions, strict=True):
            value = memo.get(part, _MISSING)
            if value is _MISSING:
                value = memo[part] = function(record, context, memo)
            if value is None:
                return None
            values.append(value)
        return values[0] if len(values) == 1 else _SEPARATOR.join(values)

    @staticmethod
    def show(key: str) -> str:
        """A key as people read it (parts joined by ``" | "``)."""
        return key.replace(_SEPARATOR, " | ")


BlockKeys = Callable[[Any, MatchContext, Memo], list["str | None"]]


def compile_blocks(blocks: tuple[Block, ...]) -> BlockKeys:
    """One function giving a record's keys for all *blocks*, each distinct part computed
    once (the standard person rule has ten blocks over seven parts)."""
    functions, assemble = block_plan(blocks)

    def keys(record: Any, context: MatchContext, memo: Memo) -> list[str | None]:
        return assemble([function(record, context, memo) for function in functions], 0)

    return keys


Assemble = Callable[[Sequence["str | None"], int], list["str | None"]]


def block_layout(
    blocks: tuple[Block, ...],
) -> tuple[list[_PartFunction], list[tuple[int, ...]]]:
    """The distinct part functions of *blocks*, and each block as the numbers of its
    parts among them."""
    functions: list[_PartFunction] = []
    numbers: dict[object, int] = {}
    plans: list[tuple[int, ...]] = []
    for block in blocks:
        plan = []
        for part, function in zip(block.parts, block._functions, strict=True):
            number = numbers.get(part)
            if number is None:
                number = numbers[part] = len(functions)
                functions.append(function)
            plan.append(number)
        plans.append(tuple(plan))
    return functions, plans


def block_plan(blocks: tuple[Block, ...]) -> tuple[list[_PartFunction], Assemble]:
    """The distinct part functions of *blocks*, and the function joining their values
    (found from an offset in a longer sequence) into the blocks' keys."""
    functions, plans = block_layout(blocks)
    # Each block as (first part, second part or -1): every built-in rule's blocks have one
    # or two parts; longer ones take the general path.
    short = (
        tuple((p[0], p[1] if len(p) == 2 else -1) for p in plans)
        if all(len(p) <= 2 for p in plans)
        else None
    )
    join = _SEPARATOR.join

    def assemble(values: Sequence[str | None], offset: int) -> list[str | None]:
        if short is not None:
            return [
                values[offset + i]
                if j < 0
                else None
                if (a := values[offset + i]) is None or (b := values[offset + j]) is None
                else a + _SEPARATOR + b
                for i, j in short
            ]
        result: list[str | None] = []
        for plan in plans:
            parts = [values[offset + number] for number in plan]
            result.append(None if None in parts else join(parts))  # type: ignore[arg-type]
        return result

    return functions, assemble
