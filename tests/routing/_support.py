"""Helpers shared by the routing tests: leads, teams and one routing moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadkit.model import Lead, PersonName, User
from leadkit.routing import Roster

__all__ = ["AT", "lead", "team"]

AT = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
"""A Wednesday, 12:00 in Tokyo."""


def lead(**fields: Any) -> Lead:
    """A valid lead with only the given fields set."""
    fields.setdefault("name", PersonName("山田", "太郎"))
    fields.setdefault("company", "株式会社サンプル")
    fields.setdefault("created_at", datetime(2026, 3, 1, tzinfo=UTC))
    return Lead(**fields)


def team(*ids: str, **users: User) -> Roster:
    """A roster of active users with the given ids, plus any ``users`` given whole."""
    return Roster([User(id=i, name=f"営業 {i}") for i in ids] + list(users.values()))
