"""The one parser of dates and numbers as people and exports write them.

Every reader of text cells goes through it: CSV and JSON lead files, CRM exports and
the intake form. Nothing is guessed: a date written day and month before the year
(``4/1/2026``) needs an explicit order (``day_first``), a date-time without a time zone
needs a default one (``timezone``), and a number must read as exactly one number.

Numbers may be full-width (``１，２００``), have thousands separators (``1,200``), a
count unit (``1,200名``, ``300人``, ``50社``), a currency (``¥3,000,000``, ``3,000,000円``,
``USD 1,500``, ``€2.5``) and Japanese myriads (``3億円``, ``1.5万``, ``3億5000万円``).
A decimal comma (``1.200,50``) and suffixes such as ``3M`` are refused: they are
ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil import parser as _dateutil
from dateutil.tz import UTC as _UTC
from dateutil.tz import tzoffset

from leadkit.errors import ValidationError

__all__ = [
    "ValueFormat",
    "parse_amount",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_integer",
]


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut to 40 characters: a cell of 4,300 digits (or a
    pasted essay) must not become a 5,000-character error."""
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _to_timezone(value: object) -> tzinfo | None:
    if value is None or isinstance(value, tzinfo):
        return value
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                f"unknown time zone {value!r}; write an IANA name such as Asia/Tokyo or UTC",
                path="timezone",
            ) from None
    raise ValidationError(
        f"expected a time zone name or a tzinfo, got {type(value).__name__}", path="timezone"
    )


def _to_currency(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ValidationError(
            f"expected a three-letter currency code such as JPY, got {value!r}", path="currency"
        )
    return value.strip().upper()


def _check_day_first(
    instance: object, attribute: attrs.Attribute[bool | None], value: bool | None
) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError(
            f"day_first must be True, False or None, got {value!r}", path="day_first"
        )


@attrs.frozen(kw_only=True)
class ValueFormat:
    """How a file writes its dates and amounts.

    ``day_first`` says how to read ``4/1/2026``: ``False`` for month first (1 April, as
    US exports write it), ``True`` for day first (4 January); ``None`` (the default)
    refuses such dates. Year-first dates (``2026/04/01``, ``2026-04-01``,
    ``2026年4月1日``) and month names (``Apr 1, 2026``) never need it.

    ``timezone`` (an IANA name such as ``"Asia/Tokyo"``, or a tzinfo) is given to
    date-times written without one; ``None`` refuses them. ``currency`` (ISO 4217) is the
    currency of amounts that name none and of ``$`` amounts.

    >>> ValueFormat(day_first=False, timezone="Asia/Tokyo", currency="jpy").currency
    'JPY'
    """

    day_first: bool | None = attrs.field(default=None, validator=_check_day_first)
    timezone: tzinfo | None = attrs.field(default=None, converter=_to_timezone)
    currency: str | None = attrs.field(default=None, converter=_to_currency)


STRICT = ValueFormat()


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+"
_PLAIN_NUMBER = re.compile(rf"[+-]?(?:{_GROUPED}|[0-9]+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")
_COUNT_UNITS = ("名", "人", "社", "件", "people", "employees")
_MYRIADS = (("兆", Decimal(10) ** 12), ("億", Decimal(10) ** 8), ("万", Decimal(10) ** 4))
_MYRIAD = re.compile(
    r"(?:(?P<兆>[0-9][0-9,]*(?:\.[0-9]+)?)兆)?"
    r"(?:(?P<億>[0-9][0-9,]*(?:\.[0-9]+)?)億)?"
    r"(?:(?P<万>[0-9][0-9,]*(?:\.[0-9]+)?)万)?"
    r"(?P<rest>[0-9][0-9,]*(?:\.[0-9]+)?)?"
)
# Symbols that name one currency; "$" names the default currency, else USD.
_SYMBOLS = {"¥": "JPY", "円": "JPY", "€": "EUR", "£": "GBP", "₩": "KRW", "元": "CNY"}
_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD"})
_CODE = re.compile(r"^([A-Z]{3})\s*(.+)$|^(.+?)\s*([A-Z]{3})$")


def _fold(text: str) -> str:
    # Full-width digits, commas and yen signs (１，２００, ￥) become ASCII; spaces go.
    folded = text if text.isascii() else unicodedata.normalize("NFKC", text)
    return folded.strip()


def _number(text: str, original: str) -> Decimal:
    """A plain number, possibly grouped by thousands and with Japanese myriads."""
    compact = text.replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(compact):
        return _decimal(compact.replace(",", ""), original)
    sign = Decimal(1)
    if compact[:1] in "+-":
        sign = Decimal(-1) if compact[0] == "-" else sign
        compact = compact[1:]
    m = _MYRIAD.fullmatch(compact)
    if m and any(m.group(unit) for unit, _ in _MYRIADS):
        total = Decimal(0)
        for unit, scale in _MYRIADS:
            if m.group(unit):
                total += _grouped(m.group(unit), original) * scale
        if m.group("rest"):
            total += _grouped(m.group("rest"), original)
        return sign * total
    raise ValidationError(f"expected a number such as 1,200 or 3億, got {original!r}")


def _grouped(part: str, original: str) -> Decimal:
    if "," in part and not re.fullmatch(rf"{_GROUPED}(?:\.[0-9]+)?", part):
        raise ValidationError(f"misplaced thousands separator in {original!r}")
    return _decimal(part.replace(",", ""), original)


def _decimal(digits: str, original: str) -> Decimal:
    # Python refuses to convert more than 4,300 digits (a denial-of-service guard).
    if len(digits) > 100:
        raise ValidationError(f"a number of {len(digits):,} digits is too long to read")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise ValidationError(f"expected a number, got {original!r}") from None


def parse_decimal(text: str) -> Decimal:
    """A number as exports write it: ``1,200.50``, ``１，２００``, ``1.5万``.

    >>> parse_decimal("１，２００.5"), parse_decimal("1.5万")
    (Decimal('1200.5'), Decimal('15000.0'))
    """
    if text.isascii() and _PLAIN_NUMBER.fullmatch(text) and len(text) <= 100:
        return Decimal(text.replace(",", ""))
    folded = _fold(text)
    if not folded:
        raise ValidationError("expected a number, got an empty cell")
    return _number(folded, text)


def parse_integer(text: str) -> int:
    """A whole number, with thousands separators, myriads and a count unit.

    >>> parse_integer("1,200"), parse_integer("１，２００名"), parse_integer("3万人")
    (1200, 1200, 30000)
    """
    if text.isascii() and text.isdigit() and len(text) <= 100:
        return int(text)  # the common case, without the general path's cost
    folded = _fold(text)
    for unit in _COUNT_UNITS:
        if folded.lower().endswith(unit):
            folded = folded[: -len(unit)].rstrip()
            break
    if not folded:
        raise ValidationError(f"expected a whole number, got {_shown(text)}")
    try:
        value = _number(folded, text)
    except ValidationError:
        raise ValidationError(f"expected an integer, got {_shown(text)}") from None
    if value != value.to_integral_value():
        raise ValidationError(f"expected a whole number, got {_shown(text)}")
    return int(value)


def parse_amount(text: str, *, currency: str | None = None) -> tuple[Decimal, str | None]:
    """An amount and the currency its spelling names (else ``currency``).

    ``¥``/``円`` is JPY, ``€`` EUR, ``£`` GBP; a three-letter code before or after the
    number names itself; ``$`` is ``currency`` when that is a dollar, else USD.

    >>> parse_amount("¥3,000,000"), parse_amount("3億円"), parse_amount("1,500", currency="EUR")
    ((Decimal('3000000'), 'JPY'), (Decimal('300000000'), 'JPY'), (Decimal('1500'), 'EUR'))
    """
    folded = _fold(text)
    named: str | None = None
    for symbol, code in _SYMBOLS.items():
        if folded.startswith(symbol) or folded.endswith(symbol):
            folded = folded.removeprefix(symbol).removesuffix(symbol).strip()
            named = code
            break
    else:
        if "$" in (folded[:1], folded[-1:]) or folded.upper().startswith("US$"):
            folded = folded.upper().removeprefix("US").strip("$").strip()
            named = currency if currency in _DOLLAR_CURRENCIES else "USD"
        elif m := _CODE.match(folded):
            named = m.group(1) or m.group(4)
            folded = (m.group(2) or m.group(3)).strip()
    if not folded:
        raise ValidationError(f"expected an amount such as ¥3,000,000, got {_shown(text)}")
    try:
        amount = _number(folded, text)
    except ValidationError:
        raise ValidationError(
            f"expected an amount such as 3,000,000, ¥3,000,000 or 3億円, got {_shown(text)}"
        ) from None
    return amount, named or currency


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_DAY_MONTH_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-][0-9]{2,4}\b")
_JAPANESE_DATE = (
    (re.compile(r"([0-9]+)年([0-9]+)月([0-9]+)日"), r"\1-\2-\3 "),
    (re.compile(r"([0-9]+)時([0-9]+)分(?:([0-9]+)秒)?"), r"\1:\2:\3"),
    (re.compile(r"([0-9]+)時"), r"\1:00"),
)
_MERIDIEM = {"午前": "AM", "午後": "PM"}
_TZ_NAMES: dict[str, Any] = {
    "UTC": _UTC,
    "GMT": _UTC,
    "Z": _UTC,
    "JST": tzoffset("JST", 9 * 3600),
}
# Two different defaults: a part the text does not give shows up as a difference.
_DEFAULTS = (datetime(2001, 2, 3), datetime(2002, 3, 4))


def _normalise_date(text: str) -> str:
    text = _fold(text)
    for pattern, replacement in _JAPANESE_DATE:
        text = pattern.sub(replacement, text)
    for word, meridiem in _MERIDIEM.items():
        if word in text:
            text = text.replace(word, "").strip() + " " + meridiem
    return re.sub(r":(?=\s|$)", "", text).strip()


def _parse(text: str, fmt: ValueFormat, what: str, example: str) -> tuple[datetime, bool]:
    """The moment ``text`` names and whether it gave a time of day."""
    cleaned = _normalise_date(text)
    if not cleaned:
        raise ValidationError(f"expected {what} such as {example}, got an empty cell")
    try:
        return _iso(cleaned)
    except ValueError:
        pass
    day_month = _DAY_MONTH_FIRST.match(cleaned)
    if day_month and fmt.day_first is None:
        raise ValidationError(
            f"{_shown(text)} puts day and month before the year: say which comes first "
            "(day_first=True for 31/12/2026, False for 12/31/2026; on the command line "
            "--day-first or --month-first)"
        )
    results = []
    for default in _DEFAULTS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", _dateutil.UnknownTimezoneWarning)
                results.append(
                    _dateutil.parse(
                        cleaned,
                        default=default,
                        dayfirst=bool(fmt.day_first) if day_month else False,
                        yearfirst=not day_month,
                        tzinfos=_TZ_NAMES,
                    )
                )
        except _dateutil.UnknownTimezoneWarning:
            raise ValidationError(
                f"{_shown(text)} names a time zone leadkit does not know;"
                " write an offset such as +09:00"
            ) from None
        except (ValueError, OverflowError):
            raise ValidationError(
                f"expected {what} such as {example}, got {_shown(text)}"
            ) from None
    first, second = results
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        raise ValidationError(f"{_shown(text)} is not a whole date (year, month and day)")
    if day_month:
        # dateutil swaps day and month when the order given cannot be (31/12 month
        # first); the order is the user's word, so that is an error, not a guess.
        a, b = int(day_month.group(1)), int(day_month.group(2))
        day, month = (a, b) if fmt.day_first else (b, a)
        if (first.month, first.day) != (month, day):
            order = "day first" if fmt.day_first else "month first"
            raise ValidationError(f"{_shown(text)} is not a date when read {order}")
    timed = first.time() != time() or ":" in cleaned or bool(re.search(r"[AP]M$", cleaned.upper()))
    return first, timed


def _iso(text: str) -> tuple[datetime, bool]:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        day = date.fromisoformat(text)
        return datetime.combine(day, time()), False
    if not re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]", text):
        raise ValueError(text)
    return datetime.fromisoformat(text.replace(" Z", "Z")), True


def parse_datetime(text: str, fmt: ValueFormat = STRICT) -> datetime:
    """An aware date-time: ISO 8601, ``2026/04/01 09:00``, ``4/1/2026 9:00 AM`` (with
    ``fmt.day_first``), ``2026年4月1日 9時00分``; naive values get ``fmt.timezone``.

    A date alone is midnight in ``fmt.timezone``.

    >>> parse_datetime("4/1/2026 9:00 AM", ValueFormat(day_first=False, timezone="Asia/Tokyo"))
    datetime.datetime(2026, 4, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Tokyo'))
    >>> parse_datetime("2026-04-01T09:00:00+09:00").isoformat()
    '2026-04-01T09:00:00+09:00'
    """
    if len(text) > 10 and text[4:5] == "-" and text.isascii():
        # ISO 8601 with a time, as leadkit writes it: the common case, fast.
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if moment.utcoffset() is not None:
                return moment
    moment, _ = _parse(text, fmt, "a date-time", "2026-04-01T09:00:00+09:00")
    if moment.utcoffset() is not None:
        return moment
    if fmt.timezone is None:
        raise ValidationError(
            f"{_shown(text)} has no timezone; add Z or an offset such as +09:00, or give a "
            "default time zone (timezone='Asia/Tokyo'; --timezone on the command line)"
        )
    return moment.replace(tzinfo=fmt.timezone)


def parse_date(text: str, fmt: ValueFormat = STRICT) -> date:
    """A calendar date: ``2026-04-01``, ``2026/4/1``, ``2026年4月1日``, ``4/1/2026`` (with
    ``fmt.day_first``); a time of day in the text is refused.

    >>> parse_date("2026/4/1"), parse_date("1/4/2026", ValueFormat(day_first=True))
    (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1))
    """
    moment, timed = _parse(text, fmt, "a date", "2026-04-01")
    if timed:
        raise ValidationError(f"expected a date without a time, got {_shown(text)}")
    return moment.date()
