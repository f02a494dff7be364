"""The fast paths used by batch scoring and grading agree with the general ones."""

from __future__ import annotations

import attrs

from leadkit.model import Address
from leadkit.rules import compile, explain, field

from ._support import AS_OF, lead


def test_derived_fields_follow_the_record_they_are_asked_about() -> None:
    # email_domain is computed from email and remembered for the last record: asking
    # about other leads in turn must never return a stale domain.
    free = compile(field("email_domain").is_in(["gmail.com"]))
    business = compile(field("email_domain").not_in(["gmail.com"]))
    a = lead(email="a@gmail.com")
    b = lead(email="b@acme.co.jp")
    c = lead()
    for _ in range(2):
        assert [free(x, as_of=AS_OF) for x in (a, b, c, a)] == [True, False, False, True]
        assert [business.known(x, as_of=AS_OF) for x in (a, b, c)] == [False, True, None]


def test_prefecture_and_region_follow_the_record() -> None:
    tokyo = lead(address=Address(country="JP", state="東京"))
    osaka = lead(address=Address(country="JP", state="大阪府"))
    kanto = compile(field("address.region") == "関東")
    in_tokyo = compile(field("address.prefecture") == "東京都")
    assert [kanto(x, as_of=AS_OF) for x in (tokyo, osaka, tokyo)] == [True, False, True]
    assert [in_tokyo(x, as_of=AS_OF) for x in (osaka, tokyo, osaka)] == [False, True, False]


@attrs.define
class Mutable:
    """A user's own mutable record type: its properties must not be remembered."""

    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


def test_properties_of_mutable_records_are_read_every_time() -> None:
    record = Mutable("x@gmail.com")
    condition = field("domain", on=Mutable) == "gmail.com"
    is_gmail = compile(condition)
    assert is_gmail(record, as_of=AS_OF)
    record.email = "x@acme.com"
    assert not is_gmail(record, as_of=AS_OF)
    assert is_gmail.known(record, as_of=AS_OF) is explain(condition, record, as_of=AS_OF).known
