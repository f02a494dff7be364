"""What leads did: engagement events and campaign memberships, block by block."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

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
) -> tuple[str, CustomFields] | None:
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
    source: str, plan: CampaignPlan | None, rng: random.Random
) -> tuple[str, CustomFields] | None:
    """The event a lead arrived with, when its source leaves one."""
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


def block_activity(
    settings: Settings,
    leads: Sequence[Lead],
    *,
    index: int,
    first_event: int,
    first_member: int,
) -> tuple[list[EngagementEvent], list[CampaignMember]]:
    """The events and campaign memberships of one block of leads, numbered from the given
    numbers; each lead's events are in time order, after it was created and by ``as_of``."""
    rng = random.Random(f"{settings.seed}/events/{index}")
    as_of = settings.as_of
    today = as_of.date()
    plans = settings.campaigns
    events: list[EngagementEvent] = []
    members: list[CampaignMember] = []
    for lead in leads:
        japanese = lead.address.country == "JP"
        language = "ja" if japanese else "en"
        standard = DEFAULT_SOURCES.find(lead.lead_source) if lead.lead_source else None
        source = standard.api_name if standard else ""
        key = SOURCE_CAMPAIGNS.get((source, language))
        plan = plans.get(key) if key else None
        if plan is not None and plan.first_day > today:
            plan = None
        created = lead.created_at
        member_of: CampaignPlan | None = None  # the newsletter the lead receives
        joined: list[tuple[CampaignPlan, datetime, str, datetime | None]] = []

        if plan is not None:
            joined.append((plan, created, "Responded", created))
        newsletter = plans.get(f"newsletter_{language}")
        if newsletter is not None and lead.email and not lead.email_opt_out:
            if plan is newsletter:
                member_of = newsletter
            elif rng.random() < 0.45:
                member_of = newsletter
                joined.append((newsletter, created, "Sent", None))

        timeline: list[tuple[datetime, str, CustomFields]] = []
        with_events = settings.events_per_lead > 0
        if with_events and (first := _first_event(source, plan, rng)) is not None:
            timeline.append((created, *first))
        for key_ in ("webinar_ja", "seminar_ja", "webinar_en"):
            talk = plans.get(key_)
            if talk is None or talk is plan or talk.language != language or not lead.email:
                continue
            if not (created.date() < talk.first_day and talk.last_day < today):
                continue
            if rng.random() >= 0.3:
                continue
            start = datetime.combine(talk.first_day, time(15), created.tzinfo)
            invited = created + (start - created) / 2
            if rng.random() < 0.35:
                joined.append((talk, invited, "Attended", start))
                if with_events:
                    timeline.append(
                        (start, _WEBINAR_KINDS[key_], _props(("campaign_id", talk.campaign.id)))
                    )
            else:
                joined.append((talk, invited, "Sent", None))

        if with_events:
            span = int((as_of - created).total_seconds())
            kinds = _KEEN if rng.random() < _KEEN_SHARE else _USUAL
            for _ in range(_count(rng, max(0.1, settings.events_per_lead - 0.5))):
                drawn = _properties(rng, kinds.pick(rng), member_of)
                if drawn is None:
                    continue
                # Interest fades: most activity comes soon after a lead arrives.
                offset = int(span * rng.random() ** 1.6)
                timeline.append((created + timedelta(seconds=offset), *drawn))
            if lead.email_opt_out:
                offset = int(span * rng.random())
                timeline.append((created + timedelta(seconds=offset), K.UNSUBSCRIBE, _props()))
        timeline.sort(key=lambda item: item[0])

        lead_id = lead.id
        for moment, kind, properties in timeline:
            events.append(
                EngagementEvent(
                    id=f"event-{first_event + len(events):08d}",
                    kind=kind,
                    occurred_at=moment.astimezone(UTC),
                    lead_id=lead_id,
                    properties=properties,
                )
            )
        if member_of is not None and member_of is not plan:
            clicks = [
                m
                for m, k, p in timeline
                if k == K.EMAIL_CLICK and p.get("campaign_id") == member_of.campaign.id
            ]
            if clicks:
                joined = [
                    (c, at, "Responded", clicks[0]) if c is member_of else (c, at, s, r)
                    for c, at, s, r in joined
                ]
        for campaign_plan, at, status, responded in joined:
            members.append(
                CampaignMember(
                    id=f"member-{first_member + len(members):07d}",
                    campaign_id=campaign_plan.campaign.id,
                    lead_id=lead_id,
                    status=status,
                    responded=responded is not None,
                    first_responded_at=(
                        responded.astimezone(created.tzinfo).date() if responded else None
                    ),
                    created_at=at,
                )
            )
    return events, members
