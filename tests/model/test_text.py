"""Lone surrogates: every text field refuses them when the record is built (issue 21).

A lone surrogate (U+D800..U+DFFF) has no UTF-8 encoding (Unicode 15, section 3.9, D76:
only scalar values are encoded), so the SQLite store could not write it while the
in-memory store kept it. Rejecting it at model validation makes every store agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError, format_path
from leadkit.intake import InMemoryRateLimiter, IntakeOutcome, intake
from leadkit.io import structure
from leadkit.model import Account, Address, Lead, PersonName, User
from leadkit.repository import SqliteUnitOfWork

T0 = datetime(2026, 4, 1, tzinfo=UTC)

surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
texts_with_a_surrogate = st.tuples(st.text(max_size=5), surrogates, st.text(max_size=5)).map(
    lambda parts: f"x{parts[0]}{parts[1]}{parts[2]}"
)


def _lead(**changes: Any) -> Lead:
    fields: dict[str, Any] = {"name": PersonName("山田"), "company": "ABC", "created_at": T0}
    return Lead(**{**fields, **changes})


def _with_territory(territory: str) -> User:
    territories: frozenset[str] = frozenset([territory])
    return User(name="A", territories=territories)  # type: ignore[arg-type]


# (what to build, the path the error must name)
BUILDERS: dict[str, tuple[Callable[[str], object], str]] = {
    "company": (lambda t: _lead(company=t), "Lead.company"),
    "title": (lambda t: _lead(title=t), "Lead.title"),
    "description": (lambda t: _lead(description=t), "Lead.description"),
    "lead_source": (lambda t: _lead(lead_source=t), "Lead.lead_source"),
    "status": (lambda t: _lead(status=t), "Lead.status"),
    "email": (lambda t: _lead(email=f"{t}@abc.co.jp"), "Lead.email"),
    "family name": (lambda t: PersonName(t), "PersonName.family"),
    "given name": (lambda t: PersonName("山田", t), "PersonName.given"),
    "city": (lambda t: Address(city=t), "Address.city"),
    "custom": (lambda t: _lead(custom={"note": t}), "custom.note"),
    "id": (lambda t: User(id=t, name="A"), "User.id"),
    "account name": (lambda t: Account(name=t, created_at=T0), "Account.name"),
    "territories": (_with_territory, "User.territories"),
}


@settings(max_examples=40, deadline=None)
@given(where=st.sampled_from(sorted(BUILDERS)), text=texts_with_a_surrogate)
def test_text_with_a_lone_surrogate_is_rejected_naming_the_field(where: str, text: str) -> None:
    build, path = BUILDERS[where]
    with pytest.raises(ValidationError, match="lone surrogate") as raised:
        build(text)
    assert format_path(raised.value.path) == path


@settings(max_examples=20, deadline=None)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20))
def test_any_other_text_is_accepted(text: str) -> None:
    assert _lead(description=f"x{text}").description is not None


def test_stored_json_holding_an_escaped_surrogate_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    with SqliteUnitOfWork(path) as uow:
        uow.users.add(User(id="u-1", name="A"))
        uow.commit()
    conn = sqlite3.connect(path)
    conn.execute("""UPDATE users SET data = replace(data, '"A"', '"\\ud800"')""")
    conn.commit()
    conn.close()
    with pytest.raises(LoadError, match="lone surrogate") as raised, SqliteUnitOfWork(path) as uow:
        uow.users.get("u-1")
    assert "users.data.name" in str(raised.value)


def test_structure_refuses_a_surrogate_like_the_constructor() -> None:
    with pytest.raises(LoadError, match="lone surrogate") as raised:
        structure({"id": "u-1", "name": "A\udc80"}, User)
    assert format_path(raised.value.path) == "user.name"


def test_intake_rejects_a_surrogate_as_a_field_problem_not_storage(tmp_path: Path) -> None:
    """docs/merge-and-intake.md: invalid fields are listed, each with its form field."""
    limiter = InMemoryRateLimiter(limit=1, window=timedelta(hours=1))
    form = {"会社名": "株式会社ABC\udc80", "姓": "山田", "メモ": "x\ud800"}
    result = intake(
        form, as_of=T0, uow=SqliteUnitOfWork(tmp_path / "crm.db"), rate_limiter=limiter,
        client="x",
    )  # fmt: skip
    assert result.outcome is IntakeOutcome.REJECTED
    assert {format_path(p.path) for p in result.problems} == {"会社名", "メモ"}
    assert all("lone surrogate" in p.message for p in result.problems)
    assert result.submission.fields["会社名"] == "株式会社ABC?"
    with SqliteUnitOfWork(tmp_path / "crm.db") as uow:
        assert len(uow.leads) == 0
    ok = intake({"会社名": "ABC", "姓": "山田"}, as_of=T0, rules=None, rate_limiter=limiter,
                client="x")  # fmt: skip
    assert ok.accepted
