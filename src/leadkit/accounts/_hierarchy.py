"""The account hierarchy: branches and sales offices (支店, 営業所) under a head office.

A branch is an account whose ``parent_id`` is its head office's id. The hierarchy is a
forest: every parent exists, and following parents never comes back to where it started.
:class:`AccountHierarchy` checks both when it is built and on every change, and answers
``ancestors``, ``descendants`` and ``root``; :func:`set_parent` changes one account's
parent in a unit of work with the same checks against the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import attrs

from leadkit.errors import ValidationError
from leadkit.model import Account
from leadkit.repository import UnitOfWork

__all__ = ["AccountHierarchy", "hierarchy_error", "set_parent"]

HIERARCHY_CODE = "account_hierarchy"


def hierarchy_error(message: str, *, path: str | tuple[str | int, ...]) -> ValidationError:
    """A :class:`~leadkit.errors.ValidationError` with code ``account_hierarchy``."""
    return ValidationError(message, path=path, code=HIERARCHY_CODE)


def _cycle(start: str, parent_of: Mapping[str, str | None]) -> list[str] | None:
    """The cycle reached by following parents from ``start``, or None."""
    seen: dict[str, int] = {}
    trail: list[str] = []
    current: str | None = start
    while current is not None and current in parent_of:
        if current in seen:
            return [*trail[seen[current] :], current]
        seen[current] = len(trail)
        trail.append(current)
        current = parent_of[current]
    return None


class AccountHierarchy:
    """Which account is under which: built from accounts (or ``{id: parent_id}``),
    checked, immutable; :meth:`with_parent` gives a changed copy.

    A parent that is not among the accounts (dangling) or a chain of parents that comes
    back to an account (a cycle) is a :class:`~leadkit.errors.ValidationError` with code
    ``account_hierarchy`` naming the account's ``parent_id``.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Account
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> tree = AccountHierarchy([
    ...     Account(id="hq", name="株式会社ABC", created_at=t),
    ...     Account(id="osaka", name="株式会社ABC 大阪支店", parent_id="hq", created_at=t),
    ...     Account(id="umeda", name="株式会社ABC 梅田営業所", parent_id="osaka", created_at=t),
    ... ])
    >>> tree.ancestors("umeda"), tree.descendants("hq"), tree.root("umeda")
    (('osaka', 'hq'), ('osaka', 'umeda'), 'hq')
    >>> tree.with_parent("hq", "umeda")
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: accounts.hq.parent_id: 'umeda' is under 'hq' ...
    """

    __slots__ = ("_children", "_parents")

    def __init__(self, accounts: Iterable[Account] | Mapping[str, str | None]) -> None:
        parents: dict[str, str | None] = {}
        if isinstance(accounts, Mapping):
            items = list(accounts.items())
        else:
            items = []
            for index, account in enumerate(accounts):
                if not isinstance(account, Account):
                    raise hierarchy_error(
                        f"expected an Account, got {type(account).__name__}",
                        path=("accounts", index),
                    )
                items.append((account.id, account.parent_id))
        for account_id, parent_id in items:
            if account_id in parents:
                raise hierarchy_error(
                    f"account {account_id!r} is given twice", path=("accounts", account_id)
                )
            parents[account_id] = parent_id
        for account_id, parent_id in parents.items():
            if parent_id is None:
                continue
            if parent_id not in parents:
                raise hierarchy_error(
                    f"parent {parent_id!r} is not an account (a dangling parent)",
                    path=("accounts", account_id, "parent_id"),
                )
        for account_id in parents:
            cycle = _cycle(account_id, parents)
            if cycle is not None:
                first = min(cycle[:-1])
                raise hierarchy_error(
                    "the parents make a cycle: " + " -> ".join(_rotated(cycle[:-1], first)),
                    path=("accounts", first, "parent_id"),
                )
        self._parents = parents
        children: dict[str, list[str]] = {}
        for account_id, parent_id in parents.items():
            if parent_id is not None:
                children.setdefault(parent_id, []).append(account_id)
        self._children = {k: tuple(sorted(v)) for k, v in children.items()}

    # -- contents --------------------------------------------------------------------------

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._parents

    def __iter__(self) -> Iterator[str]:
        return iter(self._parents)

    def __len__(self) -> int:
        return len(self._parents)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccountHierarchy):
            return NotImplemented
        return self._parents == other._parents

    def __hash__(self) -> int:
        return hash(frozenset(self._parents.items()))

    def __repr__(self) -> str:
        roots = sum(1 for p in self._parents.values() if p is None)
        return f"<AccountHierarchy: {len(self)} account(s), {roots} head office(s)>"

    @property
    def parents(self) -> dict[str, str | None]:
        """Account id -> parent id (None for a head office), a copy."""
        return dict(self._parents)

    def _known(self, account_id: str, where: str = "account_id") -> str:
        if account_id not in self._parents:
            raise hierarchy_error(f"no account {account_id!r} in the hierarchy", path=where)
        return account_id

    def parent(self, account_id: str) -> str | None:
        """The account's parent id (None for a head office)."""
        return self._parents[self._known(account_id)]

    def children(self, account_id: str) -> tuple[str, ...]:
        """The accounts directly under ``account_id``, by id."""
        return self._children.get(self._known(account_id), ())

    def ancestors(self, account_id: str) -> tuple[str, ...]:
        """The parent, its parent ... up to the head office, nearest first."""
        found: list[str] = []
        current = self._parents[self._known(account_id)]
        while current is not None:
            found.append(current)
            current = self._parents[current]
        return tuple(found)

    def descendants(self, account_id: str) -> tuple[str, ...]:
        """Every account under ``account_id`` (branches, their offices ...), depth first
        in id order; the account itself is not included."""
        found: list[str] = []
        stack = list(reversed(self.children(account_id)))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self._children.get(current, ())))
        return tuple(found)

    def root(self, account_id: str) -> str:
        """The head office at the top of the account's hierarchy (itself when it has no
        parent)."""
        ancestors = self.ancestors(account_id)
        return ancestors[-1] if ancestors else account_id

    def depth(self, account_id: str) -> int:
        """0 for a head office, 1 for a branch, 2 for an office of a branch ..."""
        return len(self.ancestors(account_id))

    def roots(self) -> tuple[str, ...]:
        """The head offices (accounts without a parent), by id."""
        return tuple(sorted(a for a, p in self._parents.items() if p is None))

    # -- changes ---------------------------------------------------------------------------

    def check_parent(self, account_id: str, parent_id: str | None) -> None:
        """Raise unless ``account_id`` may be put under ``parent_id`` (None: made a head
        office): the parent must be an account, and not the account or one under it."""
        where = ("accounts", account_id, "parent_id")
        if account_id not in self._parents:
            raise hierarchy_error(f"no account {account_id!r} in the hierarchy", path=where)
        if parent_id is None:
            return
        if parent_id not in self._parents:
            raise hierarchy_error(
                f"parent {parent_id!r} is not an account (a dangling parent)", path=where
            )
        if parent_id == account_id:
            raise hierarchy_error("an account cannot be its own parent", path=where)
        if account_id in self.ancestors(parent_id):
            raise hierarchy_error(
                f"{parent_id!r} is under {account_id!r} "
                f"({' -> '.join((parent_id, *self._path_up(parent_id, account_id)))}): "
                "making it the parent would make a cycle",
                path=where,
            )

    def _path_up(self, start: str, stop: str) -> tuple[str, ...]:
        found: list[str] = []
        for ancestor in self.ancestors(start):
            found.append(ancestor)
            if ancestor == stop:
                break
        return tuple(found)

    def with_parent(self, account_id: str, parent_id: str | None) -> AccountHierarchy:
        """A copy with ``account_id`` under ``parent_id`` (checked by
        :meth:`check_parent`; this hierarchy is left unchanged)."""
        self.check_parent(account_id, parent_id)
        parents = dict(self._parents)
        parents[account_id] = parent_id
        return AccountHierarchy(parents)

    def with_account(self, account: Account) -> AccountHierarchy:
        """A copy with ``account`` added (or its parent changed), checked."""
        parents = dict(self._parents)
        parents[account.id] = None
        return AccountHierarchy(parents).with_parent(account.id, account.parent_id)


def _rotated(cycle: list[str], first: str) -> list[str]:
    at = cycle.index(first)
    ordered = cycle[at:] + cycle[:at]
    return [*ordered, first]


def set_parent(uow: UnitOfWork, account_id: str, parent_id: str | None) -> Account:
    """Put the stored account ``account_id`` under ``parent_id`` (a branch under its
    head office; None makes it a head office) in ``uow`` (open; commit it yourself).

    Checked against the store: the parent must exist and not be merged into another
    account, and must not be the account or one under it (a cycle). The error is a
    :class:`~leadkit.errors.ValidationError` with code ``account_hierarchy`` naming
    ``accounts[<id>].parent_id``; nothing is written then.
    """
    where = ("accounts", account_id, "parent_id")
    account = uow.accounts.get(account_id)
    if parent_id is not None:
        if parent_id == account_id:
            raise hierarchy_error("an account cannot be its own parent", path=where)
        parent = uow.accounts.find(parent_id)
        if parent is None:
            raise hierarchy_error(
                f"parent {parent_id!r} is not an account (a dangling parent)", path=where
            )
        if parent.master_record_id is not None:
            raise hierarchy_error(
                f"parent {parent_id!r} was merged into {parent.master_record_id!r}; "
                "put the account under that one",
                path=where,
            )
        seen = {parent_id}
        trail = [parent_id]
        current = parent.parent_id
        while current is not None:
            trail.append(current)
            if current == account_id:
                raise hierarchy_error(
                    f"{parent_id!r} is under {account_id!r} ({' -> '.join(trail)}): "
                    "making it the parent would make a cycle",
                    path=where,
                )
            if current in seen:
                break  # a cycle stored before these checks: not this account's
            seen.add(current)
            above = uow.accounts.find(current)
            current = None if above is None else above.parent_id
    if account.parent_id == parent_id:
        return account
    return uow.accounts.update(attrs.evolve(account, parent_id=parent_id))
