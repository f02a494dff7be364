"""Intake never drops a submission: it is stored, or rejected with its reasons."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import event, given
from hypothesis import strategies as st

from leadkit.dedupe import DEFAULT_LEAD_DUPLICATE_RULES, LEAD_RULE, DuplicateRule, DuplicateRuleSet
from leadkit.intake import InMemoryRateLimiter, IntakeForm, IntakeOutcome, intake
from leadkit.model import Account, Contact, PersonName
from leadkit.repository import InMemoryStore
from tests.dedupe._merge_support import T0, make_lead, seed_into

FORM = IntakeForm(honeypot="hp")
BLOCK = DuplicateRuleSet([DuplicateRule("block", LEAD_RULE, against="leads", on_create="block")])

_values = {
    "company": st.sampled_from(["ABC株式会社", "ＡＢＣ（株）", "XYZ", "", " ", "x" * 300]),
    "姓": st.sampled_from(["山田", "Smith", "", "\u3000"]),
    "名": st.sampled_from(["太郎", "John", ""]),
    "email": st.sampled_from(
        ["taro@abc.co.jp", "ＴＡＲＯ＠ＡＢＣ．ＣＯ．ＪＰ", "bad@", "", "a@b.c"]
    ),
    "電話番号": st.sampled_from(["03-1234-5678", "０３１２３４５６７８", "", "phone"]),
    "従業員数": st.sampled_from(["100", "１，０００", "lots", ""]),
    "郵便番号": st.sampled_from(["100-0001", "1000001", "12", ""]),
    "country": st.sampled_from(["JP", "US", ""]),
    "hp": st.sampled_from(["", "", "", "I am a bot"]),
    "utm_source": st.text(max_size=5),
    "お名前": st.text(max_size=8),
}


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, object]:
    names = draw(st.lists(st.sampled_from(sorted(_values)), unique=True))
    form: dict[str, object] = {name: draw(_values[name]) for name in names}
    if draw(st.booleans()):
        form[draw(st.sampled_from(["x", "会社名"]))] = draw(st.sampled_from([1, None, ["a"], {}]))
    return form


@given(
    forms=st.lists(submissions(), min_size=1, max_size=6),
    rules=st.sampled_from([None, DEFAULT_LEAD_DUPLICATE_RULES, BLOCK]),
    attach=st.booleans(),
)
def test_every_submission_is_stored_or_rejected_with_reasons(
    forms: list[dict[str, object]], rules: DuplicateRuleSet | None, attach: bool
) -> None:
    store = InMemoryStore()
    seed_into(
        store.unit_of_work,
        make_lead("l-1", company="ABC株式会社", email="taro@abc.co.jp"),
        Account(id="a-1", name="ABC", created_at=T0),
        Contact(id="c-1", account_id="a-1", name=PersonName("Smith", "John"), created_at=T0),
    )
    limiter = InMemoryRateLimiter(limit=3, window=timedelta(hours=1))
    for n, form in enumerate(forms):
        result = intake(
            form,
            mapping=FORM,
            as_of=T0 + timedelta(minutes=n),
            rules=rules,
            uow=store.unit_of_work(),
            rate_limiter=limiter,
            client="203.0.113.1",
            attach_to_match=attach,
        )
        event(result.outcome.value)
        assert result.submission.received_at == T0 + timedelta(minutes=n)
        assert result.submission.fields.keys() <= form.keys()
        if result.outcome is IntakeOutcome.REJECTED:
            assert result.problems
            assert all(p.message for p in result.problems)
            continue
        assert result.stored
        assert not result.problems
        assert result.event is not None
        with store.unit_of_work() as uow:
            assert uow.engagement_events.get(result.event.id) == result.event
            if result.outcome is IntakeOutcome.CREATED:
                assert result.lead is not None
                assert uow.leads.get(result.lead.id) == result.lead
                assert result.event.lead_id == result.lead.id
            else:
                target = result.event.lead_id or result.event.contact_id
                assert target in uow.leads or target in uow.contacts
