"""The catalogues are part of the store's configuration, not ambient state (issue 19):
saved with the store, in force inside each of its units of work, read back anywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadkit.errors import ValidationError
from leadkit.model import (
    Catalogues,
    Lead,
    LeadStatus,
    PersonName,
    StatusCatalogue,
    active_statuses,
    use_catalogues,
)
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWork

AT = datetime(2026, 4, 1, tzinfo=UTC)
MINE = Catalogues(
    statuses=StatusCatalogue(
        [
            LeadStatus("New", "新規", is_default=True),
            LeadStatus("Calling", "架電中"),
            LeadStatus("Won", "成約", is_converted=True, is_closed=True),
        ]
    )
)


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], UnitOfWork]:
    if request.param == "memory":
        return InMemoryStore().unit_of_work
    path = tmp_path / "crm.db"
    return lambda: SqliteUnitOfWork(path)


def test_a_lead_saved_under_the_stores_catalogue_reads_back_outside_any_block(
    factory: Callable[[], UnitOfWork],
) -> None:
    with factory() as uow:
        assert uow.catalogues is None
        uow.save_catalogues(MINE)
        uow.leads.add(Lead(id="l-1", name=PersonName("佐藤"), company="ABC", status="架電中",
                           created_at=AT))  # fmt: skip
        uow.commit()
    assert active_statuses().default.api_name == "Open - Not Contacted"  # left as it was
    with factory() as uow:
        assert uow.leads.get("l-1").status == "Calling"
        assert uow.catalogues == MINE
        assert active_statuses().default.api_name == "New"
    assert active_statuses().default.api_name == "Open - Not Contacted"


def test_catalogues_saved_in_a_rolled_back_unit_of_work_are_not_kept(
    factory: Callable[[], UnitOfWork],
) -> None:
    with factory() as uow:
        uow.save_catalogues(MINE)
    with factory() as uow:
        assert uow.catalogues is None


def test_a_store_without_catalogues_keeps_the_callers_use_catalogues_block(
    factory: Callable[[], UnitOfWork],
) -> None:
    with use_catalogues(MINE), factory() as uow:
        uow.leads.add(Lead(id="l-1", name=PersonName("佐藤"), company="ABC", created_at=AT))
        uow.commit()
        assert uow.leads.get("l-1").status == "New"


def test_save_catalogues_refuses_anything_else(factory: Callable[[], UnitOfWork]) -> None:
    with factory() as uow, pytest.raises(ValidationError, match="expected Catalogues"):
        uow.save_catalogues(MINE.statuses)  # type: ignore[arg-type]
