"""Web-to-lead intake: mapping, normalisation, every problem, spam, duplicates, storage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadkit.dedupe import (
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    DuplicateRule,
    DuplicateRuleSet,
    MatchIndex,
)
from leadkit.errors import ValidationError, format_path
from leadkit.intake import InMemoryRateLimiter, IntakeForm, IntakeOutcome, intake
from leadkit.model import Account, Contact, EventKind, LeadConversion, PersonName
from leadkit.repository import InMemoryUnitOfWork, UnitOfWorkFactory
from leadkit.testing.contract import FailingUnitOfWork, snapshot
from tests.dedupe._merge_support import T0, Seed, make_lead, seed, uow_factory

__all__ = ["seed", "uow_factory"]  # fixtures

AS_OF = T0 + timedelta(days=10)

JAPANESE_FORM = {
    "会社名": " 株式会社ABC ",
    "お名前": "山田\u3000太郎",
    "セイ": "ヤマダ",
    "メールアドレス": "Ｔａｒｏ＠ａｂｃ．ｃｏ．ｊｐ",
    "電話番号": "０３－１２３４－５６７８",
    "従業員数": "１，２００名",
    "都道府県": "東京都",
    "ご予算": "500万円",
    "utm_campaign": "spring",
}
FORM = IntakeForm(
    name="contact-us",
    fields={
        "会社名": "company",
        "お名前": "name",
        "セイ": "name.family_kana",
        "メールアドレス": "email",
        "電話番号": "phone",
        "従業員数": "employees",
        "都道府県": "address.state",
        "ご予算": "custom.budget",
    },
    honeypot="fax_number",
)


def test_a_japanese_form_becomes_a_lead_and_an_inquiry(
    uow_factory: UnitOfWorkFactory,
) -> None:
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(), client="10.0.0.1")
    assert result.outcome is IntakeOutcome.CREATED
    assert result.stored
    lead = result.lead
    assert lead is not None
    assert lead.company == "株式会社ABC"
    assert (lead.name.family, lead.name.given, lead.name.family_kana) == ("山田", "太郎", "ヤマダ")
    assert lead.email == "Taro@abc.co.jp"  # width folded; the matching key ignores case
    assert lead.phone == "03-1234-5678"
    assert lead.employees == 1200
    assert lead.address.prefecture is not None
    assert lead.custom == {"budget": "500万円"}
    assert lead.lead_source == "Web"
    assert lead.created_at == AS_OF
    event = result.event
    assert event is not None
    assert (event.kind, event.lead_id, event.occurred_at) == (EventKind.INQUIRY, lead.id, AS_OF)
    assert event.properties["form"] == "contact-us"
    assert event.properties["company"] == "株式会社ABC"
    assert event.properties["custom_budget"] == "500万円"
    assert event.properties["unmapped_fields"] == "utm_campaign"
    assert event.properties["client"] == "10.0.0.1"
    assert result.submission.fields["utm_campaign"] == "spring"  # nothing submitted is lost
    with uow_factory() as uow:
        assert uow.leads.get(lead.id) == lead
        assert uow.engagement_events.by_lead(lead.id) == [event]


def test_every_problem_is_listed_with_its_form_field() -> None:
    form = dict(JAPANESE_FORM)
    form.update({"お名前": " ", "メールアドレス": "taro@", "従業員数": "many", "郵便番号": "12"})
    mapping = IntakeForm(
        fields={**FORM.fields, "郵便番号": "address.postal_code", "国": "address.country"},
        required=["phone", "address.country"],
    )
    form["電話番号"] = ""
    result = intake(form, mapping=mapping, as_of=AS_OF, rules=None)
    assert result.outcome is IntakeOutcome.REJECTED
    assert not result.stored
    assert result.lead is None
    assert result.event is None
    assert {format_path(p.path) for p in result.problems} == {
        "お名前", "メールアドレス", "従業員数", "電話番号", "国",
    }  # fmt: skip
    assert any("family name" in reason for reason in result.reasons)
    # the postal code is only checked for Japan, and the country is missing here
    form["国"] = "JP"
    again = intake(form, mapping=mapping, as_of=AS_OF, rules=None)
    assert {format_path(p.path) for p in again.problems} == {
        "お名前", "メールアドレス", "従業員数", "電話番号", "郵便番号",
    }  # fmt: skip
    assert "submission to 'web' rejected" in again.explain()


def test_a_filled_honeypot_is_spam(uow_factory: UnitOfWorkFactory) -> None:
    before = snapshot(uow_factory)
    result = intake(
        {**JAPANESE_FORM, "fax_number": "03-0000-0000"}, mapping=FORM, as_of=AS_OF,
        uow=uow_factory(),
    )  # fmt: skip
    assert result.outcome is IntakeOutcome.REJECTED
    assert [p.message for p in result.problems] == ["spam: honeypot"]
    assert format_path(result.problems[0].path) == "fax_number"
    assert snapshot(uow_factory) == before


def test_the_rate_limit_rejects_a_flood_per_client() -> None:
    limiter = InMemoryRateLimiter(limit=2, window=timedelta(hours=1))
    outcomes = [
        intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF + timedelta(minutes=m), rules=None,
               rate_limiter=limiter, client="198.51.100.9").outcome
        for m in (0, 1, 2)
    ]  # fmt: skip
    assert outcomes == [IntakeOutcome.CREATED, IntakeOutcome.CREATED, IntakeOutcome.REJECTED]
    refused = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF + timedelta(minutes=3), rules=None,
                     rate_limiter=limiter, client="198.51.100.9")  # fmt: skip
    assert format_path(refused.problems[0].path) == "rate_limit"
    assert "spam: rate limit" in refused.problems[0].message
    other = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=None, rate_limiter=limiter,
                   client="198.51.100.10")  # fmt: skip
    assert other.accepted
    # without a client, the e-mail address is the key
    by_email = [
        intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=None, rate_limiter=limiter).outcome
        for _ in range(3)
    ]
    assert by_email[-1] is IntakeOutcome.REJECTED


def test_invalid_submissions_do_not_use_up_the_rate_limit() -> None:
    limiter = InMemoryRateLimiter(limit=1, window=timedelta(hours=1))
    bad = intake({"会社名": "ABC"}, mapping=FORM, as_of=AS_OF, rules=None, rate_limiter=limiter,
                 client="x")  # fmt: skip
    assert bad.outcome is IntakeOutcome.REJECTED
    good = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=None, rate_limiter=limiter,
                  client="x")  # fmt: skip
    assert good.outcome is IntakeOutcome.CREATED


def test_alerting_rules_create_the_lead_and_return_the_matches(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead("l-1", company="ABC", email="taro@abc.co.jp"))
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory())
    assert result.outcome is IntakeOutcome.CREATED
    assert [m.right for m in result.matches] == ["l-1"]
    assert "possible duplicate of 'l-1'" in result.explain()
    with uow_factory() as uow:
        assert len(uow.leads) == 2


BLOCK_LEADS = DuplicateRuleSet(
    [DuplicateRule("same person", LEAD_RULE, against="leads", on_create="block")]
)


def test_a_blocked_duplicate_is_recorded_on_the_existing_lead(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead("l-1", company="ＡＢＣ（株）", phone="03-1234-5678"))
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, uow=uow_factory())
    assert result.outcome is IntakeOutcome.MATCHED
    assert result.stored
    assert result.lead is not None
    assert result.lead.id == "l-1"
    assert result.event is not None
    assert result.event.lead_id == "l-1"
    assert result.event.properties["email"] == "Taro@abc.co.jp"  # the submission, summarised
    with uow_factory() as uow:
        assert [lead.id for lead in uow.leads.all()] == ["l-1"]
        assert uow.engagement_events.by_lead("l-1") == [result.event]


def test_a_lead_who_is_already_a_contact_is_recorded_on_the_contact(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(
        Account(id="a-1", name="ABC Co., Ltd.", created_at=T0),
        Contact(id="c-1", account_id="a-1", name=PersonName("山田", "太郎"), created_at=T0),
    )
    rules = DuplicateRuleSet(
        [DuplicateRule("customer", LEAD_VS_CONTACT_RULE, against="contacts", on_create="block")]
    )
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=rules, uow=uow_factory())
    assert result.outcome is IntakeOutcome.MATCHED
    assert result.contact is not None
    assert result.contact.id == "c-1"
    assert result.event is not None
    assert result.event.contact_id == "c-1"
    with uow_factory() as uow:
        assert not uow.leads.all()
        assert [e.id for e in uow.engagement_events.by_contact("c-1")] == [result.event.id]


def test_a_converted_lead_passes_the_submission_to_its_contact(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    conversion = LeadConversion(
        converted_at=T0, status="Closed - Converted", account_id="a-1", contact_id="c-1"
    )
    seed(
        Account(id="a-1", name="Other name", created_at=T0),
        Contact(id="c-1", account_id="a-1", name=PersonName("山田", "太郎"), created_at=T0),
        make_lead("l-1", company="ABC", email="taro@abc.co.jp", status="Closed - Converted",
                  conversion=conversion),
    )  # fmt: skip
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, uow=uow_factory())
    assert result.outcome is IntakeOutcome.MATCHED
    assert result.event is not None
    assert result.event.contact_id == "c-1"
    assert result.contact is not None
    assert result.lead is None
    assert "contact 'c-1'" in result.explain()


def test_attach_to_match_records_on_an_alerted_match(
    uow_factory: UnitOfWorkFactory, seed: Seed
) -> None:
    seed(make_lead("l-1", company="ABC", email="taro@abc.co.jp"))
    result = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(), attach_to_match=True
    )
    assert result.outcome is IntakeOutcome.MATCHED
    assert result.event is not None
    assert result.event.lead_id == "l-1"


def test_without_storage_the_indexes_decide_and_learn_each_new_lead() -> None:
    existing = make_lead("l-1", company="ABC", email="taro@abc.co.jp")
    indexes = {"leads": MatchIndex([existing], LEAD_RULE)}
    blocked = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, indexes=indexes)
    assert blocked.outcome is IntakeOutcome.MATCHED
    assert not blocked.stored
    other = {**JAPANESE_FORM, "メールアドレス": "hanako@xyz.jp", "お名前": "佐藤 花子",
             "電話番号": "", "会社名": "XYZ"}  # fmt: skip
    first = intake(other, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, indexes=indexes)
    assert first.outcome is IntakeOutcome.CREATED
    assert first.lead is not None
    assert first.lead.id in indexes["leads"]
    second = intake(other, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, indexes=indexes)
    assert second.outcome is IntakeOutcome.MATCHED
    assert second.event is not None
    assert second.event.lead_id == first.lead.id


def test_rules_without_an_index_or_storage_are_refused() -> None:
    with pytest.raises(ValidationError, match="indexes\\['leads'\\]") as raised:
        intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF)
    assert format_path(raised.value.path) == "rules.rules[0].against"


def test_a_storage_failure_rejects_with_the_reason_and_writes_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    before = snapshot(uow_factory)
    for step in (1, 2, 3):  # the lead, the event, the commit
        uow = FailingUnitOfWork(uow_factory(), fail_at=step)
        result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow)
        assert result.outcome is IntakeOutcome.REJECTED
        assert format_path(result.problems[0].path) == "storage"
        assert "injected_fault" in result.reasons[0]
        assert result.submission.fields == JAPANESE_FORM
        assert snapshot(uow_factory) == before


def test_a_storage_failure_does_not_use_up_the_rate_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """docs/merge-and-intake.md "Rate limits": only accepted submissions count."""
    limiter = InMemoryRateLimiter(limit=1, window=timedelta(hours=1))
    for step in (1, 2, 3):  # the lead, the event, the commit
        failed = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=FailingUnitOfWork(
            uow_factory(), fail_at=step), rate_limiter=limiter, client="x")  # fmt: skip
        assert format_path(failed.problems[0].path) == "storage"
    stored = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(),
                    rate_limiter=limiter, client="x")  # fmt: skip
    assert stored.outcome is IntakeOutcome.CREATED
    assert stored.stored
    again = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, uow=uow_factory(),
                   rate_limiter=limiter, client="x")  # fmt: skip
    assert format_path(again.problems[0].path) == "rate_limit"


def test_a_call_error_after_the_rate_limit_gives_the_place_back() -> None:
    limiter = InMemoryRateLimiter(limit=1, window=timedelta(hours=1))
    with pytest.raises(ValidationError, match="indexes"):
        intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rate_limiter=limiter, client="x")
    assert intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=None, rate_limiter=limiter,
                  client="x").accepted  # fmt: skip


def test_values_that_are_not_text() -> None:
    result = intake(
        {**JAPANESE_FORM, "従業員数": 1200, "ご予算": None, "関心": ["CRM", "MA"], "x": {"a": 1}},
        mapping=FORM, as_of=AS_OF, rules=None,
    )  # fmt: skip
    assert result.outcome is IntakeOutcome.REJECTED
    assert [(format_path(p.path), p.message) for p in result.problems] == [
        ("x", "expected text, got dict")
    ]
    fields = result.submission.fields
    assert (fields["従業員数"], fields["ご予算"], fields["関心"]) == ("1200", "", "CRM, MA")


def test_arguments_are_checked() -> None:
    with pytest.raises(ValidationError, match="mapping"):
        intake([], as_of=AS_OF, rules=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as raised:
        intake({}, as_of=AS_OF.replace(tzinfo=None), rules=None)
    assert format_path(raised.value.path) == "as_of"
    with pytest.raises(ValidationError) as raised:
        intake({}, as_of=AS_OF, mapping={"a": "company"}, rules=None)  # type: ignore[arg-type]
    assert format_path(raised.value.path) == "mapping"
    with pytest.raises(ValidationError) as raised:
        intake({}, as_of=AS_OF, rules=None, uow=InMemoryUnitOfWork, client=3)  # type: ignore[arg-type]
    assert format_path(raised.value.path) == "client"


@pytest.mark.parametrize(("kwargs", "where"), [
    ({"fields": {"fax": "fax"}}, "IntakeForm.fields.fax"),
    ({"fields": {"x": "custom.a-b"}}, "IntakeForm.fields.x"),
    ({"fields": ["company"]}, "IntakeForm.fields"),
    ({"required": "email"}, "IntakeForm.required"),
    ({"required": ["phone", "owner"]}, "IntakeForm.required[1]"),
    ({"honeypot": ""}, "IntakeForm.honeypot"),
])  # fmt: skip
def test_forms_are_checked_when_built(kwargs: dict[str, object], where: str) -> None:
    with pytest.raises(ValidationError) as raised:
        IntakeForm(**kwargs)  # type: ignore[arg-type]
    assert format_path(raised.value.path) == where


def test_a_block_with_nothing_to_record_on_is_a_rejection_with_the_matches() -> None:
    from leadkit.dedupe import ACCOUNT_RULE

    # Blocks leads of a known account (same company key and domain): an account cannot
    # hold the submission, so it is rejected, with the account among the matches.
    rule = ACCOUNT_RULE
    known = Account(id="a-1", name="ABC株式会社", website="https://abc.co.jp", created_at=T0)
    accounts = MatchIndex([known], rule)
    rules = DuplicateRuleSet(
        [DuplicateRule("known account", rule, against="accounts", on_create="block")]
    )
    result = intake(
        JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=rules, indexes={"accounts": accounts}
    )
    assert result.outcome is IntakeOutcome.REJECTED
    assert format_path(result.problems[0].path) == "duplicate"
    assert [m.right for m in result.matches] == ["a-1"]


def test_the_old_dedupe_names_are_the_intake_objects() -> None:
    """Issue 11: intake moved to ``leadkit.intake``; the names ``leadkit.dedupe`` exported
    still resolve there (deprecated aliases, docs/merge-and-intake.md)."""
    import leadkit.dedupe
    import leadkit.intake

    old = (
        "DEFAULT_FORM_FIELDS",
        "LEAD_TARGETS",
        "InMemoryRateLimiter",
        "IntakeForm",
        "IntakeOutcome",
        "IntakeResult",
        "RateDecision",
        "RateLimiter",
        "SqliteRateLimiter",
        "Submission",
        "intake",
    )
    for name in old:
        assert getattr(leadkit.dedupe, name) is getattr(leadkit.intake, name), name
        assert name not in leadkit.dedupe.__all__
    with pytest.raises(AttributeError):
        _ = leadkit.dedupe.no_such_name  # type: ignore[attr-defined]


def test_a_possible_duplicate_is_reported_and_the_lead_created() -> None:
    """同姓同名 at one company (different e-mail, no shared phone) is an alert: the new
    lead is created, the namesake listed, nothing is attached to it (issue 13)."""
    namesake = make_lead("l-1", company="ABC", email="t.yamada2@abc.co.jp", phone=None)
    indexes = {"leads": MatchIndex([namesake], LEAD_RULE)}
    result = intake(JAPANESE_FORM, mapping=FORM, as_of=AS_OF, rules=BLOCK_LEADS, indexes=indexes)
    assert result.outcome is IntakeOutcome.CREATED
    assert [(m.right, m.possible) for m in result.matches] == [("l-1", True)]
    assert "possible duplicate of 'l-1'" in result.explain()
