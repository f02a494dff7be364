"""Errors raised by repositories and units of work (besides the shared
:class:`~leadkit.errors.NotFoundError` and :class:`~leadkit.errors.ConcurrencyError`)."""

from __future__ import annotations

from leadkit.errors import DuplicateIdError as DuplicateIdError
from leadkit.errors import LeadReadOnlyError as LeadReadOnlyError
from leadkit.errors import SchemaVersionError as SchemaVersionError
from leadkit.errors import UnitOfWorkStateError as UnitOfWorkStateError

__all__ = [
    "DuplicateIdError",
    "LeadReadOnlyError",
    "SchemaVersionError",
    "UnitOfWorkStateError",
]
