"""What to convert and how: the request (per lead) and the settings (per organisation)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from leadkit.convert._errors import AccountRequiredError, ConflictingOpportunityOptionsError
from leadkit.convert._matching import AccountMatcher, match_account
from leadkit.errors import ValidationError
from leadkit.model import CustomFields, OwnerRef, StatusCatalogue

__all__ = ["ConversionRequest", "ConversionSettings", "FieldMapping", "Target"]

Target = Literal["account", "contact", "opportunity"]
"""A record kind conversion writes custom fields to."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OPPORTUNITY_NAME_LENGTH = 80


def _text(value: object, where: str, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"expected a non-empty str, got {value!r}", path=where)


def _flag(value: object, where: str) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"expected True or False, got {value!r}", path=where)


@attrs.frozen
class ConversionRequest:
    """One lead to convert, with the options users know from the leading CRMs.

    * ``lead_id`` and ``converted_status`` (a converting status of the catalogue) are
      required.
    * ``account_id``: an existing account to merge into; without it the settings'
      matcher may find one, or a new account is created from the lead.
    * ``contact_id``: an existing contact of that account (giving one without
      ``account_id`` is an error); without it a contact of the account with the same
      normalised email is reused, or a new one is created.
    * The opportunity is created by default, named after the company; give
      ``opportunity_name`` (at most 80 characters) to name it, ``opportunity_id`` to link
      an existing one of the account instead, or ``no_opportunity=True`` for none.
      Contradictory combinations raise :class:`ConflictingOpportunityOptionsError`.
    * ``owner``: the user who owns the records created (default: the lead's owner;
      required when a queue owns the lead).
    * ``overwrite_lead_source``: also replace a non-empty lead source on an existing
      contact (otherwise only empty fields of existing records are filled).

    >>> ConversionRequest("lead-1", "Closed - Converted", no_opportunity=True,
    ...                   opportunity_name="Big deal")
    Traceback (most recent call last):
    ...
    leadkit.errors.ConflictingOpportunityOptionsError: ...
    """

    lead_id: str
    converted_status: str
    account_id: str | None = attrs.field(default=None, kw_only=True)
    contact_id: str | None = attrs.field(default=None, kw_only=True)
    opportunity_name: str | None = attrs.field(default=None, kw_only=True)
    opportunity_id: str | None = attrs.field(default=None, kw_only=True)
    no_opportunity: bool = attrs.field(default=False, kw_only=True)
    owner: OwnerRef | None = attrs.field(default=None, kw_only=True)
    overwrite_lead_source: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        where = "ConversionRequest"
        _text(self.lead_id, f"{where}.lead_id", optional=False)
        _text(self.converted_status, f"{where}.converted_status", optional=False)
        for name in ("account_id", "contact_id", "opportunity_id", "opportunity_name"):
            _text(getattr(self, name), f"{where}.{name}")
        _flag(self.no_opportunity, f"{where}.no_opportunity")
        _flag(self.overwrite_lead_source, f"{where}.overwrite_lead_source")
        if self.owner is not None and not (
            isinstance(self.owner, OwnerRef) and not self.owner.is_queue
        ):
            raise ValidationError(
                f"records made by conversion are owned by a user; got {self.owner!r} "
                "(use OwnerRef.user(...))",
                path=f"{where}.owner",
            )
        if self.opportunity_name is not None and (
            len(self.opportunity_name) > _OPPORTUNITY_NAME_LENGTH
        ):
            raise ValidationError(
                f"an opportunity name has at most {_OPPORTUNITY_NAME_LENGTH} characters, "
                f"this one has {len(self.opportunity_name)}",
                path=f"{where}.opportunity_name",
            )
        if self.no_opportunity and (self.opportunity_name or self.opportunity_id):
            given = "opportunity_name" if self.opportunity_name else "opportunity_id"
            raise ConflictingOpportunityOptionsError(
                f"no_opportunity=True cannot go with {given}; drop one of them",
                path=f"{where}.no_opportunity",
            )
        if self.opportunity_name and self.opportunity_id:
            raise ConflictingOpportunityOptionsError(
                "give opportunity_name to create a new opportunity or opportunity_id to "
                "link an existing one, not both",
                path=f"{where}.opportunity_id",
            )
        for name in ("contact_id", "opportunity_id"):
            if getattr(self, name) and not self.account_id:
                raise AccountRequiredError(
                    f"an existing {name[:-3]} can only be used with the account it belongs "
                    "to: give account_id too",
                    path=f"{where}.{name}",
                )


def _pairs(value: Mapping[str, str] | tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping of lead custom field to target custom field, got "
            f"{type(value).__name__}",
            path="FieldMapping",
        )
    pairs = tuple(value.items())
    for pair in pairs:
        for name in pair:
            if not isinstance(name, str) or not _IDENTIFIER.match(name):
                raise ValidationError(
                    f"custom field names are identifiers (letters, digits, _), got {name!r}",
                    path="FieldMapping",
                )
    return tuple(sorted(pairs))


def _check_pairs(
    instance: FieldMapping, attribute: attrs.Attribute[Any], value: tuple[tuple[str, str], ...]
) -> None:
    for pair in value:
        for name in pair:
            if not isinstance(name, str) or not _IDENTIFIER.match(name):
                raise ValidationError(
                    f"custom field names are identifiers (letters, digits, _), got {name!r}",
                    path=f"FieldMapping.{attribute.name}",
                )


@attrs.frozen
class FieldMapping:
    """Which custom lead fields conversion carries, and into which custom fields.

    Standard fields are always mapped (company → account name, address → billing and
    mailing address ...). Custom lead fields are carried only when mapped here, per
    target; the rest are dropped.

    >>> from leadkit.model import CustomFields
    >>> mapping = FieldMapping(contact={"interest": "product_interest"})
    >>> mapping.carry(CustomFields({"interest": "CRM", "score_note": "hot"}), "contact")
    CustomFields({'product_interest': 'CRM'})
    >>> len(mapping.carry(CustomFields({"interest": "CRM"}), "account"))
    0
    """

    account: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple, converter=_pairs, validator=_check_pairs, kw_only=True
    )
    contact: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple, converter=_pairs, validator=_check_pairs, kw_only=True
    )
    opportunity: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple, converter=_pairs, validator=_check_pairs, kw_only=True
    )

    def carry(self, custom: CustomFields, target: Target) -> CustomFields:
        """The lead's mapped custom values, renamed for ``target``."""
        pairs: tuple[tuple[str, str], ...] = getattr(self, target)
        return CustomFields({to: custom[source] for source, to in pairs if source in custom})


def _check_month(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ValidationError(
            f"expected a month number 1-12, got {value!r}",
            path=f"ConversionSettings.{attribute.name}",
        )


def _check_optional_catalogue(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and not isinstance(value, StatusCatalogue):
        raise ValidationError(
            f"expected a StatusCatalogue or None, got {type(value).__name__}",
            path="ConversionSettings.statuses",
        )


def _check_matcher(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ValidationError(
            "expected a callable (lead, uow) -> Account | None, or None",
            path="ConversionSettings.account_matcher",
        )


def _check_mapping(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, FieldMapping):
        raise ValidationError(
            f"expected a FieldMapping, got {type(value).__name__}",
            path="ConversionSettings.field_mapping",
        )


def _check_stage(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(value, "ConversionSettings.opportunity_stage", optional=False)


def _check_flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _flag(value, f"ConversionSettings.{attribute.name}")


@attrs.frozen(kw_only=True)
class ConversionSettings:
    """How an organisation converts leads; the same for every request.

    * ``field_mapping``: which custom fields are carried (none by default).
    * ``fiscal_year_start_month``: the new opportunity closes at the end of the current
      fiscal quarter (1 = calendar year; 4 = April, common in Japan).
    * ``account_matcher``: finds an existing account when the request names none
      (default :func:`match_account`; ``None`` always creates a new account).
    * ``statuses``: the status catalogue the converted status must be in (default: the
      catalogue in force, :func:`~leadkit.model.active_statuses`).
    * ``opportunity_stage``: the stage of a new opportunity.
    * ``move_engagement_events``: re-parent the lead's engagement events (page views,
      email clicks ...) to the contact, so its history follows the person.
    """

    field_mapping: FieldMapping = attrs.field(factory=FieldMapping, validator=_check_mapping)
    fiscal_year_start_month: int = attrs.field(default=1, validator=_check_month)
    account_matcher: AccountMatcher | None = attrs.field(
        default=match_account, validator=_check_matcher, eq=False
    )
    statuses: StatusCatalogue | None = attrs.field(
        default=None, validator=_check_optional_catalogue
    )
    opportunity_stage: str = attrs.field(default="Prospecting", validator=_check_stage)
    move_engagement_events: bool = attrs.field(default=True, validator=_check_flag)
