"""pandas and Polars frames as columns of plain Python values, and back.

Both libraries are optional and imported only when a frame of theirs is given or asked
for. A frame is recognised by its type's module, so neither is imported to find out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import attrs

from leadkit._optional import require
from leadkit.errors import ValidationError

__all__ = ["Library", "Table", "build_frame", "library_of", "read_frame"]

Library: TypeAlias = Literal["pandas", "polars"]


def library_of(frame: object) -> Library | None:
    """``"pandas"`` or ``"polars"`` for a DataFrame of either, else None."""
    module = type(frame).__module__.split(".")[0]
    name = type(frame).__name__
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "polars" and name == "DataFrame":
        return "polars"
    return None


def check_library(value: object, path: str = "library") -> Library:
    """``value`` if it names a frame library leadkit writes."""
    if value not in ("pandas", "polars"):
        raise ValidationError(f"library is 'pandas' or 'polars', got {value!r}", path=path)
    return value


def pandas() -> Any:
    """The pandas module, or the error naming the extra."""
    return require("pandas", "pandas", purpose="pandas frames")


def polars() -> Any:
    """The polars module, or the error naming the extra."""
    return require("polars", "polars", purpose="Polars frames")


@attrs.frozen
class Table:
    """A frame's columns as lists of Python values (None for missing), in the frame's
    order, with each row's label: the index label (pandas) or the position (Polars)."""

    library: Library
    names: tuple[str, ...]
    columns: Mapping[str, list[object]]
    labels: tuple[object, ...]
    index: Any = None  # the pandas index, to align results with the input

    @property
    def height(self) -> int:
        return len(self.labels)


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas' NA and NaT (and numpy's NaT) are the only values unequal to themselves
    # that are not floats.
    kind = type(value).__name__
    return kind in ("NAType", "NaTType") or (kind == "datetime64" and value != value)


def _plain(value: object) -> object:
    """A pandas or numpy scalar as the Python value it stands for."""
    if _missing(value):
        return None
    if isinstance(value, datetime) and type(value) is not datetime:
        to_py = getattr(value, "to_pydatetime", None)  # pandas.Timestamp
        if to_py is not None:
            return to_py(warn=False)
    item = getattr(value, "item", None)  # a numpy scalar (numpy.int64, numpy.bool_)
    if item is not None and type(value).__module__ == "numpy":
        return item()
    return value


def read_frame(frame: object, *, where: str = "frame") -> Table:
    """The columns and row labels of a pandas or Polars DataFrame."""
    library = library_of(frame)
    if library is None:
        raise ValidationError(
            f"expected a pandas or Polars DataFrame, got {type(frame).__name__}", path=where
        )
    if library == "pandas":
        return _read_pandas(frame)
    return _read_polars(frame)


def _names(raw: Sequence[object], where: str) -> tuple[str, ...]:
    names: list[str] = []
    for name in raw:
        if not isinstance(name, str):
            raise ValidationError(
                f"column names must be text, got {name!r}; rename the columns first",
                path=(where, str(name)),
            )
        if name in names:
            raise ValidationError("the frame has two columns of this name", path=(where, name))
        names.append(name)
    return tuple(names)


def _read_pandas(frame: Any) -> Table:
    names = _names(list(frame.columns), "columns")
    columns: dict[str, list[object]] = {}
    for position, name in enumerate(names):
        series = frame.iloc[:, position]
        columns[name] = [_plain(value) for value in series.tolist()]
    labels = tuple(_plain(label) for label in frame.index.tolist())
    return Table("pandas", names, columns, labels, frame.index)


def _read_polars(frame: Any) -> Table:
    names = _names(list(frame.columns), "columns")
    columns: dict[str, list[object]] = {}
    for name in names:
        columns[name] = [None if _missing(v) else v for v in frame.get_column(name).to_list()]
    return Table("polars", names, columns, tuple(range(frame.height)))


# ---------------------------------------------------------------------------------------
# Building frames
# ---------------------------------------------------------------------------------------


def _one_zone(values: list[object]) -> list[object]:
    """Timestamps of one column in one zone: theirs when they share it, else UTC (a frame
    column holds one zone)."""
    zones = {v.tzinfo for v in values if isinstance(v, datetime)}
    if len(zones) <= 1:
        return values
    return [v.astimezone(UTC) if isinstance(v, datetime) else v for v in values]


_INT64 = range(-(2**63), 2**63)


def _kind_of(values: list[object], kind: str | None) -> str | None:
    present = [v for v in values if v is not None]
    if not present:
        return kind
    if all(isinstance(v, bool) for v in present):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        # Integers past 64 bits (a custom field) stay Python ints in an object column.
        return "integer" if all(v in _INT64 for v in present) else None
    if all(isinstance(v, datetime) for v in present):
        return "timestamp"
    if all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return "date"
    if all(isinstance(v, str) for v in present):
        return "text"
    if all(isinstance(v, Decimal) for v in present):
        return "decimal"
    if all(isinstance(v, float) for v in present):
        return "float"
    return None


def build_frame(
    library: Library,
    columns: Mapping[str, list[object]],
    *,
    kinds: Mapping[str, str] | None = None,
    index: Any = None,
) -> Any:
    """A frame of ``columns`` (lists of Python values, None for missing), each typed by
    its values or, when it has none, by ``kinds`` (``integer``, ``timestamp`` ...):
    integers as nullable integers, timestamps with their zone, categoricals never."""
    kinds = kinds or {}
    if library == "pandas":
        return _build_pandas(columns, kinds, index)
    return _build_polars(columns, kinds)


def _build_pandas(columns: Mapping[str, list[object]], kinds: Mapping[str, str], index: Any) -> Any:
    pd = pandas()
    data: dict[str, Any] = {}
    for name, values in columns.items():
        kind = _kind_of(values, kinds.get(name))
        if kind == "integer":
            data[name] = pd.array(values, dtype="Int64")
        elif kind == "boolean":
            data[name] = pd.array(values, dtype="boolean")
        elif kind == "timestamp":
            zoned = _one_zone(values)
            zone = next((v.tzinfo for v in zoned if isinstance(v, datetime) and v.tzinfo), UTC)
            data[name] = pd.array(
                [pd.NaT if v is None else v for v in zoned], dtype=_pandas_zone(pd, zone)
            )
        elif kind == "float":
            data[name] = pd.array(values, dtype="Float64")
        elif kind == "text":
            data[name] = pd.array(values, dtype=object)
        else:
            data[name] = pd.array(values, dtype=object)
    frame = pd.DataFrame(data, index=index)
    if index is None:
        frame.index = pd.RangeIndex(len(next(iter(columns.values()), [])))
    return frame


def _pandas_zone(pd: Any, zone: tzinfo) -> Any:
    return pd.DatetimeTZDtype(unit="us", tz=zone)


def _build_polars(columns: Mapping[str, list[object]], kinds: Mapping[str, str]) -> Any:
    pl = polars()
    series = []
    for name, values in columns.items():
        kind = _kind_of(values, kinds.get(name))
        dtype: Any = {
            "integer": pl.Int64,
            "boolean": pl.Boolean,
            "date": pl.Date,
            "text": pl.String,
            "float": pl.Float64,
        }.get(kind or "")
        if kind == "timestamp":
            zoned = _one_zone(values)
            zone = next((v.tzinfo for v in zoned if isinstance(v, datetime) and v.tzinfo), UTC)
            dtype = pl.Datetime("us", _zone_name(zone))
            values = zoned
        elif kind == "decimal":
            dtype = pl.Decimal(
                38, max((_scale(v) for v in values if isinstance(v, Decimal)), default=0)
            )
        elif kind == "list":
            dtype = pl.List(pl.String)
        elif kind is None and any(v is not None for v in values):
            # Mixed values (a custom field that is a number here and text there): kept as
            # they are, never cast to one type.
            series.append(pl.Series(name, values, dtype=pl.Object))
            continue
        try:
            series.append(pl.Series(name, values, dtype=dtype, strict=True))
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            # Values a typed column cannot hold (a Decimal of more than 38 digits).
            series.append(pl.Series(name, values, dtype=pl.Object))
    return pl.DataFrame(series)


def _scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _zone_name(zone: tzinfo) -> str:
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    if zone is UTC:
        return "UTC"
    offset = zone.utcoffset(None)
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
