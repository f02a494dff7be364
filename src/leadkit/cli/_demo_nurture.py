"""The nurture part of ``leadkit demo``: the sample's fresh inquiries go through the
seeds' scenario mail (five lessons; a pricing click or all five opened → inside sales),
stored in the demo database, with the actions due written to its outbox."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from leadkit.model import Lead
from leadkit.nurture import (
    Branch,
    ChangeStage,
    End,
    Notify,
    Program,
    Send,
    Wait,
    advance_stored,
    enrol_stored,
)
from leadkit.outbox import ProgramActionDue
from leadkit.reports import Table
from leadkit.repository import SqliteUnitOfWork
from leadkit.rules import events, field, prop

__all__ = ["FRESH_STATUS", "LESSONS_DAYS", "lessons_program", "run_nurture"]

FRESH_STATUS = "Open - Not Contacted"
LESSONS_DAYS = 15
"""Five lessons, one every three days: the program runs over the sample's last 15 days."""


def lessons_program() -> Program:
    """The seeds' scenario mail: five lessons by mail, three days apart; a lead who
    clicks the pricing link, or opened all five, goes to inside sales."""
    pricing = events("link_click").where(prop("url").startswith("/pricing"))
    steps: dict[str, object] = {}
    for i in range(1, 6):
        steps[f"lesson{i}"] = Send(f"lesson-{i}", next=f"wait{i}")
        steps[f"wait{i}"] = Wait(timedelta(days=3), next=f"pricing{i}")
        after = f"lesson{i + 1}" if i < 5 else "opened_all"
        steps[f"pricing{i}"] = Branch(pricing, yes="handoff", no=after)
    steps["opened_all"] = Branch(events("email_open").count() >= 5, yes="handoff", no="done")
    steps["handoff"] = ChangeStage("mql", next="notify")
    steps["notify"] = Notify("a hot lead from the lessons", next="done")
    steps["done"] = End()
    return Program(
        "five-lessons",
        steps,
        entry=field("status") == FRESH_STATUS,
        exit=[events("unsubscribe")],
    )


def run_nurture(db: Path, leads: list[Lead], *, as_of: datetime) -> tuple[list[Table], str]:
    """Enrol the fresh inquiries ``LESSONS_DAYS`` before ``as_of``, advance them to
    ``as_of`` in one transaction (enrolments saved, actions to the outbox), and report
    the steps reached and the first actions due."""
    program = lessons_program()
    start = as_of - timedelta(days=LESSONS_DAYS)
    fresh = [lead for lead in leads if lead.status == FRESH_STATUS and lead.created_at <= start]
    with SqliteUnitOfWork(db) as uow:
        enrolled = enrol_stored(uow, program, fresh, as_of=start)
        advanced = advance_stored(uow, program, as_of=as_of)
        uow.commit()
    with SqliteUnitOfWork(db) as uow:
        stored = uow.enrolments.by_program(program.name)
        due = [entry.event for entry in uow.outbox.pending() if entry.kind == "ProgramActionDue"]
    reached = Counter(visit.step for enrolment in stored for visit in enrolment.visits)
    steps = Table(
        ("step", "kind", "leads"),
        [(name, step.kind, reached[name]) for name, step in program.steps.items()],
        title=f"Nurture: {program.name}, {len(enrolled)} fresh inquiries over {LESSONS_DAYS} days",
    )
    names = {lead.id: lead.company for lead in leads}
    handoffs = [a for a in due if isinstance(a, ProgramActionDue) and a.action == "stage"]
    shown = (handoffs or due)[:5]
    actions = Table(
        ("lead", "company", "action", "at", "reason"),
        [
            (a.lead_id, names.get(a.lead_id, ""), a.action, a.at.date(), a.reason)
            for a in shown
            if isinstance(a, ProgramActionDue)
        ],
        title="Next actions from the program (first hand-offs to sales)",
    )
    total = sum(len(result.actions) for result in advanced.values())
    note = (
        f"{len(enrolled)} fresh inquiries enrolled in {program.name!r}; {total} actions due, "
        f"{reached['handoff']} handed to inside sales; the actions wait in the outbox."
    )
    return [steps, actions], note
