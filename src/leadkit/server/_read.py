"""The read API's one answer: a lead's score card, grade card and routing decision, each
with its explanation, as JSON-ready data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leadkit.model import Lead
from leadkit.repository import UnitOfWorkFactory
from leadkit.routing import Router, UnitOfWorkState
from leadkit.scoring import GradingProfile, ScoringModel

__all__ = ["lead_card"]


def _seen(seen: tuple[tuple[str, object], ...]) -> dict[str, str]:
    return {name: str(value) for name, value in seen}


def lead_card(
    factory: UnitOfWorkFactory,
    lead_id: str,
    *,
    as_of: datetime,
    scoring_model: ScoringModel,
    grading_profile: GradingProfile,
    router: Router | None,
) -> dict[str, Any] | None:
    """The lead's cards as plain data, or None when there is no such lead.

    The routing part says who owns the lead and which entry of the rules matches it at
    ``as_of``, with every earlier entry's failing criteria (routing itself happened once,
    when the lead arrived; this explains it and changes no turn).
    """
    with factory() as uow:
        lead: Lead | None = uow.leads.find(lead_id)
        if lead is None:
            return None
        events = uow.engagement_events.by_lead(lead_id)
    score = scoring_model.score(lead, events, as_of=as_of)
    grade = grading_profile.grade(lead, as_of=as_of)
    body: dict[str, Any] = {
        "lead": {
            "id": lead.id,
            "company": lead.company,
            "name": lead.name.display,
            "email": lead.email,
            "status": lead.status,
            "owner": None if lead.owner is None else str(lead.owner),
            "created_at": lead.created_at.isoformat(),
        },
        "score": {
            "total": score.total,
            "model": score.model,
            "contributions": [
                {"rule": c.name, "points": c.points, "why": c.why()} for c in score.contributions
            ],
            "explanation": score.explain(),
        },
        "grade": {
            "grade": str(grade.grade),
            "profile": grade.profile,
            "criteria": [
                {"criterion": r.name, "outcome": r.outcome, "moved": r.moved, "seen": _seen(r.seen)}
                for r in (*grade.matched, *grade.unmatched)
            ],
            "explanation": grade.explain(),
        },
        "routing": None,
    }
    if router is not None:
        # Against a copy of the routing state: explaining changes no turn.
        state = UnitOfWorkState(factory).snapshot()
        decision = router.route(lead, as_of=as_of, state=state, events=events, explain=True)
        entry = decision.entry
        body["routing"] = {
            "owner": None if lead.owner is None else str(lead.owner),
            "entry": None if entry is None else {"index": entry.index, "name": entry.name},
            "by_default": decision.by_default,
            "skipped": [
                {"index": s.index, "name": s.name, "failing": list(s.failing)}
                for s in decision.skipped_entries
            ],
            "explanation": str(decision),
        }
    return body
