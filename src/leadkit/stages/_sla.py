"""Service levels: an MQL must be accepted or rejected within N working hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from leadkit._checks import aware_datetime
from leadkit.stages._calendar import WorkingCalendar
from leadkit.stages._errors import stage_error
from leadkit.stages._history import StageHistory
from leadkit.stages._policy import StagePolicy
from leadkit.stages._stage import Stage

__all__ = ["SlaBreach", "overdue"]


@attrs.frozen(slots=True)
class SlaBreach:
    """An MQL that was not answered in time.

    ``mql_at`` is when it became an MQL, ``due_at`` when the answer was due,
    ``answered_at`` / ``answer`` when and how sales answered (None while it still waits),
    and ``waited`` the working time from ``mql_at`` to the answer (or to ``as_of``).
    """

    lead_id: str
    mql_at: datetime
    due_at: datetime
    answered_at: datetime | None
    answer: Stage | None
    waited: timedelta

    @property
    def is_open(self) -> bool:
        """True while the MQL still waits for an answer."""
        return self.answered_at is None

    def __str__(self) -> str:
        hours = self.waited / timedelta(hours=1)
        state = "still waiting" if self.is_open else f"answered {self.answer} late"
        return (
            f"{self.lead_id}: MQL since {self.mql_at.isoformat()}, "
            f"due {self.due_at.isoformat()}, {state} ({hours:.2f} working h)"
        )


def overdue(
    histories: Iterable[StageHistory],
    *,
    policy: StagePolicy,
    calendar: WorkingCalendar,
    as_of: datetime,
    include_answered: bool = False,
) -> tuple[SlaBreach, ...]:
    """The MQLs that broke the policy's service level at ``as_of``, oldest due first:
    more than ``accept_within_hours`` working hours (measured on ``calendar``) passed
    before an answer, or until ``as_of`` without one.

    By default only those still waiting (the list to act on); with
    ``include_answered=True`` also those answered late. Transitions after ``as_of`` are
    ignored. An answer is any move out of MQL: accept, reject, disqualify.
    """
    if not isinstance(policy, StagePolicy):
        raise stage_error(
            f"expected a StagePolicy, got {type(policy).__name__}",
            path="policy",
        )
    if not isinstance(calendar, WorkingCalendar):
        raise stage_error(
            f"expected a WorkingCalendar, got {type(calendar).__name__}",
            path="calendar",
        )
    aware_datetime(as_of, code="bad_stage_input")
    if policy.accept_within_hours is None:
        raise stage_error(
            f"policy {policy.name!r} has no service level; set accept_within_hours",
            path="policy.accept_within_hours",
        )
    allowed = timedelta(hours=float(policy.accept_within_hours))
    breaches: list[SlaBreach] = []
    for index, history in enumerate(histories):
        if not isinstance(history, StageHistory):
            raise stage_error(
                f"expected a StageHistory, got {type(history).__name__}",
                path=f"histories[{index}]",
            )
        steps = history.until(as_of).transitions
        for position, step in enumerate(steps):
            if step.to_stage is not Stage.MQL:
                continue
            answer = steps[position + 1] if position + 1 < len(steps) else None
            if answer is not None and not include_answered:
                continue
            waited = calendar.working_time(step.at, answer.at if answer else as_of)
            if waited <= allowed:
                continue
            due = calendar.add_working_time(step.at, allowed)
            breaches.append(
                SlaBreach(
                    history.lead_id,
                    step.at,
                    due,
                    answer.at if answer else None,
                    answer.to_stage if answer else None,
                    waited,
                )
            )
    breaches.sort(key=lambda b: (b.due_at, b.lead_id))
    return tuple(breaches)
