"""What happened to each lead: the labels a model is learned from and measured against."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import ValidationError
from leadkit.model import Lead, Opportunity

__all__ = ["Outcome", "label_outcomes", "outcomes_from_records"]


def _check_lead(instance: object, attribute: attrs.Attribute[Lead], value: object) -> None:
    if not isinstance(value, Lead):
        raise ValidationError(f"expected a Lead, got {type(value).__name__}", path="lead")


def _check_won(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"won must be True or False, got {value!r}", path="won")


def _check_cutoff(instance: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    aware_datetime(value, path="cutoff")


@attrs.frozen
class Outcome:
    """One lead, whether it was won, and the moment its features are taken at.

    ``cutoff`` is the *as of* time of everything learned or measured about the lead:
    events after it are ignored, so an outcome never leaks into its own features. Take
    the date of the conversion or the loss, or the date a decision would have been made.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> lead = Lead(name=PersonName("Sato"), company="ABC",
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> Outcome(lead, won=True, cutoff=datetime(2026, 5, 1, tzinfo=UTC)).won
    True
    """

    lead: Lead = attrs.field(validator=_check_lead)
    won: bool = attrs.field(kw_only=True, validator=_check_won)
    cutoff: datetime = attrs.field(kw_only=True, validator=_check_cutoff)


def outcomes_from_records(
    leads: Iterable[Lead],
    opportunities: Iterable[Opportunity],
    *,
    as_of: datetime,
    won: str = "opportunity",
) -> tuple[Outcome, ...]:
    """Outcomes from leadkit's own records: what the conversions and deals say.

    ``won="opportunity"`` (the default) counts a lead as won when the opportunity its
    conversion created is closed won, and as lost when that opportunity is closed lost;
    leads with an open opportunity are left out (their outcome is not known yet), and
    so are leads not converted. ``won="converted"`` counts every converted lead as won and
    every lead that is not as lost. The cut-off is the conversion time (``as_of`` for
    leads never converted), so the events of the sale itself are not features.
    """
    if won not in {"opportunity", "converted"}:
        raise ValidationError(f"won must be 'opportunity' or 'converted', got {won!r}", path="won")
    aware_datetime(as_of)
    deals = {o.id: o for o in opportunities}
    found: list[Outcome] = []
    for lead in leads:
        conversion = lead.conversion
        if conversion is None:
            if won == "converted":
                found.append(Outcome(lead, won=False, cutoff=as_of))
            continue
        if won == "converted":
            found.append(Outcome(lead, won=True, cutoff=conversion.converted_at))
            continue
        deal = deals.get(conversion.opportunity_id or "")
        if deal is None or not deal.is_closed:
            continue
        found.append(Outcome(lead, won=deal.is_won, cutoff=conversion.converted_at))
    return tuple(found)


def label_outcomes(
    leads: Iterable[Lead], won: Mapping[str, bool], *, cutoff: datetime
) -> tuple[Outcome, ...]:
    """Outcomes from labels a user has (a column of an export, a CRM report), one
    ``cutoff`` for all; leads without a label are left out.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> lead = Lead(name=PersonName("Sato"), company="ABC",
    ...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> [o.won for o in label_outcomes([lead], {lead.id: True},
    ...                                cutoff=datetime(2026, 5, 1, tzinfo=UTC))]
    [True]
    """
    aware_datetime(cutoff, path="cutoff")
    return tuple(Outcome(lead, won=won[lead.id], cutoff=cutoff) for lead in leads if lead.id in won)


def split_outcomes(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(won, lost) counts."""
    positives = sum(1 for o in outcomes if o.won)
    return positives, len(outcomes) - positives
