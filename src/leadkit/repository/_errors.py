"""Errors raised by repositories and units of work (besides the shared
:class:`~leadkit.errors.NotFoundError` and :class:`~leadkit.errors.ConcurrencyError`)."""

from __future__ import annotations

from leadkit.errors import LeadkitError

__all__ = [
    "DuplicateIdError",
    "LeadReadOnlyError",
    "SchemaVersionError",
    "UnitOfWorkStateError",
]


class DuplicateIdError(LeadkitError):
    """``add`` was given a record whose id is already stored; use ``update`` to change it."""

    code = "duplicate_id"


class LeadReadOnlyError(LeadkitError):
    """A converted lead was about to be changed or removed; converted leads are read-only.

    Also raised when ``leads.update`` is asked to set ``conversion``: only
    ``leads.save_conversion`` (used by :func:`leadkit.convert.convert_lead`) may do that.
    """

    code = "lead_read_only"


class UnitOfWorkStateError(LeadkitError):
    """A unit of work was used in the wrong state: a repository outside ``with uow:``
    (storage is only reachable inside one), or ``with uow:`` nested in itself."""

    code = "unit_of_work_state"


class SchemaVersionError(LeadkitError):
    """A database was written by a newer leadkit than this one; its schema is unknown."""

    code = "schema_version"
