"""The rate limit is taken in the unit of work that stores the lead (issue 11: "intake()
takes its rate limit inside the same unit of work as the stored lead", and
docs/merge-and-intake.md "Rate limits": only accepted submissions count).

Fault injection: every failure after the place in the limit is taken (each write step,
before and after its write, and an exception that is no LeadkitError) leaves nothing
counted and nothing stored; no refund is involved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Literal

import pytest

from leadkit.dedupe import MatchIndex
from leadkit.intake import IntakeOutcome, UnitOfWorkRateLimiter, intake
from leadkit.repository import UnitOfWorkFactory
from leadkit.testing.contract import FailingUnitOfWork, snapshot
from tests.dedupe._merge_support import uow_factory
from tests.intake.test_intake import AS_OF, FORM, JAPANESE_FORM

__all__ = ["uow_factory"]  # fixtures

WINDOW = timedelta(hours=1)


def _counted(uow_factory: UnitOfWorkFactory, key: str) -> list[object]:
    with uow_factory() as uow:
        return list(uow.rate_limits.hits(key, after=AS_OF - WINDOW, until=AS_OF))


class _NotRefunding(UnitOfWorkRateLimiter):
    def refund(self, key: str, *, as_of: datetime) -> bool:
        raise AssertionError("intake must not need a refund")


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("step", [1, 2, 3])  # the lead, the event, the commit
def test_a_storage_failure_after_the_limit_counts_nothing_and_stores_nothing(
    uow_factory: UnitOfWorkFactory, step: int, when: Literal["before", "after"]
) -> None:
    limiter = _NotRefunding(uow_factory, limit=1, window=WINDOW)
    before = snapshot(uow_factory)
    failing = FailingUnitOfWork(uow_factory(), fail_at=step, when=when)
    result = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=failing, rate_limiter=limiter, client="x"
    )
    assert result.outcome is IntakeOutcome.REJECTED
    assert [p.path for p in result.problems] == [("storage",)]
    if (step, when) == (3, "after"):  # the commit itself went through: both are kept
        assert snapshot(uow_factory) != before
        assert _counted(uow_factory, "x") == [AS_OF]
        return
    assert snapshot(uow_factory) == before
    assert _counted(uow_factory, "x") == []
    # The place was never taken: the one submission the limit allows still goes in.
    again = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(), rate_limiter=limiter,
        client="x",
    )  # fmt: skip
    assert again.outcome is IntakeOutcome.CREATED
    assert again.stored
    assert _counted(uow_factory, "x") == [AS_OF]


class _Exploding(Mapping[str, MatchIndex]):
    """Indexes that fail when the duplicate rules read them, after the limit is taken."""

    def __getitem__(self, key: str) -> MatchIndex:
        raise RuntimeError("index unavailable")

    def __iter__(self) -> Iterator[str]:
        return iter(("leads",))

    def __len__(self) -> int:
        return 1

    def get(self, key: str, default: object = None) -> MatchIndex:
        raise RuntimeError("index unavailable")


def test_any_exception_after_the_limit_rolls_the_count_back(
    uow_factory: UnitOfWorkFactory,
) -> None:
    limiter = _NotRefunding(uow_factory, limit=1, window=WINDOW)
    before = snapshot(uow_factory)
    with pytest.raises(RuntimeError, match="index unavailable"):
        intake(
            JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(), indexes=_Exploding(),
            rate_limiter=limiter, client="x",
        )  # fmt: skip
    assert snapshot(uow_factory) == before
    assert _counted(uow_factory, "x") == []


def test_the_count_and_the_lead_commit_together(uow_factory: UnitOfWorkFactory) -> None:
    limiter = _NotRefunding(uow_factory, limit=1, window=WINDOW)
    first = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(), rate_limiter=limiter,
        client="x",
    )  # fmt: skip
    assert first.stored
    assert _counted(uow_factory, "x") == [AS_OF]
    before = snapshot(uow_factory)
    second = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF + timedelta(minutes=1), uow=uow_factory(),
        rate_limiter=limiter, client="x",
    )  # fmt: skip
    assert [p.path for p in second.problems] == [("rate_limit",)]
    assert snapshot(uow_factory) == before  # refused: nothing stored, nothing counted
    assert _counted(uow_factory, "x") == [AS_OF]
