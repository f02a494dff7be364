"""One record's keys, computed once and shared by the criteria and blocks of a rule.

The standard person rule reads the e-mail, the name and the phone numbers of a record
many times over: for its criteria (e-mail, family and given names, phone, mobile,
contacts consistent) and for ten blocking keys. A :data:`Memo` is a plain dict that lives
while one record is being prepared: the first criterion or block that needs the record's
mailbox key, phone parts or strict name reading computes it, the others look it up.
Values that repeat across records are memoised further down (bounded ``lru_cache`` on
the text), so preparing a record costs about one read of each field.

Entries are keyed by tuples naming what they hold (``("phone", "mobile", "JP")``), so
they cannot collide with a block's part names (strings) or key functions.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from leadkit.dedupe._fields import MatchContext, read_field
from leadkit.dedupe._keys import company_match_key, mailbox_key, phone_country, phone_parts

__all__ = [
    "Memo",
    "memo_company",
    "memo_country",
    "memo_field",
    "memo_mailbox",
    "memo_phone",
]

Memo: TypeAlias = dict[object, Any]
"""Keys of one record, by what they are (see the module docstring)."""

_MISSING = object()


def memo_field(record: Any, path: str, context: MatchContext, memo: Memo) -> object:
    """:func:`~leadkit.dedupe.read_field`, once per record and path."""
    entry = ("field", path)
    value = memo.get(entry, _MISSING)
    if value is _MISSING:
        value = memo[entry] = read_field(record, path, context)
    return value


def memo_mailbox(
    record: Any, path: str, context: MatchContext, memo: Memo, fold_plus: bool, roles: bool
) -> str | None:
    """The mailbox key of the e-mail at *path* (see ``mailbox_key``)."""
    entry = ("mailbox", path, fold_plus, roles)
    key = memo.get(entry, _MISSING)
    if key is _MISSING:
        value = memo_field(record, path, context, memo)
        key = memo[entry] = mailbox_key(value, fold_plus, roles) if isinstance(value, str) else None
    result: str | None = key
    return result


def memo_country(record: Any, context: MatchContext, memo: Memo) -> str:
    """The country of the record's national phone numbers: its address, else JP."""
    entry = ("country",)
    country = memo.get(entry)
    if country is None:
        address = memo_field(record, "address", context, memo)
        code = getattr(address, "country", None)
        country = memo[entry] = (phone_country(code) if code else None) or "JP"
    result: str = country
    return result


def memo_phone(
    record: Any, path: str, context: MatchContext, memo: Memo, country: str | None = None
) -> tuple[str, str] | None:
    """(calling code, national number) of the phone at *path*; national numbers belong
    to *country*, else to the record's country."""
    entry = ("phone", path, country)
    parts = memo.get(entry, _MISSING)
    if parts is _MISSING:
        value = memo_field(record, path, context, memo)
        if isinstance(value, str):
            parts = phone_parts(value, country or memo_country(record, context, memo))
        else:
            parts = None
        memo[entry] = parts
    result: tuple[str, str] | None = parts
    return result


def memo_company(
    record: Any, path: str, context: MatchContext, memo: Memo, keep_branch: bool
) -> str | None:
    """The company match key of the name at *path*."""
    entry = ("company", path, keep_branch)
    key = memo.get(entry, _MISSING)
    if key is _MISSING:
        value = memo_field(record, path, context, memo)
        key = memo[entry] = (
            company_match_key(value, keep_branch) if isinstance(value, str) else None
        )
    result: str | None = key
    return result
