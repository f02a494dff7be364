"""Run a program over history and count what happened at each step: a report and a graph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import attrs

from leadkit.model import EngagementEvent, Lead
from leadkit.nurture._engine import Enrolment, advance_many, enrol
from leadkit.nurture._program import Branch, Program, Wait, successors
from leadkit.reports import Table
from leadkit.reports._report import ReportMixin

__all__ = ["ProgramReport", "StepCount", "simulate"]


@attrs.frozen
class StepCount:
    """How many leads reached a step, and how they left it."""

    step: str
    kind: str
    reached: int
    yes: int = 0
    no: int = 0
    waiting: int = 0
    exited: int = 0


@attrs.frozen
class ProgramReport(ReportMixin):
    """What a program did to a set of leads (text, HTML, DataFrame, a Mermaid graph)."""

    program: Program
    enrolled: int
    completed: int
    exited: int
    active: int
    steps: tuple[StepCount, ...]
    exits: tuple[tuple[str, int], ...]
    stages: tuple[tuple[str, int], ...]
    enrolments: tuple[Enrolment, ...] = attrs.field(repr=False)

    def __repr__(self) -> str:
        return (
            f"<ProgramReport {self.program.name!r}: {self.enrolled} enrolled, {self.completed}"
            f" completed, {self.exited} exited, {self.active} active>"
        )

    def table(self) -> Table:
        """One row per step, in the program's order."""
        return Table(
            ("step", "kind", "reached", "yes", "no", "waiting", "exited"),
            [(s.step, s.kind, s.reached, s.yes, s.no, s.waiting, s.exited) for s in self.steps],
            title=(
                f"{self.program.name}: {self.enrolled} enrolled, {self.completed} completed,"
                f" {self.exited} exited, {self.active} still in"
            ),
        )

    def to_mermaid(self) -> str:
        """The program as a Mermaid flowchart with the counts on its edges: paste it into
        any Markdown viewer that draws Mermaid (GitHub, GitLab, MkDocs Material)."""
        by_step = {s.step: s for s in self.steps}
        ids = {name: f"s{index}" for index, name in enumerate(self.program.steps)}
        lines = ["flowchart TD"]
        for name, step in self.program.steps.items():
            count = by_step[name].reached
            label = f"{name}<br/>{step.kind} · {count}".replace('"', "'")
            shape = ("{", "}") if isinstance(step, Branch) else ("([", "])") if isinstance(
                step, Wait) else ("[", "]")  # fmt: skip
            lines.append(f'    {ids[name]}{shape[0]}"{label}"{shape[1]}')
        for name, step in self.program.steps.items():
            if isinstance(step, Branch):
                counts = by_step[name]
                lines.append(f"    {ids[name]} -->|yes {counts.yes}| {ids[step.yes]}")
                lines.append(f"    {ids[name]} -->|no {counts.no}| {ids[step.no]}")
            else:
                for target in successors(step):
                    lines.append(f"    {ids[name]} --> {ids[target]}")
        return "\n".join(lines)


def simulate(
    program: Program,
    leads: Iterable[Lead],
    events: Iterable[EngagementEvent] = (),
    *,
    start: datetime,
    as_of: datetime,
) -> ProgramReport:
    """Enrol every lead that meets the entry criteria at ``start``, advance them all to
    ``as_of`` over their events, and count each step, branch, exit and stage change."""
    listed = list(leads)
    found = list(events)
    grouped: dict[str, list[EngagementEvent]] = {}
    for event in found:
        if event.lead_id is not None:
            grouped.setdefault(event.lead_id, []).append(event)
    enrolments = [
        e
        for lead in listed
        if (e := enrol(program, lead, grouped.get(lead.id, ()), as_of=start)) is not None
    ]
    advanced = advance_many(program, enrolments, listed, found, as_of=as_of)
    reached: Counter[str] = Counter()
    outcomes: Counter[tuple[str, str]] = Counter()
    waiting: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    final = []
    for result in advanced.values():
        enrolment = result.enrolment
        final.append(enrolment)
        for visit in enrolment.visits:
            reached[visit.step] += 1
            if visit.outcome:
                outcomes[(visit.step, visit.outcome)] += 1
        if enrolment.active and enrolment.step is not None:
            waiting[enrolment.step] += 1
            if not enrolment.visits or enrolment.visits[-1].step != enrolment.step:
                reached[enrolment.step] += 1
        if enrolment.status == "exited":
            exits[enrolment.reason] += 1
        for action in result.actions:
            if action.kind == "stage":
                stages[str(action.get("stage"))] += 1
    rows = tuple(
        StepCount(
            name,
            step.kind,
            reached[name],
            outcomes[(name, "yes")],
            outcomes[(name, "no")],
            waiting[name],
            outcomes[(name, "exit")],
        )
        for name, step in program.steps.items()
    )
    statuses = Counter(e.status for e in final)
    return ProgramReport(
        program,
        len(final),
        statuses["completed"],
        statuses["exited"],
        statuses["active"],
        rows,
        tuple(sorted(exits.items())),
        tuple(sorted(stages.items())),
        tuple(final),
    )
