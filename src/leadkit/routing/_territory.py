"""Territory helpers: conditions of the condition language for regions, prefectures,
countries, postal-code ranges, size bands and product interest.

They return ordinary conditions, so they print, explain themselves, serialise, and
(being memberships or order tests) are indexed by the router.

>>> str(in_region("関西", "Kanto"))
"address.region in ['近畿', '関東']"
>>> str(postal_code_between("100-0000", "129-9999"))
"address.postal_code starts with any ['10', '11', '12']"
>>> str(COMPANY_SIZE_BANDS.condition("large", "enterprise"))
'employees >= 300'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from leadkit.routing._errors import routing_error
from leadkit.rules import Condition, FieldRef, Kind, any_of, field, info_of

__all__ = [
    "COMPANY_SIZE_BANDS",
    "Bands",
    "in_country",
    "in_prefecture",
    "in_region",
    "postal_code_between",
    "product_interest",
]

_POSTAL = re.compile(r"^〒?\s*(\d{3})-?(\d{4})$")


def in_region(*regions: str) -> Condition:
    """The lead's prefecture lies in one of ``regions`` (関東, Kanto, 関西 ...)."""
    return field("address.region").is_in(list(regions))


def in_prefecture(*prefectures: str) -> Condition:
    """The lead's prefecture is one of ``prefectures`` (any common spelling: 東京, Tokyo)."""
    return field("address.prefecture").is_in(list(prefectures))


def in_country(*countries: str) -> Condition:
    """The lead's country is one of ``countries`` (ISO codes such as ``JP``, ``US``)."""
    return field("address.country").is_in(
        [c.strip().upper() if isinstance(c, str) else c for c in countries]
    )


def product_interest(*products: str, path: str = "custom.product_interest") -> Condition:
    """The lead's product interest (a custom field by default) is one of ``products``,
    ignoring width, case and spaces."""
    return field(path).is_in(list(products), normalise=True)


def _postal_digits(code: object, name: str) -> int:
    if isinstance(code, str):
        text = code.translate(str.maketrans("０１２３４５６７８９－", "0123456789-")).strip()
        if m := _POSTAL.match(text):
            return int(m.group(1) + m.group(2))
    raise routing_error(
        f"expected a Japanese postal code such as '100-0001', got {code!r}",
        path=name,
    )


def _prefixes(low: int, high: int, width: int = 7) -> list[str]:
    """The fewest digit prefixes whose codes are exactly ``low..high``."""
    found = []
    while low <= high:
        size = 0
        while size < width and low % 10 ** (size + 1) == 0 and low + 10 ** (size + 1) - 1 <= high:
            size += 1
        found.append(str(low).zfill(width)[: width - size])
        low += 10**size
    return found


def postal_code_between(low: str, high: str) -> Condition:
    """The lead's (Japanese) postal code is in ``low..high``, both included.

    Written as the fewest "starts with" prefixes, so it reads and explains as text.
    """
    first, last = _postal_digits(low, "low"), _postal_digits(high, "high")
    if last < first:
        raise routing_error(f"the range {low!r}..{high!r} is empty: the low end comes first")
    prefixes = [p if len(p) <= 3 else f"{p[:3]}-{p[3:]}" for p in _prefixes(first, last)]
    postal = field("address.postal_code")
    if prefixes == [""]:
        return postal.matches(r"^\d{3}-\d{4}$")
    return postal.startswith(*prefixes)


def _edges(value: Iterable[Any]) -> tuple[Any, ...]:
    edges = tuple(value)
    for index, edge in enumerate(edges):
        if isinstance(edge, bool) or not isinstance(edge, int | Decimal):
            raise routing_error(
                f"band edges are whole numbers or Decimals, got {edge!r}",
                path=f"edges[{index}]",
            )
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise routing_error(
            f"band edges must increase strictly, got {list(edges)}",
            path="edges",
        )
    return edges


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class Bands:
    """Named bands of a numeric field: ``edges`` cut the line, ``names`` (one more than
    the edges) name the pieces; each band includes its low edge and excludes its high one.

    >>> deal = Bands("annual_revenue", edges=(10_000_000, 100_000_000),
    ...              names=("small", "mid", "large"))
    >>> deal.band_of(50_000_000), str(deal.condition("mid"))
    ('mid', 'annual_revenue >= 10000000 AND annual_revenue < 100000000')
    """

    path: str
    edges: tuple[Any, ...] = attrs.field(converter=_edges, kw_only=True)
    names: tuple[str, ...] = attrs.field(converter=_names, kw_only=True)

    def __attrs_post_init__(self) -> None:
        kind = info_of(FieldRef(self.path)).kind
        if kind not in (Kind.NUMBER, Kind.MONEY, Kind.ANY):
            raise routing_error(
                f"bands need a numeric field; {self.path} is {kind.described}",
                path="path",
            )
        if len(self.names) != len(self.edges) + 1:
            raise routing_error(
                f"{len(self.edges)} edge(s) make {len(self.edges) + 1} bands; "
                f"got {len(self.names)} name(s)",
                path="names",
            )
        if len(set(self.names)) != len(self.names) or not all(
            isinstance(n, str) and n.strip() for n in self.names
        ):
            raise routing_error(
                f"band names must be distinct texts, got {list(self.names)}",
                path="names",
            )

    def band_of(self, value: int | Decimal | None) -> str | None:
        """The name of the band ``value`` falls in (None for a missing value)."""
        if value is None:
            return None
        for edge, name in zip(self.edges, self.names, strict=False):
            if value < edge:
                return name
        return self.names[-1]

    def condition(self, *names: str) -> Condition:
        """The field falls in one of the bands ``names``; neighbouring bands merge into
        one range."""
        unknown = [n for n in names if n not in self.names]
        if unknown or not names:
            raise routing_error(
                f"unknown band(s) {unknown}; expected some of {list(self.names)}",
                path="names",
            )
        wanted = sorted(self.names.index(n) for n in set(names))
        runs: list[list[int]] = []
        for index in wanted:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        expr = field(self.path)
        parts = []
        for run in runs:
            low = self.edges[run[0] - 1] if run[0] > 0 else None
            high = self.edges[run[-1]] if run[-1] < len(self.edges) else None
            if low is not None and high is not None:
                parts.append((expr >= low) & (expr < high))
            elif low is not None:
                parts.append(expr >= low)
            elif high is not None:
                parts.append(expr < high)
            else:
                parts.append(expr.is_present())
        return any_of(parts)


COMPANY_SIZE_BANDS = Bands(
    "employees", edges=(50, 300, 1000), names=("small", "medium", "large", "enterprise")
)
"""Company size by employees: small (< 50), medium (50-299), large (300-999),
enterprise (1000 or more). 300 is the usual ceiling of a Japanese SME (中小企業)."""
