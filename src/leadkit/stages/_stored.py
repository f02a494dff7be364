"""The stage functions on stored histories: read the lead's history from the unit of work,
apply one move, keep the new steps and the status it gives the lead, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from leadkit.stages._classify import Classification
from leadkit.stages._errors import stage_error
from leadkit.stages._history import StageHistory, Transition, apply_status

if TYPE_CHECKING:
    from leadkit.repository import UnitOfWork

__all__ = ["store_classification", "store_move"]


def _keep(uow: UnitOfWork, history: StageHistory) -> StageHistory:
    uow.stage_histories.save(history)
    lead = uow.leads.find(history.lead_id)
    if lead is not None:
        moved = apply_status(lead, history)
        if moved is not lead:
            uow.leads.update(moved)
    return history


def store_move(
    uow: UnitOfWork,
    lead_id: str,
    move: Callable[..., StageHistory],
    /,
    *args: Any,
    **options: Any,
) -> StageHistory:
    """Apply ``move`` (:func:`accept`, :func:`reject`, :func:`qualify`, :func:`recycle`,
    :func:`disqualify`, :func:`mark_won`, :func:`mark_lost`, :func:`transition`,
    :func:`set_status` or :func:`record_activity`) with ``args`` and ``options`` to the
    lead's stored history (empty if none), store the new steps in
    ``uow.stage_histories`` and, when the move changed the status, the lead with it
    (:func:`apply_status`). Nothing is committed: call ``uow.commit()``. Returns the
    new history.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> from leadkit.stages import Stage, reject, transition
    >>> at = datetime(2026, 4, 1, tzinfo=UTC)
    >>> with InMemoryUnitOfWork() as uow:
    ...     _ = uow.leads.add(Lead(id="l-1", name=PersonName("佐藤"), company="ABC",
    ...                            created_at=at))
    ...     _ = store_move(uow, "l-1", transition, Stage.INQUIRY, at=at, by="form")
    ...     _ = store_move(uow, "l-1", transition, Stage.MQL, at=at, by="policy")
    ...     h = store_move(uow, "l-1", reject, at=at, by="u-1", reason="予算なし")
    ...     uow.stage_histories.get("l-1").current, uow.leads.get("l-1").status
    (<Stage.RECYCLED: 'recycled'>, 'Nurturing')
    """
    if not callable(move):
        raise stage_error(f"move is a stage function, got {move!r}", path="move")
    history = uow.stage_histories.of(lead_id)
    moved = move(history, *args, **options)
    if not isinstance(moved, StageHistory) or moved.lead_id != lead_id:
        raise stage_error(
            f"move must return the lead's StageHistory, got {type(moved).__name__}", path="move"
        )
    return _keep(uow, moved)


def store_classification(
    uow: UnitOfWork, classification: Classification, /, *, priority: str | None = None
) -> StageHistory:
    """Append the transitions :func:`classify` proposed (``classification.proposed``) to
    the lead's stored history and keep them, with the status they give the lead.

    ``priority``, the lead's cell of the priority matrix
    (:func:`leadkit.scoring.priority_matrix` of the grade and score it was classified
    with, ``"A1"`` ... ``"D4"``), is kept on the stored lead as the custom field
    ``priority`` (:data:`leadkit.worklists.PRIORITY_FIELD`), which the hot-lead worklist
    reads in the database."""
    if not isinstance(classification, Classification):
        raise stage_error(
            f"expected a Classification, got {type(classification).__name__}",
            path="classification",
        )
    if priority is not None and (not isinstance(priority, str) or not priority.strip()):
        raise stage_error(
            f"priority is a matrix cell such as 'A1', got {priority!r}", path="priority"
        )
    history = uow.stage_histories.of(classification.lead_id)
    steps: Iterable[Transition] = classification.proposed
    for step in steps:
        history = history.append(step)
    _keep(uow, history)
    if priority is not None:
        lead = uow.leads.get(classification.lead_id)
        if lead.custom.get(_PRIORITY) != priority:
            uow.leads.update(attrs.evolve(lead, custom={**lead.custom, _PRIORITY: priority}))
    return history


_PRIORITY = "priority"  # leadkit.worklists.PRIORITY_FIELD (worklists sits above stages)
