"""Saving what the stage functions decided: the history's status on the stored lead, and
the capacity count a closed lead gives back, in one unit of work."""

from __future__ import annotations

from leadkit.model import Lead
from leadkit.repository import UnitOfWork
from leadkit.routing import release_closed
from leadkit.stages._errors import stage_error
from leadkit.stages._history import StageHistory, apply_status

__all__ = ["save_status"]


def save_status(uow: UnitOfWork, history: StageHistory) -> Lead:
    """Put the status ``history`` gave last on the stored lead and update it in ``uow``
    (an open unit of work; commit it yourself). When that status closes an open lead
    (:func:`~leadkit.stages.disqualify` moves it to Closed - Not Converted under the
    default status policy), the owner's open count in the capacity strategies is
    released in the same unit of work (:func:`~leadkit.routing.release_closed`), so the
    count and the status are committed together or not at all.

    Returns the lead as stored (unchanged, and not written, when its status already is
    the history's, or the lead was converted).

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, OwnerRef, PersonName
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> from leadkit.stages import Stage, StageHistory, disqualify, transition
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.leads.add(Lead(id="l-1", name=PersonName("佐藤"), company="ABC",
    ...                            owner=OwnerRef.user("u-1"), created_at=t))
    ...     uow.routing_state.set("open/u-1", 3)
    ...     history = transition(StageHistory("l-1"), Stage.INQUIRY, at=t, by="web")
    ...     history = disqualify(history, at=t, by="u-1", reason="学生")
    ...     lead = save_status(uow, history)
    ...     left = uow.routing_state.get("open/u-1")
    ...     uow.commit()
    >>> lead.status, left
    ('Closed - Not Converted', 2)
    """
    if not isinstance(history, StageHistory):
        raise stage_error(f"expected a StageHistory, got {type(history).__name__}", path="history")
    before = uow.leads.get(history.lead_id)
    after = apply_status(before, history)
    if after is before:
        return before
    saved = uow.leads.update(after)
    release_closed(uow, before, saved)
    return saved
