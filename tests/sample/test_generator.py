"""The generator: deterministic, the promised shape, and honest duplicate ground truth."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.model import (
    DEFAULT_SOURCES,
    DEFAULT_STATUSES,
    company_key,
    contains_japanese,
    email_key,
    normalise_text,
    phone_key,
)
from leadkit.sample import (
    CHUNK_SIZE,
    SAMPLE_AS_OF,
    DuplicateGroup,
    SampleData,
    SampleGenerator,
    Variation,
    generate,
    iter_leads,
)

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def sample() -> SampleData:
    return generate()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    first = generate(300, seed=5, events_per_lead=4)
    assert first == generate(300, seed=5, events_per_lead=4)
    other = generate(300, seed=6, events_per_lead=4)
    assert other != first
    same_people = sum(a.name == b.name for a, b in zip(first.leads, other.leads, strict=True))
    assert same_people < 30  # not merely shuffled ids: mostly different people


def _digest_in_subprocess(hash_seed: str) -> str:
    code = (
        "import hashlib, io; from leadkit.io import write_csv; from leadkit.model import *;"
        "from leadkit.sample import generate; d = generate(250, seed=3, events_per_lead=3);"
        "out = io.StringIO();"
        "[write_csv(getattr(d, f), out, t) for f, t in [('leads', Lead), "
        "('events', EngagementEvent), ('campaign_members', CampaignMember), "
        "('accounts', Account), ('contacts', Contact), ('users', User)]];"
        "print(hashlib.sha256((out.getvalue() + repr(d.duplicates)).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_output_does_not_depend_on_the_process() -> None:
    # Set iteration order changes with PYTHONHASHSEED; the sample must not.
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2")


def test_the_default_sample_has_the_promised_shape(sample: SampleData) -> None:
    assert len(sample.leads) == 2000
    japanese = sum(lead.address.country == "JP" for lead in sample.leads)
    assert 900 <= japanese <= 1100
    assert {lead.address.country for lead in sample.leads} == {"JP", "US"}
    assert 36_000 <= len(sample.events) <= 44_000
    assert len(sample.users) == 8
    assert len(sample.queues) == 3
    assert len(sample.campaigns) == 10
    assert len(sample.accounts) == 50
    assert 50 <= len(sample.contacts) <= 200
    assert 40 <= len(sample.duplicates) <= 80


def test_lead_ids_are_sequential_and_names_match_their_script(sample: SampleData) -> None:
    assert [lead.id for lead in sample.leads] == [f"lead-{i:06d}" for i in range(1, 2001)]
    for lead in sample.leads:
        japanese_name = contains_japanese(lead.name.family)
        assert japanese_name == (lead.address.country == "JP")


def test_every_date_is_in_the_year_before_as_of(sample: SampleData) -> None:
    year_before = SAMPLE_AS_OF - timedelta(days=366)
    for lead in sample.leads:
        assert year_before <= lead.created_at <= SAMPLE_AS_OF
    for member in sample.campaign_members:
        assert member.created_at <= SAMPLE_AS_OF


def test_events_belong_to_leads_and_follow_their_creation(sample: SampleData) -> None:
    created = {lead.id: lead.created_at for lead in sample.leads}
    last_seen: dict[str, datetime] = {}
    for event in sample.events:
        assert event.lead_id in created
        assert created[event.lead_id] <= event.occurred_at <= SAMPLE_AS_OF
        assert last_seen.get(event.lead_id, event.occurred_at) <= event.occurred_at
        last_seen[event.lead_id] = event.occurred_at
    assert len({event.id for event in sample.events}) == len(sample.events)


def test_event_kinds_are_realistic(sample: SampleData) -> None:
    kinds = Counter(event.kind for event in sample.events)
    assert kinds.most_common(1)[0][0] == "page_view"
    assert kinds["pricing_page_visit"] > kinds["demo_request"] > 0
    assert kinds["form_submit"] > kinds["form_error"] > 0
    per_lead = Counter(event.lead_id for event in sample.events)
    counts = sorted(per_lead.values())
    assert counts[-1] > 5 * counts[len(counts) // 2]  # a long tail
    assert all(event.properties.get("url") for event in sample.events if event.kind == "page_view")
    downloads = [event for event in sample.events if event.kind == "file_download"]
    assert all(event.properties.get("asset") for event in downloads)


def test_campaign_events_and_members_agree(sample: SampleData) -> None:
    campaigns = {campaign.id for campaign in sample.campaigns}
    members = {(m.campaign_id, m.lead_id) for m in sample.campaign_members}
    leads = {lead.id for lead in sample.leads}
    contacts = {contact.id for contact in sample.contacts}
    for member in sample.campaign_members:
        assert member.campaign_id in campaigns
        # A lead's membership, or (the sales history) a contact's response.
        assert member.lead_id in leads or member.contact_id in contacts
        assert member.responded == (member.first_responded_at is not None)
    linked = [event for event in sample.events if event.campaign_id is not None]
    assert len(linked) > 1000
    for event in linked:
        assert (event.campaign_id, event.lead_id) in members


def test_statuses_sources_and_owners_come_from_the_catalogues(sample: SampleData) -> None:
    statuses = Counter(lead.status for lead in sample.leads)
    assert set(statuses) <= {s.api_name for s in DEFAULT_STATUSES if not s.is_converted}
    assert not any(lead.is_converted for lead in sample.leads)
    assert all(DEFAULT_SOURCES.find(lead.lead_source or "") for lead in sample.leads)
    japanese_labels = [lead for lead in sample.leads if contains_japanese(lead.lead_source or "")]
    assert japanese_labels
    assert all(lead.address.country == "JP" for lead in japanese_labels)
    owner_ids = {u.id for u in sample.users} | {q.id for q in sample.queues}
    kinds = Counter(lead.owner.kind.value if lead.owner else None for lead in sample.leads)
    assert min(kinds["user"], kinds["queue"], kinds[None]) > 100
    assert all(lead.owner.id in owner_ids for lead in sample.leads if lead.owner)


def test_japanese_leads_look_japanese(sample: SampleData) -> None:
    japanese = [lead for lead in sample.leads if lead.address.country == "JP"]
    states = Counter(lead.address.state for lead in japanese)
    assert states.most_common(1)[0][0] == "東京都"
    assert all(lead.address.prefecture is not None for lead in japanese)
    titles = {lead.title for lead in japanese}
    assert {"部長", "課長", "代表取締役社長", "担当"} <= titles
    forms = Counter(
        form
        for lead in japanese
        for form in ("株式会社", "有限会社", "合同会社")
        if form in lead.company
    )
    assert forms["株式会社"] > forms["有限会社"] > 0
    assert forms["合同会社"] > 0
    assert any(lead.name.family_kana for lead in japanese)
    assert any(lead.email and lead.email.endswith("@yahoo.co.jp") for lead in japanese)
    assert any(lead.phone and lead.phone.startswith("03-") for lead in japanese)


def test_some_leads_work_at_existing_accounts(sample: SampleData) -> None:
    accounts = {company_key(account.name) for account in sample.accounts}
    at_accounts = [lead for lead in sample.leads if company_key(lead.company) in accounts]
    assert len(at_accounts) >= 50
    account_ids = {account.id for account in sample.accounts}
    assert all(contact.account_id in account_ids for contact in sample.contacts)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _check_group(group: DuplicateGroup, sample: SampleData) -> None:
    leads = {lead.id: lead for lead in sample.leads}
    if group.original_is_contact:
        contact = next(c for c in sample.contacts if c.id == group.original_id)
        account = next(a for a in sample.accounts if a.id == contact.account_id)
        country = account.billing_address.country or "JP"
        reference = (account.name, contact.name, contact.email, contact.phone, country)
    else:
        original = leads[group.original_id]
        reference = (
            original.company,
            original.name,
            original.email,
            original.phone,
            original.address.country or "JP",
        )
    company, name, email, phone, country = reference
    for copy in group.copies:
        lead = leads[copy.lead_id]
        variations = set(copy.variations)
        assert company_key(lead.company) == company_key(company)
        if variations & {Variation.LEGAL_FORM, Variation.CASE}:
            assert lead.company != company
        if not variations & {Variation.LEGAL_FORM, Variation.CASE, Variation.WIDTH}:
            assert lead.company == company
        full = normalise_text(f"{lead.name.family} {lead.name.given}")
        expected = normalise_text(f"{name.family} {name.given}")
        assert _edit_distance(full, expected) == (1 if Variation.NAME_TYPO in variations else 0)
        if email and lead.email and Variation.PERSONAL_EMAIL not in variations:
            assert email_key(lead.email) == email_key(email)
        if Variation.PERSONAL_EMAIL in variations:
            assert lead.email is not None
            assert email_key(lead.email) != email_key(email or "")
        if phone and lead.phone:
            assert phone_key(lead.phone, default_country=country) == phone_key(
                phone, default_country=country
            )


def test_duplicate_groups_really_are_variants_of_one_record(sample: SampleData) -> None:
    for group in sample.duplicates:
        _check_group(group, sample)
    used = Counter(v for group in sample.duplicates for c in group.copies for v in c.variations)
    assert set(used) == set(Variation)  # every kind of variation is exercised
    assert any(group.original_is_contact for group in sample.duplicates)
    assert any(len(group.copies) == 2 for group in sample.duplicates)


def test_a_lead_is_in_at_most_one_duplicate_group(sample: SampleData) -> None:
    members = [lead_id for group in sample.duplicates for lead_id in group.lead_ids]
    assert len(members) == len(set(members))
    originals = [group.original_id for group in sample.duplicates]
    assert len(originals) == len(set(originals))


def test_there_are_no_accidental_duplicates(sample: SampleData) -> None:
    # Two leads share a person at a company, or an e-mail address, only inside a group.
    group_of = {
        lead_id: n for n, group in enumerate(sample.duplicates) for lead_id in group.lead_ids
    }
    holders: dict[tuple[str, ...], set[str]] = {}
    for lead in sample.leads:
        person = (
            company_key(lead.company),
            normalise_text(lead.name.family),
            normalise_text(lead.name.given or ""),
        )
        holders.setdefault(person, set()).add(lead.id)
        if lead.email:
            holders.setdefault(("email", email_key(lead.email)), set()).add(lead.id)
    shared = [ids for ids in holders.values() if len(ids) > 1]
    assert shared  # the copies do share keys with their originals ...
    for ids in shared:  # ... but nobody else does
        assert len({group_of.get(lead_id, lead_id) for lead_id in ids}) == 1, ids


def test_streamed_chunks_add_up_to_the_whole_sample() -> None:
    generator = SampleGenerator(2300, seed=11, events_per_lead=2)
    chunks = list(generator.chunks())
    assert [len(chunk.leads) for chunk in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 300]
    whole = generator.generate()
    assert tuple(lead for chunk in chunks for lead in chunk.leads) == whole.leads
    assert tuple(event for chunk in chunks for event in chunk.events) == whole.events
    assert tuple(group for chunk in chunks for group in chunk.duplicates) == whole.duplicates
    for chunk in chunks:
        ids = {lead.id for lead in chunk.leads}
        assert all(set(group.lead_ids) <= ids for group in chunk.duplicates)
    assert list(iter_leads(2300, seed=11)) == list(whole.leads)


def test_options_shape_the_sample() -> None:
    quiet = generate(200, seed=2, events_per_lead=0, duplicate_rate=0)
    assert quiet.events == ()
    assert quiet.duplicates == ()
    busy = generate(200, seed=2, events_per_lead=60)
    assert len(busy.events) > 6000
    assert len(generate(0).leads) == 0


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"n_leads": -1}, "n_leads"),
        ({"n_leads": 1.5}, "n_leads"),
        ({"n_leads": 10, "seed": 1.5}, "seed"),
        ({"n_leads": 10, "as_of": datetime(2026, 4, 1)}, "as_of"),
        ({"n_leads": 10, "duplicate_rate": 0.9}, "duplicate_rate"),
        ({"n_leads": 10, "events_per_lead": -2}, "events_per_lead"),
    ],
)
def test_bad_options_are_refused_with_their_name(options: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        generate(**options)  # type: ignore[arg-type]
    assert format_path(info.value.path) == path


def test_the_sales_history_has_won_and_lost_deals_of_existing_accounts(
    sample: SampleData,
) -> None:
    """DESIGN's domain facts: the waterfall ends in won/lost; conversion turns a lead
    into an account, a contact and an opportunity. The sample's earlier leads were
    converted into existing accounts and their deals closed before as_of."""
    accounts = {a.id: a for a in sample.accounts}
    contacts = {c.id: c for c in sample.contacts}
    deals = {o.id: o for o in sample.opportunities}
    campaigns = {c.id: c for c in sample.campaigns}
    assert any(o.is_won for o in deals.values())
    assert any(not o.is_won for o in deals.values())
    assert len(sample.converted_leads) == len(deals)
    for lead in sample.converted_leads:
        conversion = lead.conversion
        assert conversion is not None
        assert conversion.opportunity_id is not None
        deal = deals[conversion.opportunity_id]
        assert contacts[conversion.contact_id].account_id == conversion.account_id
        assert deal.account_id == conversion.account_id in accounts
        assert deal.is_closed
        assert deal.amount is not None
        assert lead.created_at < conversion.converted_at
        assert deal.close_date < SAMPLE_AS_OF.date()
        assert deal.campaign_id is not None
        campaign = campaigns[deal.campaign_id]
        assert campaign.end_date is not None
        assert campaign.end_date < deal.close_date
    responses = {m.contact_id for m in sample.campaign_members if m.contact_id is not None}
    assert {lead.conversion.contact_id for lead in sample.converted_leads if lead.conversion} <= (
        responses
    )
