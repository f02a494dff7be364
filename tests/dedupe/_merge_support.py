"""Shared by the merge and intake tests: both adapters, and a seeding helper."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadkit.model import Lead, PersonName
from leadkit.repository import InMemoryStore, SqliteUnitOfWork, UnitOfWorkFactory

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

REPOSITORY_OF = {
    "Lead": "leads",
    "Account": "accounts",
    "Contact": "contacts",
    "Opportunity": "opportunities",
    "Task": "tasks",
    "Event": "events",
    "Campaign": "campaigns",
    "CampaignMember": "campaign_members",
    "EngagementEvent": "engagement_events",
    "User": "users",
    "Queue": "queues",
}


def make_factory(kind: str, tmp_path: Path) -> UnitOfWorkFactory:
    if kind == "memory":
        return InMemoryStore().unit_of_work
    return functools.partial(SqliteUnitOfWork, tmp_path / "crm.db")


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> UnitOfWorkFactory:
    return make_factory(request.param, tmp_path)


Seed = Callable[..., None]


def seed_into(uow_factory: UnitOfWorkFactory, *records: Any) -> None:
    """Add records of any kind and commit."""
    with uow_factory() as uow:
        for record in records:
            getattr(uow, REPOSITORY_OF[type(record).__name__]).add(record)
        uow.commit()


@pytest.fixture
def seed(uow_factory: UnitOfWorkFactory) -> Seed:
    return functools.partial(seed_into, uow_factory)


def make_lead(lead_id: str, **changes: Any) -> Lead:
    fields: dict[str, Any] = {
        "name": PersonName("山田", "太郎"),
        "company": "株式会社サンプル",
        "created_at": T0,
    }
    return Lead(id=lead_id, **{**fields, **changes})
