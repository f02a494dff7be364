"""Web-to-lead intake: a submitted form becomes a lead and an Inquiry event, a new
engagement event on an existing lead or contact, or a rejection with its reasons.

Nothing submitted is dropped silently: every outcome carries the submission, and a
rejection says why (each problem with the form field it concerns).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, cast

import attrs

from leadkit._checks import aware_datetime, unit_of_work
from leadkit.dedupe import (
    DEFAULT_LEAD_DUPLICATE_RULES,
    DuplicateAction,
    DuplicateBlockedError,
    DuplicateCheck,
    DuplicateFinding,
    DuplicateRuleSet,
    MatchIndex,
    MatchPair,
    Operation,
    check_duplicates,
)
from leadkit.errors import LeadkitError, Problem, ValidationError
from leadkit.intake._campaigns import campaign_of, campaign_response, record_campaign_responses
from leadkit.intake._form import IntakeForm, read_form
from leadkit.intake._ratelimit import RateDecision, RateLimiter
from leadkit.model import CampaignMember, Contact, CustomFields, EngagementEvent, Lead, email_key
from leadkit.model._validators import text_problem
from leadkit.repository import UnitOfWork
from leadkit.visitors import VisitorStore, identify_in

__all__ = ["IntakeOutcome", "IntakeResult", "Submission", "intake"]


class IntakeOutcome(enum.Enum):
    """What became of a submission."""

    CREATED = "created"
    """A new lead (and its Inquiry event)."""
    MATCHED = "matched"
    """An engagement event on the existing lead or contact it duplicates."""
    REJECTED = "rejected"
    """Nothing stored; ``problems`` say why."""


@attrs.frozen
class Submission:
    """One submitted form as received: its fields (text), when, from whom, which form."""

    form: str
    fields: Mapping[str, str]
    received_at: datetime
    client: str | None = None


@attrs.frozen
class IntakeResult:
    """The outcome of one submission, always with the submission itself.

    CREATED: ``lead`` is the new lead, ``event`` its Inquiry event, ``matches`` the
    duplicates an alerting rule found, then the possible duplicates (``pair.possible``).
    MATCHED: ``lead`` or ``contact`` is the existing
    record the submission duplicates and ``event`` records the submission on it.
    REJECTED: ``problems`` lists every reason (spam, rate limit, each invalid field).
    ``stored`` is True when a unit of work was given and the records were committed.
    ``campaign_member`` is the responded campaign membership a submission naming a
    campaign wrote (or, without a unit of work, would write); None when none changed.
    """

    outcome: IntakeOutcome
    submission: Submission
    lead: Lead | None = None
    contact: Contact | None = None
    event: EngagementEvent | None = None
    matches: tuple[MatchPair, ...] = ()
    problems: tuple[Problem, ...] = ()
    stored: bool = False
    campaign_member: CampaignMember | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The problems as text, each prefixed by the form field it concerns."""
        return tuple(str(problem) for problem in self.problems)

    @property
    def accepted(self) -> bool:
        """True unless the submission was rejected."""
        return self.outcome is not IntakeOutcome.REJECTED

    def explain(self) -> str:
        """The outcome in words."""
        if self.outcome is IntakeOutcome.REJECTED:
            head = f"submission to {self.submission.form!r} rejected:"
            return "\n".join([head, *(f"  - {reason}" for reason in self.reasons)])
        if self.outcome is IntakeOutcome.CREATED:
            assert self.lead is not None
            lines = [f"new lead {self.lead.id!r} ({self.lead.name}, {self.lead.company})"]
            lines += [f"  - possible duplicate of {pair.right!r}" for pair in self.matches]
        else:
            event = cast(EngagementEvent, self.event)
            kind, target = (
                ("lead", event.lead_id) if event.lead_id else ("contact", event.contact_id)
            )
            lines = [f"recorded on existing {kind} {target!r}, which the submission duplicates"]
        if self.event is not None:
            lines.append(f"  - event {self.event.kind!r} {self.event.id!r}")
        if self.campaign_member is not None:
            member = self.campaign_member
            lines.append(
                f"  - responded to campaign {member.campaign_id!r} "
                f"(first response {member.first_responded_at})"
            )
        return "\n".join(lines)


def _text(value: object) -> str | None:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ", ".join(value)  # a multi-valued field (check boxes)
    return None


def _submission(
    form: object, mapping: IntakeForm, as_of: datetime, client: str | None
) -> tuple[Submission, list[Problem]]:
    if not isinstance(form, Mapping):
        raise ValidationError(
            f"a submitted form is a mapping of field name to text, got {type(form).__name__}",
            path="form",
        )
    fields: dict[str, str] = {}
    problems: list[Problem] = []
    for name, value in form.items():
        text = _text(value)
        if not isinstance(name, str) or text_problem(name) is not None:
            problems.append(Problem(ascii(name), "form field names are valid text"))
        elif text is None:
            problems.append(Problem(name, f"expected text, got {type(value).__name__}"))
        elif (problem := text_problem(text)) is not None:
            # Kept out of the submission too: it is returned to be stored or shown.
            problems.append(Problem(name, problem))
            fields[name] = text.encode("utf-8", "replace").decode("utf-8")
        else:
            fields[name] = text
    return Submission(mapping.name, fields, as_of, client), problems


def _properties(form: IntakeForm, read: Mapping[str, Any], submission: Submission) -> CustomFields:
    summary: dict[str, Any] = {"form": form.name}
    for target, value in read.items():
        summary[target.replace(".", "_")] = value
    campaign = _campaign(form, submission)
    if campaign is not None:
        summary["campaign_id"] = campaign
    unmapped = [name for name, text in submission.fields.items()
                if name not in form.fields and name != form.honeypot
                and name not in form.campaign_fields and name not in form.visitor_fields
                and text.strip()]  # fmt: skip
    if unmapped:
        summary["unmapped_fields"] = ", ".join(unmapped)
    if submission.client:
        summary["client"] = submission.client
    return CustomFields(summary)


def _campaign(form: IntakeForm, submission: Submission) -> str | None:
    for name in form.campaign_fields:
        found = campaign_of(submission.fields.get(name))
        if found is not None:
            return found
    return None


def _stitch(
    uow: UnitOfWork,
    visitors: VisitorStore | None,
    mapping: IntakeForm,
    submission: Submission,
    event: EngagementEvent,
) -> None:
    store = visitors if visitors is not None else getattr(uow, "visitors", None)
    if store is None:
        return
    for name in mapping.visitor_fields:
        visitor = campaign_of(submission.fields.get(name))
        if visitor is not None:
            link = store.link_of(visitor)
            owner = (event.lead_id, event.contact_id)
            if link is not None and (link.lead_id, link.contact_id) != owner:
                # A visitor known as someone else (a shared computer): the submission
                # stands, the other person's history is not handed over.
                return
            identify_in(
                uow,
                store,
                visitor_id=visitor,
                lead_id=event.lead_id,
                contact_id=event.contact_id,
                as_of=submission.received_at,
            )
            return


def _unsaved_response(result: IntakeResult) -> IntakeResult:
    event = result.event
    campaign = campaign_of(event.campaign_id) if event is not None else None
    if event is None or campaign is None or not result.accepted:
        return result
    member = campaign_response(
        (),
        campaign_id=campaign,
        lead_id=event.lead_id,
        contact_id=event.contact_id,
        responded_at=event.occurred_at,
    )
    return attrs.evolve(result, campaign_member=member)


def _candidates(lead: Lead, uow: UnitOfWork) -> tuple[list[Lead], list[Contact], dict[str, str]]:
    """Existing leads and contacts sharing an e-mail, phone or company key with ``lead``."""
    leads: dict[str, Lead] = {}
    contacts: dict[str, Contact] = {}
    phones = [p for p in (lead.phone, lead.mobile) if p]
    found: list[Iterable[Lead]] = [uow.leads.by_company_key(lead.company)]
    if lead.email:
        found.append(uow.leads.by_email_key(lead.email))
        for contact in uow.contacts.by_email_key(lead.email):
            contacts[contact.id] = contact
    for phone in phones:
        found.append(uow.leads.by_phone_key(phone))
        for contact in uow.contacts.by_phone_key(phone):
            contacts[contact.id] = contact
    for records in found:
        for record in records:
            leads[record.id] = record
    accounts = {a.id: a.name for a in uow.accounts.by_company_key(lead.company)}
    for account_id in accounts:
        for contact in uow.contacts.by_account(account_id):
            contacts[contact.id] = contact
    missing = {c.account_id for c in contacts.values()} - accounts.keys()
    for account_id in missing:
        account = uow.accounts.find(account_id)
        if account is not None:
            accounts[account.id] = account.name
    return list(leads.values()), list(contacts.values()), accounts


def _check(
    lead: Lead,
    rules: DuplicateRuleSet,
    indexes: Mapping[str, MatchIndex] | None,
    uow: UnitOfWork | None,
) -> tuple[DuplicateCheck, dict[str, MatchIndex]]:
    """Run each rule against the given index, or one built from the repositories."""
    used: dict[str, MatchIndex] = {}
    findings: list[DuplicateFinding] = []
    pool: tuple[list[Lead], list[Contact], dict[str, str]] | None = None
    for position, rule in enumerate(rules.rules):
        if rule.action(Operation.CREATE) is DuplicateAction.ALLOW:
            continue
        index = (indexes or {}).get(rule.against)
        if index is None:
            if uow is None or rule.against not in ("leads", "contacts"):
                raise ValidationError(
                    f"rule {rule.name!r} checks against {rule.against!r}: give "
                    f"indexes[{rule.against!r}]" + ("" if uow else " or a unit of work"),
                    path=f"rules.rules[{position}].against",
                )
            pool = pool or _candidates(lead, uow)
            records: list[Any] = pool[0] if rule.against == "leads" else pool[1]
            index = MatchIndex(records, rule.matching_rule, account_names=pool[2])
        used[rule.name] = index
        try:
            check = check_duplicates(lead, DuplicateRuleSet([rule]), {rule.against: index})
        except DuplicateBlockedError as blocked:
            check = blocked.check
        findings.extend(check.findings)
    return DuplicateCheck(lead.id, Operation.CREATE, tuple(findings)), used


def _existing(pair: MatchPair, index: MatchIndex) -> Lead | Contact | None:
    """The record a submission should be recorded on: a lead, or a converted lead's
    contact, or a contact."""
    record = index.get(pair.right)
    if isinstance(record, Lead | Contact):
        return record
    return None


def _check_args(
    mapping: object, rules: object, as_of: object, uow: object, limiter: object
) -> tuple[IntakeForm, DuplicateRuleSet | None, datetime]:
    if not isinstance(mapping, IntakeForm):
        raise ValidationError(
            f"expected an IntakeForm, got {type(mapping).__name__}", path="mapping"
        )
    if rules is not None and not isinstance(rules, DuplicateRuleSet):
        raise ValidationError(
            f"expected a DuplicateRuleSet or None, got {type(rules).__name__}", path="rules"
        )
    as_of = aware_datetime(as_of)
    if uow is not None:
        unit_of_work(uow, path="uow")
    if limiter is not None and not callable(getattr(limiter, "hit", None)):
        raise ValidationError(
            f"expected a RateLimiter (with a hit method), got {type(limiter).__name__}",
            path="rate_limiter",
        )
    return mapping, rules, as_of


def intake(
    form: Mapping[str, object],
    *,
    as_of: datetime,
    mapping: IntakeForm | None = None,
    rules: DuplicateRuleSet | None = DEFAULT_LEAD_DUPLICATE_RULES,
    uow: UnitOfWork | None = None,
    indexes: Mapping[str, MatchIndex] | None = None,
    rate_limiter: RateLimiter | None = None,
    client: str | None = None,
    attach_to_match: bool = False,
    visitors: VisitorStore | None = None,
    assign: Callable[[Lead, UnitOfWork], Lead] | None = None,
) -> IntakeResult:
    """Turn one submitted web form into a lead and an Inquiry event (web-to-lead).

    In order: the fields are read through ``mapping`` (default :class:`IntakeForm`),
    trimmed and width-normalised; a filled honeypot rejects the submission as spam; every
    invalid or missing field is listed; ``rate_limiter`` (keyed by ``client``, an IP
    address say, else the e-mail key) may refuse it; then the duplicate ``rules`` decide.
    No match, or alerting rules: a new lead (CREATED, the alerts in ``matches``). A
    blocking rule (or any match with ``attach_to_match``): the submission becomes an
    engagement event on the best-matching existing lead or contact (MATCHED) — a
    converted lead's contact — so it is recorded, not lost. Rejections (REJECTED)
    return the submission and every reason, for the caller to store or show.

    With ``uow`` (not active), duplicates are looked for among the stored leads and
    contacts sharing an e-mail, phone or company key (or in ``indexes`` by rule name),
    and the lead and event are written and committed together with the submission's
    place in the rate limit: a unit-of-work limiter (:class:`InMemoryRateLimiter`,
    :class:`SqliteRateLimiter`, :class:`UnitOfWorkRateLimiter`) counts it in
    ``uow.rate_limits``, in the same transaction. Any failure after the place is taken
    (a storage error, rejected with the reason ``storage``; a blocking duplicate with
    nothing to record it on; an exception) rolls back the count with the records, so
    nothing is counted and nothing stored. Without ``uow`` give ``indexes`` (or
    ``rules=None``): the records are returned unsaved (``stored`` False), and the
    limiter is asked last, once nothing else can reject the submission. An index named
    ``"leads"`` in ``indexes`` is given each new lead.

    A submission whose hidden campaign field (``mapping.campaign_fields``, such as
    ``Campaign_ID``) names a campaign is a response to it: the event carries
    ``campaign_id``, and the lead (or the contact it matched) becomes a responded member
    of the campaign with the submission's date as its first response
    (``campaign_member``), written in the same transaction when ``uow`` holds that
    campaign; an id the store does not know creates no membership.

    With ``uow``, a hidden visitor field (``mapping.visitor_fields``, ``visitor_id`` by
    default) identifies the visitor: their earlier anonymous events, stored in
    ``uow.visitors`` (or in ``visitors``, another :class:`~leadkit.visitors.VisitorStore`),
    are attached to the lead (or matched contact) in the same transaction, once
    (:func:`~leadkit.visitors.identify_in`). A visitor already linked to someone else
    keeps that link and their history; the submission is taken all the same.

    With ``assign`` and ``uow``, a new lead is given to ``assign(lead, uow)`` inside the
    transaction, before it is written: the lead it returns (with its owner, say) is the
    one stored and returned, and whatever ``assign`` writes in ``uow`` (a routing turn
    taken in ``uow.routing_state``) commits or rolls back with it. The web-to-lead
    server assigns through its routing rules this way (:class:`~leadkit.server.WebToLead`).

    >>> from datetime import datetime, UTC
    >>> result = intake({"会社名": "株式会社ABC", "姓": "山田", "名": "太郎",
    ...                  "メールアドレス": "ｔａｒｏ＠ａｂｃ．ｃｏ．ｊｐ"},
    ...                 as_of=datetime(2026, 4, 1, tzinfo=UTC), rules=None)
    >>> result.outcome.value, result.lead.email, result.event.kind
    ('created', 'taro@abc.co.jp', 'inquiry')
    >>> intake({"姓": "山田"}, as_of=datetime(2026, 4, 1, tzinfo=UTC), rules=None).reasons
    ('company: required: the company (会社名) is missing',)
    """
    mapping = IntakeForm() if mapping is None else mapping
    mapping, rules, as_of = _check_args(mapping, rules, as_of, uow, rate_limiter)
    if client is not None and (not isinstance(client, str) or text_problem(client)):
        raise ValidationError(f"client is a str (an address), got {client!r}", path="client")
    if not isinstance(attach_to_match, bool):
        raise ValidationError(
            f"expected True or False, got {attach_to_match!r}", path="attach_to_match"
        )
    if assign is not None and (not callable(assign) or uow is None):
        raise ValidationError(
            f"assign is a function of (lead, uow), given with uow; got {assign!r}",
            path="assign",
        )
    submission, problems = _submission(form, mapping, as_of, client)

    def rejected(*found: Problem) -> IntakeResult:
        return IntakeResult(IntakeOutcome.REJECTED, submission, problems=tuple(found))

    if mapping.honeypot and submission.fields.get(mapping.honeypot, "").strip():
        problems.insert(0, Problem(mapping.honeypot, "spam: honeypot"))
    lead, read, invalid = read_form(submission.fields, mapping, as_of=as_of)
    problems += invalid
    if problems or lead is None:
        return rejected(*problems)
    key: str | None = None
    if rate_limiter is not None:
        key = client or (email_key(lead.email) if lead.email else "(no address)")
    properties = _properties(mapping, read, submission)
    limit = _Limit(rate_limiter, key, as_of)
    try:
        result = _decide(
            lead,
            submission,
            properties,
            mapping,
            rules,
            indexes,
            uow,
            attach_to_match,
            limit,
            visitors,
            assign,
        )
    except DuplicateBlockedError as blocked:  # blocked, and nothing to record it on
        rejection = rejected(Problem("duplicate", str(blocked)))
        return attrs.evolve(rejection, matches=blocked.matches)
    except ValidationError:
        raise  # the rules, indexes or unit of work given do not fit: fix the call
    except LeadkitError as error:
        return rejected(Problem("storage", f"[{error.code}] {error}"))
    if isinstance(result, RateDecision):
        return rejected(Problem("rate_limit", f"spam: rate limit: {result}"))
    return result


@attrs.frozen
class _Limit:
    """The rate limit of one submission, taken once it is known to be accepted."""

    limiter: RateLimiter | None
    key: str | None
    as_of: datetime

    @property
    def in_store(self) -> bool:
        """True when the limiter counts in a unit of work's ``rate_limits``."""
        return callable(getattr(self.limiter, "take", None))

    def take(self, uow: UnitOfWork | None) -> RateDecision | None:
        """Count the submission (in ``uow`` when the limiter can count there); the
        decision when the limit refuses it, else None."""
        if self.limiter is None or self.key is None:
            return None
        if uow is not None and self.in_store:
            decision: RateDecision = self.limiter.take(  # type: ignore[attr-defined]
                uow.rate_limits, self.key, as_of=self.as_of
            )
        else:
            decision = self.limiter.hit(self.key, as_of=self.as_of)
        return None if decision.allowed else decision


def _decide(
    lead: Lead,
    submission: Submission,
    properties: CustomFields,
    mapping: IntakeForm,
    rules: DuplicateRuleSet | None,
    indexes: Mapping[str, MatchIndex] | None,
    uow: UnitOfWork | None,
    attach_to_match: bool,
    limit: _Limit,
    visitors: VisitorStore | None = None,
    assign: Callable[[Lead, UnitOfWork], Lead] | None = None,
) -> IntakeResult | RateDecision:
    """The outcome, or the rate limit's decision when it refuses the submission."""
    if uow is None:
        result = _outcome(
            lead, submission, properties, mapping, rules, indexes, None, attach_to_match
        )
        refused = limit.take(None)  # last: nothing can reject the submission after it
        if refused is not None:
            return refused
        result = _unsaved_response(result)
    else:
        with uow:  # the count, the lead and the event commit or roll back together
            refused = limit.take(uow) if limit.in_store else None
            if refused is not None:
                return refused  # leaving without a commit rolls back
            result = _outcome(
                lead, submission, properties, mapping, rules, indexes, uow, attach_to_match
            )
            if result.lead is not None and result.outcome is IntakeOutcome.CREATED:
                new = result.lead
                if assign is not None:
                    new = _assigned(assign(new, uow), new)
                    result = attrs.evolve(result, lead=new)
                uow.leads.add(new)
            event = result.event
            if event is not None:
                uow.engagement_events.add(event)
                written = record_campaign_responses(uow, events=[event])
                if written:
                    result = attrs.evolve(result, campaign_member=written[-1])
                _stitch(uow, visitors, mapping, submission, event)
            if not limit.in_store:
                # A limiter with a store of its own counts just before the commit; only
                # a failing commit leaves that count taken.
                refused = limit.take(uow)
                if refused is not None:
                    return refused
            uow.commit()
        result = attrs.evolve(result, stored=True)
    if result.outcome is IntakeOutcome.CREATED and indexes and "leads" in indexes:
        indexes["leads"].add(lead)
    return result


def _assigned(given: object, lead: Lead) -> Lead:
    if not isinstance(given, Lead) or given.id != lead.id:
        raise ValidationError(
            f"assign returns the lead it was given (id {lead.id!r}), changed; got {given!r}",
            path="assign",
        )
    return given


def _outcome(
    lead: Lead,
    submission: Submission,
    properties: CustomFields,
    mapping: IntakeForm,
    rules: DuplicateRuleSet | None,
    indexes: Mapping[str, MatchIndex] | None,
    uow: UnitOfWork | None,
    attach_to_match: bool,
) -> IntakeResult:
    matches: tuple[MatchPair, ...] = ()
    if rules is not None:
        check, used = _check(lead, rules, indexes, uow)
        # Possible duplicates (同姓同名 ...) are alerts too: reported, never attached to.
        matches = check.matches + check.possible
        attach = [
            (pair, used[finding.rule])
            for finding in sorted(
                check.findings, key=lambda f: f.action is not DuplicateAction.BLOCK
            )
            if attach_to_match or finding.action is DuplicateAction.BLOCK
            for pair in finding.matches
        ]
        if attach:
            for pair, index in attach:
                existing = _existing(pair, index)
                if existing is not None:
                    return _matched(existing, submission, properties, mapping, matches, uow)
            if check.blocked:
                raise DuplicateBlockedError(check)
    event = EngagementEvent(
        kind=mapping.event_kind, occurred_at=submission.received_at, lead_id=lead.id,
        properties=properties,
    )  # fmt: skip
    return IntakeResult(IntakeOutcome.CREATED, submission, lead=lead, event=event, matches=matches)


def _matched(
    existing: Lead | Contact,
    submission: Submission,
    properties: CustomFields,
    mapping: IntakeForm,
    matches: tuple[MatchPair, ...],
    uow: UnitOfWork | None,
) -> IntakeResult:
    lead: Lead | None = None
    contact: Contact | None = None
    if isinstance(existing, Lead) and existing.conversion is not None:
        # A converted lead is read-only history; the person lives on as its contact.
        contact_id = existing.conversion.contact_id
        found = uow.contacts.find(contact_id) if uow is not None else None
        contact = found
        who: dict[str, Any] = {"contact_id": contact_id}
    elif isinstance(existing, Lead):
        lead = existing
        who = {"lead_id": existing.id}
    else:
        contact = existing
        who = {"contact_id": existing.id}
    event = EngagementEvent(
        kind=mapping.event_kind,
        occurred_at=submission.received_at,
        properties=properties,
        **who,
    )
    return IntakeResult(
        IntakeOutcome.MATCHED, submission, lead=lead, contact=contact, event=event, matches=matches
    )
