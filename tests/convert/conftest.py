"""Conversion tests run against both adapters: ``uow_factory`` is parametrised."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from leadkit.model import Lead, PersonName
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)
CONVERTED = "Closed - Converted"


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWorkFactory:
    if request.param == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


Seed = Callable[..., None]


@pytest.fixture
def seed(uow_factory: UnitOfWorkFactory) -> Seed:
    """Add records (any kind) and commit."""

    def add(*records: Any) -> None:
        with uow_factory() as uow:
            for record in records:
                repository = {
                    "Lead": uow.leads,
                    "Account": uow.accounts,
                    "Contact": uow.contacts,
                    "Opportunity": uow.opportunities,
                    "Task": uow.tasks,
                    "Event": uow.events,
                    "Campaign": uow.campaigns,
                    "CampaignMember": uow.campaign_members,
                    "EngagementEvent": uow.engagement_events,
                    "User": uow.users,
                    "Queue": uow.queues,
                }[type(record).__name__]
                repository.add(record)  # type: ignore[attr-defined]
            uow.commit()

    return add


def make_lead(**changes: Any) -> Lead:
    fields: dict[str, Any] = {
        "name": PersonName("山田", "太郎"),
        "company": "株式会社サンプル",
        "created_at": T0,
    }
    return Lead(**{**fields, **changes})
