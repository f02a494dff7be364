"""The demo flow: the main job on the bundled sample data, start to finish.

load → find and merge duplicates → score and grade → classify stages → route the MQLs → sales
accepts and qualifies → convert the SQLs (SQLite) → reports. Each step is the public
API used as a user would use it; the command only wires them and prints.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import attrs

from leadkit._sqlite_file import FileKind, inspect_file
from leadkit.cli._context import Context
from leadkit.cli._demo_nurture import run_nurture
from leadkit.cli._errors import CliError
from leadkit.cli._examples import example_data
from leadkit.cli._tables import funnel_table
from leadkit.convert import ConversionRequest, convert_leads
from leadkit.dedupe import LEAD_RULE, find_duplicates, merge_leads
from leadkit.errors import DatabaseFileError
from leadkit.io import write_csv
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Lead,
    Money,
    Opportunity,
    OwnerRef,
    User,
    use_id_factory,
)
from leadkit.reports import (
    Percent,
    Table,
    TimeDecay,
    attribute,
    campaign_roi,
    email_rates,
    funnel,
    source_effectiveness,
    team_performance,
)
from leadkit.repository import SqliteUnitOfWork
from leadkit.repository._sqlite import release_database
from leadkit.routing import InMemoryState, Roster, Router, load_assignment_rules
from leadkit.sample import SAMPLE_AS_OF, SampleData, load_sample
from leadkit.scoring import (
    Grade,
    ScoreCard,
    default_grading_profile,
    japanese_b2b_model,
    priority_matrix,
)
from leadkit.stages import (
    Stage,
    StageHistory,
    accept,
    advance,
    classify,
    grade_rank,
    load_stage_policy,
    mark_lost,
    mark_won,
    qualify,
    transition,
)
from leadkit.visitors import identify_in

__all__ = ["DemoSettings", "run_demo"]


@attrs.frozen
class DemoSettings:
    """What the demo does besides the bundled defaults.

    ``qualify_min_grade`` and ``seat_price`` stand in for the sales team: MQLs they accept
    are qualified as SQLs when their grade is at least this good, with a deal worth the
    lead's seats (custom field ``seats``, else 10) times the seat price.
    """

    top: int = 10
    export: Path | None = None
    formula_safe: bool = True
    qualify_min_grade: str = "C+"
    seat_price: Money = Money(120_000, "JPY")


def _events_by_lead(events: Sequence[EngagementEvent]) -> dict[str, list[EngagementEvent]]:
    grouped: dict[str, list[EngagementEvent]] = defaultdict(list)
    for event in events:
        if event.lead_id is not None:
            grouped[event.lead_id].append(event)
    return grouped


def _store(db: Path, data: SampleData) -> None:
    with SqliteUnitOfWork(db) as uow:
        for user in data.users:
            uow.users.add(user)
        for queue in data.queues:
            uow.queues.add(queue)
        for account in data.accounts:
            uow.accounts.add(account)
        for contact in data.contacts:
            uow.contacts.add(contact)
        for campaign in data.campaigns:
            uow.campaigns.add(campaign)
        for lead in (*data.leads, *data.converted_leads):
            uow.leads.add(lead)
        for opportunity in data.opportunities:
            uow.opportunities.add(opportunity)
        for member in data.campaign_members:
            uow.campaign_members.add(member)
        for event in data.events:
            uow.engagement_events.add(event)
        # The anonymous visits before the form fills, and each web lead identified by the
        # visitor id its form carried: the visits count in scoring from then on.
        uow.visitors.add_events(data.visitor_events)
        for event in data.events:
            visitor = event.properties.get("visitor_id")
            if event.kind == "form_submit" and isinstance(visitor, str) and event.lead_id:
                identify_in(uow, visitor_id=visitor, lead_id=event.lead_id, as_of=event.occurred_at)
        uow.commit()


def _past_history(lead: Lead, deal: Opportunity) -> StageHistory:
    """The stages an earlier lead of the sample's sales history went through: in through
    a campaign (Inquiry), qualified by marketing and sales, converted, then won or lost."""
    assert lead.conversion is not None
    assert deal.amount is not None
    by = lead.owner.id if lead.owner is not None else "user-sato"
    history = transition(StageHistory(lead.id), Stage.INQUIRY, at=lead.created_at, by=by)
    history = transition(history, Stage.MQL, at=lead.created_at + timedelta(days=3), by=by)
    history = accept(history, at=lead.created_at + timedelta(days=4), by=by)
    history = qualify(
        history,
        at=lead.conversion.converted_at,
        by=by,
        amount=deal.amount,
        close_date=deal.close_date,
    )
    closed = datetime.combine(deal.close_date, time(17, 0), tzinfo=UTC)
    if deal.is_won:
        return mark_won(history, at=closed, by=by)
    return mark_lost(history, at=closed, by=by, reason="lost to a competitor")


def _deal_size(lead: Lead, settings: DemoSettings) -> Money:
    seats = lead.custom.get("seats")
    count = seats if isinstance(seats, int) and seats > 0 else 10
    return Money(settings.seat_price.amount * count, settings.seat_price.currency)


_EXPORTS = (
    ("leads.csv", "leads", Lead),
    ("accounts.csv", "accounts", Account),
    ("contacts.csv", "contacts", Contact),
    ("opportunities.csv", "opportunities", Opportunity),
    ("campaigns.csv", "campaigns", Campaign),
    ("campaign_members.csv", "campaign_members", CampaignMember),
    ("users.csv", "users", User),
)


def _export(db: Path, folder: Path, *, formula_safe: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with SqliteUnitOfWork(db) as uow:
        for name, table, record_type in _EXPORTS:
            records = sorted(getattr(uow, table).all(), key=lambda r: r.id)
            write_csv(records, folder / name, record_type, formula_safe=formula_safe)
            written.append(folder / name)
    return written


def _id(record: Lead | EngagementEvent) -> str:
    return record.id


def _user(lead: Lead) -> OwnerRef | None:
    # Records made by conversion belong to a user; a queue's lead takes the default.
    return lead.owner if lead.owner is not None and not lead.owner.is_queue else None


def _owner_name(owner: OwnerRef | None, names: dict[str, str]) -> str:
    if owner is None:
        return ""
    return names.get(owner.id, str(owner))


@attrs.define
class _Flow:
    """The state of one demo run, step by step."""

    db: Path
    settings: DemoSettings
    ctx: Context
    keep_db: bool
    tables: list[Table] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)

    def step(self, name: str) -> contextlib.AbstractContextManager[None]:
        return self.ctx.progress.step(name)

    def run(self) -> list[Table]:
        # Records the demo creates get ids account-demo-0001 ...: two runs print the same,
        # and they cannot collide with the sample's own ids.
        counters: dict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))

        def demo_ids(kind: str) -> str:
            return f"{kind}-demo-{next(counters[kind]):04d}"

        with use_id_factory(demo_ids):
            return self._run()

    def _run(self) -> list[Table]:
        with self.step("load the bundled sample data"):
            data = load_sample()
            as_of = SAMPLE_AS_OF
        with self.step(f"store it in SQLite ({self.db.name})"):
            _store(self.db, data)
        names = {u.id: u.name for u in data.users} | {q.id: q.name for q in data.queues}

        with self.step("find duplicates (名寄せ)"):
            duplicates = find_duplicates(data.leads, LEAD_RULE)
        copies = sum(len(cluster.ids) - 1 for cluster in duplicates)
        with self.step(f"merge {copies} copies into their masters"):
            # The first of each group is the master: empty fields are filled from the
            # copies, and their events and campaign responses move to it.
            for cluster in duplicates:
                merge_leads(cluster.ids[0], cluster.ids[1:], SqliteUnitOfWork(self.db))
            with SqliteUnitOfWork(self.db) as uow:
                leads = sorted((x for x in uow.leads.all() if not x.is_merged), key=_id)
                events = sorted(uow.engagement_events.all(), key=_id)
        by_lead = _events_by_lead(events)
        self.notes.append(
            f"{len(duplicates)} groups of duplicates among {len(data.leads):,} leads "
            f"({duplicates.compared:,} pairs compared); {copies} copies merged into their "
            f"masters, {len(leads):,} leads go on."
        )

        with self.step("score (behaviour) and grade (fit)"):
            model = japanese_b2b_model()
            cards = model.score_many(leads, events, as_of=as_of, breakdown=True)
            grades = default_grading_profile().grade_many(leads, as_of=as_of)

        policy = load_stage_policy(example_data("stage_policy.toml"))
        histories: dict[str, StageHistory] = {}
        with self.step("classify lifecycle stages"):
            for lead in leads:
                verdict = classify(
                    lead,
                    score=cards[lead.id],
                    grade=grades[lead.id],
                    policy=policy,
                    as_of=as_of,
                    events=by_lead.get(lead.id, ()),
                    explain=False,
                )
                histories[lead.id] = advance(StageHistory(lead.id), verdict)
        mqls = [lead for lead in leads if histories[lead.id].current is Stage.MQL]

        rules = load_assignment_rules(example_data("routing.toml"))
        router = Router(rules, roster=Roster(data.users))
        routed_at = as_of + timedelta(minutes=5)
        with self.step(f"route {len(mqls)} MQLs to sales"):
            decisions = router.route_many(
                mqls, as_of=routed_at, state=InMemoryState(), events=by_lead
            )
            owners = {d.lead_id: d.owner for d in decisions}
            mqls = [attrs.evolve(lead, owner=owners[lead.id]) for lead in mqls]
            with SqliteUnitOfWork(self.db) as uow:
                for lead in mqls:
                    stored = uow.leads.get(lead.id)
                    uow.leads.update(attrs.evolve(stored, owner=owners[lead.id]))
                uow.commit()
        leads_by_id = {lead.id: lead for lead in leads} | {lead.id: lead for lead in mqls}

        accepted_at = as_of + timedelta(hours=2)
        qualified_at = as_of + timedelta(days=1)
        deals: dict[str, Money] = {}
        waiting = 0
        with self.step("sales accepts the MQLs and qualifies the best fits"):
            for lead in mqls:
                owner = _user(lead)
                if owner is None:
                    waiting += 1  # in a queue until someone picks it up: still an MQL
                    continue
                history = accept(histories[lead.id], at=accepted_at, by=owner.id)
                if self._qualifies(lead, grades):
                    deals[lead.id] = _deal_size(lead, self.settings)
                    history = qualify(
                        history,
                        at=qualified_at,
                        by=owner.id,
                        amount=deals[lead.id],
                        close_date=(qualified_at + timedelta(days=90)).date(),
                    )
                histories[lead.id] = history
        self.notes.append(
            f"{len(mqls)} MQLs routed; {len(mqls) - waiting} accepted by their salesperson"
            + (f", {waiting} waiting in a queue" if waiting else "")
            + f"; {len(deals)} qualified as SQLs"
            + f" (grade {self.settings.qualify_min_grade} or better)."
        )

        with self.step(f"convert {len(deals)} SQLs (取引開始) into accounts, contacts, deals"):
            # The amount and close date given at qualification become the deal's; leads
            # of existing customers are matched to their account and contact on purpose.
            requests = [
                ConversionRequest.from_qualification(
                    histories[lead_id],
                    "Closed - Converted",
                    account="match",
                    contact="match",
                    owner=_user(leads_by_id[lead_id]),
                )
                for lead_id in deals
            ]
            results = convert_leads(
                requests, functools.partial(SqliteUnitOfWork, self.db), as_of=qualified_at
            )
            opportunities = [r.opportunity for r in results if r.opportunity is not None]
            with SqliteUnitOfWork(self.db) as uow:
                converted = uow.leads.get_many([r.lead_id for r in results if r.success])
                members = uow.campaign_members.all()
        failed = [r for r in results if not r.success]
        self.notes.append(
            f"{len(results) - len(failed)} leads converted"
            + (f", {len(failed)} failed: {failed[0].errors[0]}" if failed else "")
        )
        self.notes.append(
            f"database: {self.db}"
            if self.keep_db
            else "the database was temporary; keep one with --db leadkit-demo.sqlite3"
        )
        # The sales history of the sample: earlier leads converted and their deals closed.
        deals_by_id = {o.id: o for o in data.opportunities}
        for lead in data.converted_leads:
            if lead.conversion is not None and lead.conversion.opportunity_id in deals_by_id:
                histories[lead.id] = _past_history(
                    lead, deals_by_id[lead.conversion.opportunity_id]
                )
        new_pipeline = opportunities
        opportunities = [*data.opportunities, *new_pipeline]
        final_leads = list(
            {
                **leads_by_id,
                **{lead.id: lead for lead in converted},
                **{lead.id: lead for lead in data.converted_leads},
            }.values()
        )
        if self.settings.export is not None:
            with self.step(f"export the database as CSV to {self.settings.export}"):
                written = _export(
                    self.db, self.settings.export, formula_safe=self.settings.formula_safe
                )
            self.notes.append(f"{len(written)} CSV files written to {self.settings.export}")
        report_as_of = qualified_at + timedelta(hours=1)

        with self.step("nurture the fresh inquiries (five lessons by mail)"):
            nurture_tables, nurture_note = run_nurture(
                self.db, list(leads_by_id.values()), as_of=as_of
            )
        self.notes.append(nurture_note)

        with self.step("reports"):
            self.tables.append(self._funnel(histories, report_as_of, final_leads))
            self.tables.append(self._closed(data.opportunities))
            self.tables.append(self._top(cards, grades, histories, leads_by_id, names))
            self.tables.append(
                self._load(final_leads, opportunities, histories, data, report_as_of)
            )
            influence = attribute(
                new_pipeline,
                members,
                leads=final_leads,
                campaigns=data.campaigns,
                model=TimeDecay(half_life_days=30),
                won_only=False,
            )
            table = influence.table()
            self.tables.append(
                attrs.evolve(
                    table, title="Campaign influence on the new pipeline (time decay, 30 days)"
                )
            )
            won = attribute(
                opportunities,
                members,
                leads=final_leads,
                campaigns=data.campaigns,
                model=TimeDecay(half_life_days=30),
                won_only=True,
            )
            self.tables.append(
                attrs.evolve(
                    won.table(), title="Campaign influence on won revenue (time decay, 30 days)"
                )
            )
            self.tables.append(
                source_effectiveness(
                    final_leads, histories=histories.values(), opportunities=opportunities
                ).table()
            )
            # What each campaign and each source cost per lead, MQL, SQL and won deal, and
            # what it returned, credited by the same model as the influence tables.
            roi = campaign_roi(
                data.campaigns,
                members,
                leads=final_leads,
                opportunities=opportunities,
                histories=histories.values(),
                model=TimeDecay(half_life_days=30),
            )
            self.tables.append(roi.table())
            self.tables.append(roi.source_table())
            self.tables.append(email_rates(events).table())
            # The inside-sales day: who nobody has answered, and one rep's next actions.
            from leadkit.cli._worklist import demo_tables

            priorities = {i: priority_matrix(grades[i], cards[i]) for i in cards if i in grades}
            self.tables.extend(
                demo_tables(
                    self.db,
                    as_of=report_as_of,
                    policy=policy,
                    histories=histories,
                    priorities=priorities,
                )
            )
            self.tables.extend(nurture_tables)
        return self.tables

    def _qualifies(
        self,
        lead: Lead,
        grades: dict[str, Grade],
    ) -> bool:
        return grade_rank(grades[lead.id]) >= grade_rank(self.settings.qualify_min_grade)

    def _funnel(
        self, histories: dict[str, StageHistory], as_of: datetime, leads: list[Lead]
    ) -> Table:
        report = funnel(histories.values(), as_of=as_of, leads=leads)
        return funnel_table(report, title="Funnel: from inquiry to won deals")

    def _closed(self, opportunities: Sequence[Opportunity]) -> Table:
        """Deals closed before the demo's day (the sample's sales history): the win rate
        and the revenue won, per currency."""
        closed = [o for o in opportunities if o.is_closed]
        won = [o for o in closed if o.is_won]
        totals: dict[str, Money] = {}
        for deal in won:
            if deal.amount is not None:
                seen = totals.get(deal.amount.currency)
                totals[deal.amount.currency] = deal.amount if seen is None else seen + deal.amount
        rate = Percent(len(won) / len(closed)) if closed else None
        counts = (len(closed), len(won), len(closed) - len(won), rate)
        amounts: list[Money | None] = [*totals.values()] or [None]
        rows = [(*counts, money) for money in amounts]
        return Table(
            ("closed", "won", "lost", "win_rate", "won_amount"),
            rows,
            title="Closed deals from earlier campaigns",
        )

    def _top(
        self,
        cards: dict[str, ScoreCard],
        grades: dict[str, Grade],
        histories: dict[str, StageHistory],
        leads: dict[str, Lead],
        names: dict[str, str],
    ) -> Table:
        best = sorted(cards, key=lambda i: (-cards[i].total, i))[: self.settings.top]
        rows = []
        for lead_id in best:
            lead = leads[lead_id]
            card = cards[lead_id]
            reasons = sorted(card.contributions, key=lambda c: -abs(c.points))[:3]
            why = "; ".join(f"{c.name} {round(c.points, 1):+g}" for c in reasons)
            stage = histories[lead_id].current
            rows.append(
                (
                    lead.name.display,
                    lead.company,
                    round(card.total, 1),
                    str(grades[lead_id]),
                    priority_matrix(grades[lead_id], card),
                    stage.label if stage else "",
                    _owner_name(lead.owner, names),
                    why,
                )
            )
        return Table(
            ("lead", "company", "score", "grade", "priority", "stage", "owner", "why (top rules)"),
            rows,
            title=f"Top {len(rows)} leads by score",
        )

    def _load(
        self,
        leads: list[Lead],
        opportunities: list[Opportunity],
        histories: dict[str, StageHistory],
        data: SampleData,
        as_of: datetime,
    ) -> Table:
        team = team_performance(
            leads,
            opportunities=opportunities,
            histories=histories.values(),
            users=data.users,
            as_of=as_of,
        )
        rows = [
            (r.owner, r.leads, r.open_leads, r.accepted_mqls, r.converted, r.open_opportunities,
             r.open_amounts)
            for r in team.rows
        ]  # fmt: skip
        return Table(
            ("owner", "leads", "open_leads", "accepted_mqls", "converted", "open_opps",
             "pipeline"),
            rows,
            title="Each owner's load",
        )  # fmt: skip


_DEMO_MARK = "leadkit_demo"  # a table only the demo creates, in databases it owns


def _check_demo_path(path: Path) -> bool:
    """Refuse (before any work) unless ``path`` is free or a database the demo made;
    True if it is one to replace. Nothing is created or changed by looking."""
    refuse = "the demo writes only to a new file or to a database an earlier demo made"
    hint = "give --db a new file name"
    try:
        info = inspect_file(path)
    except DatabaseFileError as err:
        if path.is_dir():
            raise CliError(f"{err}; {refuse}", hint=hint) from None
        reason = str(err).removeprefix(f"{path}: ")
        raise CliError(
            f"{path} exists and is not a leadkit database ({reason}); {refuse}", hint=hint
        ) from None
    if info is None:
        leftovers = [p.name for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        if leftovers:
            raise CliError(
                f"{path} does not exist but {', '.join(leftovers)} beside it do; {refuse}",
                hint=hint,
            )
        if not path.parent.is_dir():
            raise CliError(
                f"folder {path.parent} does not exist", hint="create it or pick another --db"
            )
        return False
    if info.kind is not FileKind.LEADKIT:
        raise CliError(f"{path} exists and is not a leadkit database; {refuse}", hint=hint)
    if _DEMO_MARK not in info.tables:
        raise CliError(f"{path} is a leadkit database the demo did not create; {refuse}", hint=hint)
    return True


def _create_demo_database(path: Path) -> None:
    with SqliteUnitOfWork(path):
        pass  # the schema and leadkit's application id
    with contextlib.closing(sqlite3.connect(path.resolve())) as conn, conn:
        conn.execute(f"CREATE TABLE {_DEMO_MARK} (created_by TEXT NOT NULL)")
        conn.execute(f"INSERT INTO {_DEMO_MARK} VALUES ('leadkit demo')")


@contextlib.contextmanager
def _database(path: Path | None) -> Iterator[Path]:
    if path is None:
        with tempfile.TemporaryDirectory(prefix="leadkit-demo-") as folder:
            temporary = Path(folder) / "leadkit-demo.sqlite3"
            _create_demo_database(temporary)
            try:
                yield temporary
            finally:
                release_database(temporary)
        return
    if _check_demo_path(path):
        # Each run starts from the sample again, so running twice gives the same result.
        release_database(path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    _create_demo_database(path)
    yield path


def run_demo(
    ctx: Context, *, db: Path | None = None, settings: DemoSettings | None = None
) -> list[Table]:
    """Run the whole flow and return the report tables (notes are added as a table)."""
    with _database(db) as path:
        flow = _Flow(path, settings or DemoSettings(), ctx, keep_db=db is not None)
        tables = flow.run()
    notes = Table(("what happened",), [(n,) for n in flow.notes], title="leadkit demo")
    return [notes, *tables]
