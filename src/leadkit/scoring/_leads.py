"""Checking a batch of leads once: every item a Lead, every id once."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

from leadkit.model import Lead
from leadkit.scoring._errors import scoring_error

__all__ = ["index_leads"]


def index_leads(leads: Sequence[Lead]) -> dict[str, int]:
    """``{lead id: position}``, or a ``ValidationError`` naming the first item that is
    not a lead or whose id was seen before (``leads[3].id``)."""
    if not all(map(isinstance, leads, repeat(Lead))):
        position = next(i for i, lead in enumerate(leads) if not isinstance(lead, Lead))
        raise scoring_error(
            f"expected a Lead, got {type(leads[position]).__name__}",
            path=f"leads[{position}]",
        )
    index = {lead.id: position for position, lead in enumerate(leads)}
    if len(index) != len(leads):
        first: dict[str, int] = {}
        for position, lead in enumerate(leads):
            if lead.id in first:
                raise scoring_error(
                    f"lead id {lead.id!r} appears twice (also leads[{first[lead.id]}]); "
                    "give each lead once",
                    path=f"leads[{position}].id",
                )
            first[lead.id] = position
    return index
