"""What to convert and how: the request (per lead) and the settings (per organisation)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

import attrs

from leadkit.convert._errors import AccountRequiredError, ConflictingOpportunityOptionsError
from leadkit.convert._matching import AccountMatcher, match_account
from leadkit.errors import ValidationError
from leadkit.model import CustomFields, Money, OwnerRef, StatusCatalogue
from leadkit.stages import StageHistory

__all__ = [
    "AS_CHOSEN",
    "BRANCH",
    "HEAD_OFFICE",
    "MATCH",
    "NEW",
    "ConversionRequest",
    "ConversionSettings",
    "ConversionTarget",
    "FieldMapping",
]

ConversionTarget = Literal["account", "contact", "opportunity"]
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


NEW = "new"
"""The request's choice to create a new account or contact (the default)."""
MATCH = "match"
"""The request's choice to look for an existing account (with the settings' matcher) or
contact (same normalised email in the account), and create one only if none is found."""

_CHOICES = (NEW, MATCH)

AS_CHOSEN = "as_chosen"
"""``account_level``: convert into the account given or matched (the default)."""
HEAD_OFFICE = "head_office"
"""``account_level``: convert into the head office of the account given or matched (the
top of its hierarchy, 本社)."""
BRANCH = "branch"
"""``account_level``: convert into the branch (支店, 営業所) of the account's hierarchy
whose name has the lead's company key (株式会社ABC 大阪支店); the account given or
matched when none has."""
_LEVELS = (AS_CHOSEN, HEAD_OFFICE, BRANCH)


def _choice(value: object, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f'expected "new", "match" or a record id, got {value!r}', path=where)


def _money(value: object, where: str) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(
            f"expected Money (such as Money(1_200_000, 'JPY')) or None, got "
            f"{type(value).__name__} {value!r}",
            path=where,
        )


def _day(value: object, where: str) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ValidationError(
            f"expected a date or None, got {type(value).__name__} {value!r}", path=where
        )


@attrs.frozen
class ConversionRequest:
    """One lead to convert, with the options users know from the leading CRMs.

    * ``lead_id`` is required; ``converted_status`` is a converting status of the
      catalogue, or ``None`` (the default) for the one its status policy names.
    * ``account``: ``"new"`` (the default) creates a new account from the lead; an
      account id merges into that account; ``"match"`` asks the settings' matcher for an
      existing account (the result's ``account_match`` says which and why) and creates
      a new one when none matches.
    * ``account_level``: for an existing account (an id or ``"match"``), ``"as_chosen"``
      (the default) keeps it, ``"head_office"`` converts into the head office at the top
      of its hierarchy, ``"branch"`` into the account of its hierarchy named like the
      lead's company (its 大阪支店). With ``"match"``, a lead linked to an account before
      conversion (``Lead.account_id``, :func:`leadkit.accounts.match_accounts`) uses it.
    * ``contact``: ``"new"`` (the default) creates a new contact; a contact id uses that
      contact, which must belong to the account (so ``account`` must be an id too);
      ``"match"`` reuses the account's oldest contact with the lead's normalised email
      (``contact_match`` says which), else creates one.
    * The opportunity is created by default, named after the company; give
      ``opportunity_name`` (at most 80 characters) to name it, ``opportunity_id`` to link
      an existing one of the account instead, or ``no_opportunity=True`` for none.
      ``opportunity_amount``, ``opportunity_close_date`` and ``opportunity_stage`` set
      the new opportunity's values (default: the lead's qualification, then the
      settings). Contradictory combinations raise
      :class:`ConflictingOpportunityOptionsError`.
    * ``owner``: the user who owns the records created (default: the lead's owner;
      required when a queue owns the lead). When it differs from the lead's owner, the
      lead's open activities move to it (see ``converted_by``).
    * ``converted_by``: the user converting the lead. When given, only the open tasks
      and the events of that user move to the new owner (the leading CRM's rule); when
      not, every open task and future event moves.
    * ``overwrite_lead_source``: replace a non-empty lead source on the existing contact
      (otherwise only empty fields of existing records are filled); only allowed when
      converting into an existing contact (``contact`` an id or ``"match"``).

    >>> ConversionRequest("lead-1", "Closed - Converted", no_opportunity=True,
    ...                   opportunity_name="Big deal")
    Traceback (most recent call last):
    ...
    leadkit.errors.ConflictingOpportunityOptionsError: ...
    >>> ConversionRequest("lead-1", "Closed - Converted", overwrite_lead_source=True)
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: ...
    """

    lead_id: str
    converted_status: str | None = None
    account: str = attrs.field(default=NEW, kw_only=True)
    account_level: str = attrs.field(default=AS_CHOSEN, kw_only=True)
    contact: str = attrs.field(default=NEW, kw_only=True)
    opportunity_name: str | None = attrs.field(default=None, kw_only=True)
    opportunity_id: str | None = attrs.field(default=None, kw_only=True)
    opportunity_amount: Money | None = attrs.field(default=None, kw_only=True)
    opportunity_close_date: date | None = attrs.field(default=None, kw_only=True)
    opportunity_stage: str | None = attrs.field(default=None, kw_only=True)
    no_opportunity: bool = attrs.field(default=False, kw_only=True)
    owner: OwnerRef | None = attrs.field(default=None, kw_only=True)
    converted_by: OwnerRef | None = attrs.field(default=None, kw_only=True)
    overwrite_lead_source: bool = attrs.field(default=False, kw_only=True)

    @classmethod
    def from_qualification(
        cls, history: StageHistory, converted_status: str, **options: Any
    ) -> ConversionRequest:
        """A request for the lead of ``history`` whose new opportunity takes the amount,
        close date, name and stage sales gave when qualifying it (:func:`~leadkit.stages.
        qualify`); ``options`` are the request's other fields and override them.

        A history without a qualification is a :class:`ValidationError`: such a lead is
        not an SQL yet.
        """
        if not isinstance(history, StageHistory):
            raise ValidationError(
                f"expected a StageHistory, got {type(history).__name__}", path="history"
            )
        deal = history.qualification
        if deal is None:
            raise ValidationError(
                f"lead {history.lead_id!r} was never qualified (stages.qualify): there is no "
                "amount or close date to carry into the opportunity",
                path="history",
            )
        values: dict[str, Any] = {
            "opportunity_amount": deal.amount,
            "opportunity_close_date": deal.close_date,
            "opportunity_name": deal.opportunity_name,
            "opportunity_stage": deal.stage,
        }
        return cls(history.lead_id, converted_status, **{**values, **options})

    @property
    def account_id(self) -> str | None:
        """The existing account named by id, if ``account`` is one."""
        return None if self.account in _CHOICES else self.account

    @property
    def contact_id(self) -> str | None:
        """The existing contact named by id, if ``contact`` is one."""
        return None if self.contact in _CHOICES else self.contact

    def __attrs_post_init__(self) -> None:
        where = "ConversionRequest"
        _text(self.lead_id, f"{where}.lead_id", optional=False)
        _text(self.converted_status, f"{where}.converted_status", optional=True)
        _choice(self.account, f"{where}.account")
        _choice(self.contact, f"{where}.contact")
        if self.account_level not in _LEVELS:
            raise ValidationError(
                f"expected one of {', '.join(map(repr, _LEVELS))}, got {self.account_level!r}",
                path=f"{where}.account_level",
            )
        if self.account_level != AS_CHOSEN and self.account == NEW:
            raise ValidationError(
                f"account_level={self.account_level!r} chooses within an existing account's "
                'hierarchy: give the account id, or account="match"',
                path=f"{where}.account_level",
            )
        for name in ("opportunity_id", "opportunity_name", "opportunity_stage"):
            _text(getattr(self, name), f"{where}.{name}")
        _money(self.opportunity_amount, f"{where}.opportunity_amount")
        _day(self.opportunity_close_date, f"{where}.opportunity_close_date")
        _flag(self.no_opportunity, f"{where}.no_opportunity")
        _flag(self.overwrite_lead_source, f"{where}.overwrite_lead_source")
        for name in ("owner", "converted_by"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, OwnerRef) and not value.is_queue):
                raise ValidationError(
                    f"expected a user (OwnerRef.user(...)), got {value!r}",
                    path=f"{where}.{name}",
                )
        if self.opportunity_name is not None and (
            len(self.opportunity_name) > _OPPORTUNITY_NAME_LENGTH
        ):
            raise ValidationError(
                f"an opportunity name has at most {_OPPORTUNITY_NAME_LENGTH} characters, "
                f"this one has {len(self.opportunity_name)}",
                path=f"{where}.opportunity_name",
            )
        new_values = (
            "opportunity_name",
            "opportunity_amount",
            "opportunity_close_date",
            "opportunity_stage",
        )
        given = [name for name in new_values if getattr(self, name) is not None]
        if self.no_opportunity and (given or self.opportunity_id):
            named = given[0] if given else "opportunity_id"
            raise ConflictingOpportunityOptionsError(
                f"no_opportunity=True cannot go with {named}; drop one of them",
                path=f"{where}.no_opportunity",
            )
        if given and self.opportunity_id:
            raise ConflictingOpportunityOptionsError(
                f"give {given[0]} to create a new opportunity or opportunity_id to "
                "link an existing one, not both",
                path=f"{where}.opportunity_id",
            )
        if self.contact_id is not None and self.account_id is None:
            raise AccountRequiredError(
                "an existing contact can only be used with the account it belongs "
                "to: give that account's id as account",
                path=f"{where}.contact",
            )
        if self.opportunity_id and self.account_id is None:
            raise AccountRequiredError(
                "an existing opportunity can only be used with the account it belongs "
                "to: give that account's id as account",
                path=f"{where}.opportunity_id",
            )
        if self.overwrite_lead_source and self.contact == NEW:
            raise ValidationError(
                "overwrite_lead_source=True applies only when converting into an existing "
                'contact: give its id as contact, or contact="match"',
                path=f"{where}.overwrite_lead_source",
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

    def carry(self, custom: CustomFields, target: ConversionTarget) -> CustomFields:
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
            "expected a callable (lead, uow) -> AccountMatch | Account | None",
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
    * ``account_matcher``: finds an existing account when the request asks for
      ``account="match"`` (default :func:`match_account`; ``None``: nothing matches).
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
