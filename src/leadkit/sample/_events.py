"""What leads did: engagement events and campaign memberships, block by block."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from leadkit.model import (
    DEFAULT_SOURCES,
    CampaignMember,
    CustomFields,
    EngagementEvent,
    EventKind,
    Lead,
)
from leadkit.sample import _words as w
from leadkit.sample._choice import Weighted
from leadkit.sample._leads import Settings
from leadkit.sample._org import SOURCE_CAMPAIGNS, CampaignPlan
from leadkit.visitors import VisitorEvent

__all__ = ["block_activity"]

K = EventKind
_USUAL = Weighted(
    [
        (K.PAGE_VIEW, 55.0),
        (K.EMAIL_OPEN, 14.0),
        (K.EMAIL_CLICK, 5.0),
        (K.LINK_CLICK, 5.0),
        (K.PRICING_PAGE_VISIT, 4.0),
        (K.FILE_DOWNLOAD, 4.0),
        (K.FORM_SUBMIT, 2.5),
        (K.CAREERS_PAGE_VISIT, 1.5),
        (K.FORM_ERROR, 1.0),
        (K.DEMO_REQUEST, 0.5),
        (K.INQUIRY, 0.5),
    ]
)
# About one lead in seven is in buying mode: pricing, downloads, demo requests.
_KEEN = Weighted(
    [
        (K.PAGE_VIEW, 40.0),
        (K.EMAIL_OPEN, 14.0),
        (K.EMAIL_CLICK, 8.0),
        (K.LINK_CLICK, 5.0),
        (K.PRICING_PAGE_VISIT, 12.0),
        (K.FILE_DOWNLOAD, 8.0),
        (K.FORM_SUBMIT, 5.0),
        (K.CAREERS_PAGE_VISIT, 0.5),
        (K.FORM_ERROR, 1.0),
        (K.DEMO_REQUEST, 3.0),
        (K.INQUIRY, 2.0),
    ]
)
_KEEN_SHARE = 0.15
# Counts per lead are long-tailed: most leads do little, a few do a lot.
_SIGMA = 1.0
_WEBINAR_KINDS = {"webinar_ja": K.WEBINAR, "webinar_en": K.WEBINAR, "seminar_ja": K.SEMINAR}


@functools.lru_cache(maxsize=4096)
def _props(*items: tuple[str, str]) -> CustomFields:
    # Events repeat a few hundred property sets millions of times: build each once.
    return CustomFields(dict(items))


def _count(rng: random.Random, mean: float) -> int:
    mu = math.log(mean) - _SIGMA * _SIGMA / 2
    return min(int(mean * 40), int(math.exp(rng.gauss(mu, _SIGMA)) + 0.5))


def _properties(
    rng: random.Random, kind: str, newsletter: CampaignPlan | None
) -> tuple[str, CustomFields]:
    """Details of an event of ``kind``; e-mail events need a newsletter to come from."""
    if kind == K.PAGE_VIEW:
        return kind, _props(("url", w.PAGE_URLS.pick(rng)))
    if kind == K.PRICING_PAGE_VISIT:
        return kind, _props(("url", "/pricing"))
    if kind == K.CAREERS_PAGE_VISIT:
        return kind, _props(("url", w.CAREERS_URLS.pick(rng)))
    if kind in (K.FORM_SUBMIT, K.FORM_ERROR):
        return kind, _props(("form", w.FORMS.pick(rng)))
    if kind == K.FILE_DOWNLOAD:
        return kind, _props(("asset", w.ASSETS.pick(rng)))
    if kind == K.LINK_CLICK:
        return kind, _props(("url", w.LINKS.pick(rng)))
    if kind == K.DEMO_REQUEST:
        return kind, _props(("form", "demo"))
    if kind == K.INQUIRY:
        return kind, _props(("channel", "web"))
    if newsletter is None:  # no newsletter, no e-mail to open: they browsed instead
        return K.PAGE_VIEW, _props(("url", w.PAGE_URLS.pick(rng)))
    campaign_id = ("campaign_id", newsletter.campaign.id)
    if kind == K.EMAIL_CLICK:
        return kind, _props(campaign_id, ("url", w.LINKS.pick(rng)))
    return kind, _props(campaign_id)


def _first_event(
    lead: Lead, plan: CampaignPlan | None, rng: random.Random
) -> tuple[str, CustomFields] | None:
    """The event a lead arrived with, when its source leaves one."""
    standard = DEFAULT_SOURCES.find(lead.lead_source) if lead.lead_source else None
    source = standard.api_name if standard else ""
    campaign = ("campaign_id", plan.campaign.id) if plan is not None else None
    if source == "Web":
        return K.FORM_SUBMIT, _props(("form", w.FORMS.pick(rng)))
    if source == "Phone Inquiry":
        return K.INQUIRY, _props(("channel", "phone"))
    if campaign is None or plan is None:
        return None
    if source == "Trade Show":
        return K.TRADE_SHOW_VISIT, _props(campaign)
    if source in ("Webinar", "Seminar"):
        return _WEBINAR_KINDS.get(plan.key, K.WEBINAR), _props(campaign)
    if source == "Newsletter":
        return K.EMAIL_CLICK, _props(campaign, ("url", w.LINKS.pick(rng)))
    if source == "Advertisement":
        return K.PAGE_VIEW, _props(campaign, ("url", "/lp/crm"))
    return None


_Moment = tuple[datetime, str, CustomFields]
"""An event before it has an id: when, what, details."""
_Joined = tuple[CampaignPlan, datetime, str, datetime | None]
"""A membership before it has an id: campaign, since when, status, first response."""


class _Activity:
    """One lead's activity while it is drawn."""

    __slots__ = ("joined", "newsletter", "timeline")

    def __init__(self) -> None:
        self.joined: list[_Joined] = []
        self.timeline: list[_Moment] = []
        self.newsletter: CampaignPlan | None = None


def _source_plan(
    lead: Lead, plans: Mapping[str, CampaignPlan], language: str
) -> CampaignPlan | None:
    """The campaign the lead's source brought it in through, if any."""
    standard = DEFAULT_SOURCES.find(lead.lead_source) if lead.lead_source else None
    key = SOURCE_CAMPAIGNS.get((standard.api_name if standard else "", language))
    plan = plans.get(key) if key else None
    return plan if plan is not None and plan.first_day <= lead.created_at.date() else None


def _join_newsletter(
    rng: random.Random,
    lead: Lead,
    plan: CampaignPlan | None,
    newsletter: CampaignPlan | None,
    activity: _Activity,
) -> None:
    if newsletter is None or not lead.email or lead.email_opt_out:
        return
    if plan is newsletter:
        activity.newsletter = newsletter
    elif rng.random() < 0.45:
        activity.newsletter = newsletter
        activity.joined.append((newsletter, lead.created_at, "Sent", None))


def _attend_talks(
    rng: random.Random,
    lead: Lead,
    plan: CampaignPlan | None,
    talks: Sequence[CampaignPlan],
    today: date,
    activity: _Activity,
    *,
    with_events: bool,
) -> None:
    """Invitations to the webinars and seminars held after the lead arrived."""
    created = lead.created_at
    for talk in talks:
        if talk is plan or not lead.email:
            continue
        if not (created.date() < talk.first_day and talk.last_day < today):
            continue
        if rng.random() >= 0.3:
            continue
        start = datetime.combine(talk.first_day, time(15), created.tzinfo)
        invited = created + (start - created) / 2
        if rng.random() < 0.35:
            activity.joined.append((talk, invited, "Attended", start))
            if with_events:
                kind = _WEBINAR_KINDS[talk.key]
                activity.timeline.append((start, kind, _props(("campaign_id", talk.campaign.id))))
        else:
            activity.joined.append((talk, invited, "Sent", None))


def _browse(rng: random.Random, lead: Lead, settings: Settings, activity: _Activity) -> None:
    """The long tail of page views, e-mail opens, downloads ... after the lead arrived."""
    created = lead.created_at
    span = int((settings.as_of - created).total_seconds())
    kinds = _KEEN if rng.random() < _KEEN_SHARE else _USUAL
    for _ in range(_count(rng, max(0.1, settings.events_per_lead - 0.5))):
        kind, properties = _properties(rng, kinds.pick(rng), activity.newsletter)
        # Interest fades: most activity comes soon after a lead arrives.
        offset = int(span * rng.random() ** 1.6)
        activity.timeline.append((created + timedelta(seconds=offset), kind, properties))
    if lead.email_opt_out:
        offset = int(span * rng.random())
        activity.timeline.append((created + timedelta(seconds=offset), K.UNSUBSCRIBE, _props()))


# Newsletters go out monthly, from their first day, at 10:00 in the reader's time zone.
_ISSUE_DAYS = 30
_ISSUE_TIME = time(10)
# How many web leads browsed anonymously (a cookie) before filling in the form, and what.
_TRACKED_SHARE = 0.6
_ANONYMOUS = Weighted(
    [(K.PAGE_VIEW, 70.0), (K.PRICING_PAGE_VISIT, 15.0), (K.FILE_DOWNLOAD, 10.0),
     (K.CAREERS_PAGE_VISIT, 5.0)]
)  # fmt: skip
_FIRST_VISIT_DAYS = 21


def _sends(
    lead: Lead, newsletter: CampaignPlan | None, today: date, as_of: datetime
) -> list[tuple[datetime, CustomFields]]:
    """One send per issue of the lead's newsletter after it subscribed (its arrival)."""
    if newsletter is None:
        return []
    created = lead.created_at
    last = min(newsletter.last_day, today)
    found = []
    day = newsletter.first_day
    properties = _props(("campaign_id", newsletter.campaign.id))
    while day <= last:
        sent = datetime.combine(day, _ISSUE_TIME, created.tzinfo)
        if created < sent <= as_of:
            found.append((sent, properties))
        day += timedelta(days=_ISSUE_DAYS)
    return found


def _anonymous_visits(
    rng: random.Random, lead: Lead, first: tuple[str, CustomFields] | None, visitor: str
) -> tuple[list[tuple[datetime, str, CustomFields]], tuple[str, CustomFields] | None]:
    """The visits a web lead made under a cookie before its form, and the form event
    naming that cookie; nothing when the lead came in otherwise or was not tracked."""
    if first is None or first[0] != K.FORM_SUBMIT or rng.random() >= _TRACKED_SHARE:
        return [], first
    created = lead.created_at
    span = _FIRST_VISIT_DAYS * 86_400
    visits = []
    for _ in range(1 + int(rng.expovariate(0.5))):
        kind, properties = _properties(rng, _ANONYMOUS.pick(rng), None)
        before = timedelta(seconds=60 + int(span * rng.random() ** 2))
        visits.append((created - before, kind, properties))
    visits.sort(key=lambda visit: visit[0])
    form = CustomFields({**first[1], "visitor_id": visitor})
    return visits, (first[0], form)


def _mark_newsletter_responses(activity: _Activity, plan: CampaignPlan | None) -> None:
    newsletter = activity.newsletter
    if newsletter is None or newsletter is plan:
        return
    clicks = [
        moment
        for moment, kind, properties in activity.timeline
        if kind == K.EMAIL_CLICK and properties.get("campaign_id") == newsletter.campaign.id
    ]
    if clicks:
        activity.joined = [
            (c, since, "Responded", clicks[0]) if c is newsletter else (c, since, status, first)
            for c, since, status, first in activity.joined
        ]


def block_activity(
    settings: Settings,
    leads: Sequence[Lead],
    *,
    index: int,
    first_event: int,
    first_member: int,
    first_send: int = 1,
    first_visit: int = 1,
) -> tuple[list[EngagementEvent], list[CampaignMember], list[VisitorEvent]]:
    """The events, campaign memberships and anonymous visits of one block of leads,
    numbered from the given numbers; each lead's events are in time order, after it was
    created (its anonymous visits before) and by ``as_of``. Newsletter sends
    (``send-…``) and anonymous visits (``visit-…``) are numbered apart and drawn from
    their own random stream, so the other events are the same with or without them."""
    rng = random.Random(f"{settings.seed}/events/{index}")
    visits_rng = random.Random(f"{settings.seed}/visits/{index}")
    sends = 0
    today = settings.as_of.date()
    plans = settings.campaigns
    talks = {
        language: [p for p in plans.values() if p.key in _WEBINAR_KINDS and p.language == language]
        for language in ("ja", "en")
    }
    with_events = settings.events_per_lead > 0
    events: list[EngagementEvent] = []
    members: list[CampaignMember] = []
    anonymous: list[VisitorEvent] = []
    for lead in leads:
        language = "ja" if lead.address.country == "JP" else "en"
        plan = _source_plan(lead, plans, language)
        activity = _Activity()
        if plan is not None:
            activity.joined.append((plan, lead.created_at, "Responded", lead.created_at))
        _join_newsletter(rng, lead, plan, plans.get(f"newsletter_{language}"), activity)
        if with_events and (first := _first_event(lead, plan, rng)) is not None:
            visitor = f"visitor-{lead.id.removeprefix('lead-')}"
            visits, first = _anonymous_visits(visits_rng, lead, first, visitor)
            for moment, kind, properties in visits:
                anonymous.append(
                    VisitorEvent(
                        visitor,
                        kind=kind,
                        occurred_at=moment.astimezone(UTC),
                        properties=properties,
                        id=f"visit-{first_visit + len(anonymous):08d}",
                    )
                )
            assert first is not None
            activity.timeline.append((lead.created_at, *first))
        _attend_talks(rng, lead, plan, talks[language], today, activity, with_events=with_events)
        if with_events:
            _browse(rng, lead, settings, activity)
        activity.timeline.sort(key=lambda moment: moment[0])
        _mark_newsletter_responses(activity, plan)

        mine: list[EngagementEvent] = []
        for moment, kind, properties in activity.timeline:
            mine.append(
                EngagementEvent(
                    id=f"event-{first_event + len(events) - sends + len(mine):08d}",
                    kind=kind,
                    occurred_at=moment.astimezone(UTC),
                    lead_id=lead.id,
                    properties=properties,
                )
            )
        if with_events:
            for moment, properties in _sends(lead, activity.newsletter, today, settings.as_of):
                mine.append(
                    EngagementEvent(
                        id=f"send-{first_send + sends:08d}",
                        kind=K.EMAIL_SEND,
                        occurred_at=moment.astimezone(UTC),
                        lead_id=lead.id,
                        properties=properties,
                    )
                )
                sends += 1
            mine.sort(key=lambda event: event.occurred_at)  # stable: ties keep their order
        events.extend(mine)
        for campaign, since, status, first_response in activity.joined:
            members.append(
                CampaignMember(
                    id=f"member-{first_member + len(members):07d}",
                    campaign_id=campaign.campaign.id,
                    lead_id=lead.id,
                    status=status,
                    responded=first_response is not None,
                    first_responded_at=(
                        first_response.astimezone(lead.created_at.tzinfo).date()
                        if first_response
                        else None
                    ),
                    created_at=since,
                )
            )
    return events, members, anonymous
