"""Opaque record ids from an injectable factory.

Ids are strings nobody should parse. By default they are random (``lead_3f2a...``);
tests, demos and teachers can swap in a deterministic factory for a block of code:

>>> from leadkit.model import new_id, sequential_ids, use_id_factory
>>> with use_id_factory(sequential_ids()):
...     new_id("lead"), new_id("lead"), new_id("account")
('lead-000001', 'lead-000002', 'account-000001')
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

IdFactory = Callable[[str], str]
"""Takes a record kind (``"lead"``, ``"account"`` ...) and returns a fresh id."""


def random_ids(kind: str) -> str:
    """The default factory: ``kind_`` plus 32 random hex digits (uuid4)."""
    return f"{kind}_{uuid.uuid4().hex}"


def sequential_ids(*, width: int = 6) -> IdFactory:
    """A deterministic factory: ``kind-000001``, ``kind-000002`` ... counted per kind."""
    counters: dict[str, Iterator[int]] = {}

    def factory(kind: str) -> str:
        counter = counters.setdefault(kind, itertools.count(1))
        return f"{kind}-{next(counter):0{width}d}"

    return factory


_factory: ContextVar[IdFactory] = ContextVar("leadkit_id_factory", default=random_ids)


def new_id(kind: str) -> str:
    """A fresh id for a record of ``kind`` from the active factory."""
    return _factory.get()(kind)


@contextmanager
def use_id_factory(factory: IdFactory) -> Iterator[IdFactory]:
    """Make ``factory`` the source of new ids inside the ``with`` block."""
    token = _factory.set(factory)
    try:
        yield factory
    finally:
        _factory.reset(token)


def id_default(kind: str) -> Callable[[], str]:
    """An attrs default factory that asks the active id factory for a ``kind`` id."""

    def make() -> str:
        return new_id(kind)

    return make
