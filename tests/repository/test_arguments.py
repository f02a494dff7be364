"""Bad arguments to repositories are ValidationErrors naming the call, never bare
TypeErrors (checked on the in-memory adapter; the rules are shared by both)."""

from __future__ import annotations

from typing import Any

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.repository import InMemoryUnitOfWork


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda uow: uow.leads.get(42), "leads.find"),
        (lambda uow: uow.leads.get(""), "leads.find"),
        (lambda uow: uow.accounts.get_many(["a-1", None]), "accounts.get_many"),
        (lambda uow: uow.leads.by_owner("u-1"), "leads.by_owner"),
        (lambda uow: uow.leads.by_email_key(None), "leads.by_email_key"),
        (lambda uow: uow.contacts.by_account(3), "contacts.by_account"),
        (lambda uow: uow.tasks.by_lead(None), "tasks.by_lead"),
        (lambda uow: uow.leads.count_open_by_owner(closed_statuses="Closed"), None),
        (lambda uow: uow.leads.count_open_by_owner(closed_statuses=[1]), None),
        (lambda uow: uow.users.update("u-1"), "users.update"),
        (lambda uow: uow.users.remove(None), "users.remove"),
    ],
)
def test_bad_arguments(call: Any, path: str | None) -> None:
    with InMemoryUnitOfWork() as uow, pytest.raises(ValidationError) as raised:
        call(uow)
    if path is not None:
        assert format_path(raised.value.path) == path


def test_membership_of_a_non_id_is_false() -> None:
    with InMemoryUnitOfWork() as uow:
        assert 42 not in uow.leads
