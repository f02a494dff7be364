"""The sample as a directory of CSV files: the bundled one, or one you saved."""

from __future__ import annotations

import functools
import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any, cast

import attrs

from leadkit.errors import LoadError, Problem, ValidationError, format_path
from leadkit.io import read_csv, write_csv
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Lead,
    Opportunity,
    Queue,
    User,
)
from leadkit.sample._data import DuplicateCopy, DuplicateGroup, SampleData
from leadkit.visitors import VisitorEvent

__all__ = ["FILES", "load_sample", "save_sample"]


@attrs.frozen
class DuplicateRow:
    """One row of ``duplicates.csv``: a copy, the record it copies and how it differs."""

    original_id: str
    lead_id: str
    variations: tuple[str, ...] = ()
    original_is_contact: bool = False


# (file, record type, SampleData field); events are many, so they are compressed.
FILES: tuple[tuple[str, type[Any], str], ...] = (
    ("leads.csv", Lead, "leads"),
    ("events.csv.gz", EngagementEvent, "events"),
    ("campaigns.csv", Campaign, "campaigns"),
    ("campaign_members.csv", CampaignMember, "campaign_members"),
    ("users.csv", User, "users"),
    ("queues.csv", Queue, "queues"),
    ("accounts.csv", Account, "accounts"),
    ("contacts.csv", Contact, "contacts"),
    ("duplicates.csv", DuplicateRow, "duplicates"),
    ("converted_leads.csv", Lead, "converted_leads"),
    ("opportunities.csv", Opportunity, "opportunities"),
    ("visitor_events.csv", VisitorEvent, "visitor_events"),
)
# Files a sample saved by an earlier leadkit may lack (read as empty).
_OPTIONAL = frozenset({"visitor_events.csv"})


def _rows(groups: tuple[DuplicateGroup, ...]) -> Iterator[DuplicateRow]:
    for group in groups:
        for copy in group.copies:
            yield DuplicateRow(
                group.original_id,
                copy.lead_id,
                tuple(str(v) for v in copy.variations),
                group.original_is_contact,
            )


def _groups(rows: list[DuplicateRow]) -> tuple[DuplicateGroup, ...]:
    groups: dict[tuple[str, bool], list[DuplicateCopy]] = {}
    for row in rows:
        key = (row.original_id, row.original_is_contact)
        groups.setdefault(key, []).append(DuplicateCopy(row.lead_id, row.variations))
    return tuple(
        DuplicateGroup(original_id, tuple(copies), original_is_contact=is_contact)
        for (original_id, is_contact), copies in groups.items()
    )


def save_sample(data: SampleData, directory: str | os.PathLike[str]) -> list[Path]:
    """Write ``data`` as CSV files into ``directory`` (created if missing); return the files.

    The files are those :func:`load_sample` reads: ``leads.csv``, ``events.csv.gz``,
    ``campaigns.csv``, ``campaign_members.csv``, ``users.csv``, ``queues.csv``,
    ``accounts.csv``, ``contacts.csv``, ``duplicates.csv`` (the ground truth of
    deliberate duplicates), ``converted_leads.csv`` and ``opportunities.csv`` (the sales
    history: earlier leads converted into existing accounts, and their closed deals) and
    ``visitor_events.csv`` (anonymous visits before form fills; a folder saved without it
    loads with none). The same data always gives the same bytes.
    """
    if not isinstance(data, SampleData):
        raise ValidationError(f"expected SampleData, got {type(data).__name__}", path="data")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, record_type, field in FILES:
        records = getattr(data, field)
        if record_type is DuplicateRow:
            records = list(_rows(records))
        write_csv(records, folder / name, record_type)
        written.append(folder / name)
    return written


@contextmanager
def _text(entry: Traversable | Path) -> Iterator[IO[str]]:
    with entry.open("rb") as raw:
        binary = cast(IO[bytes], gzip.GzipFile(fileobj=raw)) if entry.name.endswith(".gz") else raw
        with io.TextIOWrapper(binary, encoding="utf-8", newline="") as text:
            yield text


def _load(folder: Traversable | Path) -> SampleData:
    tables: dict[str, Any] = {}
    for name, record_type, field in FILES:
        entry = folder.joinpath(name)
        if name in _OPTIONAL and not entry.is_file():
            tables[field] = ()
            continue
        try:
            with _text(entry) as handle:
                records = read_csv(handle, record_type)
        except OSError as err:
            raise LoadError(
                [Problem(str(entry), f"cannot read: {err.strerror or err}")], what=name
            ) from None
        except LoadError as err:
            # Name the file in every problem: there are nine of them.
            raise LoadError(
                [Problem(f"{name}: {format_path(p.path)}", p.message) for p in err.problems],
                what=name,
            ) from None
        tables[field] = _groups(records) if record_type is DuplicateRow else tuple(records)
    return SampleData(**tables)


@functools.lru_cache(maxsize=1)
def _bundled() -> SampleData:
    return _load(resources.files("leadkit.sample").joinpath("data"))


def load_sample(directory: str | os.PathLike[str] | None = None) -> SampleData:
    """The bundled sample (or one saved with :func:`save_sample` into ``directory``).

    The bundled sample is ``generate()`` with its defaults: 2,000 leads, half of them
    Japanese, about 40,000 engagement events, ten campaigns, eight users, three queues,
    fifty accounts with their contacts, and the ground truth of its deliberate duplicates.
    It is read once and then shared (every object in it is immutable).

    >>> data = load_sample()
    >>> len(data.leads), data.leads[0].id
    (2000, 'lead-000001')
    """
    if directory is None:
        return _bundled()
    return _load(Path(directory))
