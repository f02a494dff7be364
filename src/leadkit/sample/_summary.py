"""A readable overview of a sample: what is in it, counted several ways."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from leadkit.errors import ValidationError
from leadkit.model import DEFAULT_SOURCES
from leadkit.sample._data import SampleData

__all__ = ["summary"]


def _standard_source(name: str | None) -> str:
    # Japanese labels (展示会) count with their source (Trade Show).
    if not name:
        return "(none)"
    source = DEFAULT_SOURCES.find(name)
    return source.api_name if source else name


def _table(title: str, counts: Counter[str], *, top: int | None = None) -> list[str]:
    items = counts.most_common()
    if top is not None and len(items) > top:
        rest = sum(n for _, n in items[top:])
        items = [*items[:top], (f"({len(items) - top} more)", rest)]
    width = max(_width(label) for label, _ in items) if items else 0
    lines = [title]
    for label, count in items:
        lines.append(f"  {label}{' ' * (width - _width(label))}  {count:>7,d}")
    return lines


def _width(text: str) -> int:
    # Japanese characters take two columns in a terminal.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _count(values: Iterable[str | None], missing: str = "(none)") -> Counter[str]:
    return Counter(value if value else missing for value in values)


def summary(data: SampleData, *, top: int = 10) -> str:
    """A multi-line overview of ``data``: totals, then leads by country, source, status and
    industry, events by kind, campaigns with their members, owners and duplicates.

    Industries beyond the ``top`` most common are added up in one line.

    >>> from leadkit.sample import generate
    >>> text = summary(generate(20, seed=1, events_per_lead=2))
    >>> text.splitlines()[1].split(",")[0]
    '  20 leads'

    """
    if not isinstance(data, SampleData):
        raise ValidationError(f"expected SampleData, got {type(data).__name__}", path="data")
    leads = data.leads
    copies = sum(len(group.copies) for group in data.duplicates)
    of_contacts = sum(1 for group in data.duplicates if group.original_is_contact)
    active = sum(1 for user in data.users if user.active)
    lines = [
        "leadkit sample data",
        f"  {len(leads):,d} leads, {len(data.events):,d} engagement events, "
        f"{len(data.campaigns):,d} campaigns ({len(data.campaign_members):,d} members)",
        f"  {len(data.users):,d} users ({active:,d} active), {len(data.queues):,d} queues, "
        f"{len(data.accounts):,d} accounts with {len(data.contacts):,d} contacts",
        f"  {len(data.duplicates):,d} deliberate duplicate groups ({copies:,d} copies; "
        f"{of_contacts:,d} of existing contacts)",
        "",
    ]
    owners = _count(str(lead.owner) if lead.owner else None for lead in leads)
    members = Counter(member.campaign_id for member in data.campaign_members)
    campaigns = Counter(
        {
            f"{c.name} ({c.type or 'campaign'}, {c.status.value})": members[c.id]
            for c in data.campaigns
        }
    )
    sections = [
        _table("Leads by country", _count(lead.address.country for lead in leads)),
        _table("Leads by source", _count(_standard_source(lead.lead_source) for lead in leads)),
        _table("Leads by status", _count(lead.status for lead in leads)),
        _table("Leads by industry", _count(lead.industry for lead in leads), top=top),
        _table("Leads by owner", owners),
        _table("Events by kind", _count(event.kind for event in data.events)),
        _table("Campaign members by campaign", campaigns),
    ]
    for section in sections:
        lines.extend(section)
    return "\n".join(lines)
