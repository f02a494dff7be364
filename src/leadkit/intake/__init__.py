"""Web-to-lead intake: a submitted form becomes a lead, an engagement event on the lead
or contact it duplicates, or a rejection with every reason.

:class:`IntakeForm` maps form fields to lead fields (English and Japanese names out of the
box) and validates them; :func:`intake` runs the duplicate rules of :mod:`leadkit.dedupe`
on the result and stores it in one unit of work; a :class:`RateLimiter` keeps form spam
out (:class:`InMemoryRateLimiter` for one process, :class:`SqliteRateLimiter` shared
between processes). Each call returns an :class:`IntakeResult` whose
:class:`IntakeOutcome` says what became of the :class:`Submission`.

These names were importable from :mod:`leadkit.dedupe` before; they still are, as
deprecated aliases of the ones here.
"""

from leadkit.intake._campaigns import (
    CAMPAIGN_KEY,
    campaign_response,
    record_campaign_responses,
)
from leadkit.intake._form import DEFAULT_FORM_FIELDS, LEAD_TARGETS, IntakeForm
from leadkit.intake._intake import IntakeOutcome, IntakeResult, Submission, intake
from leadkit.intake._ratelimit import (
    InMemoryRateLimiter,
    RateDecision,
    RateLimiter,
    SqliteRateLimiter,
    UnitOfWorkRateLimiter,
)

__all__ = [
    "CAMPAIGN_KEY",
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
    "UnitOfWorkRateLimiter",
    "campaign_response",
    "intake",
    "record_campaign_responses",
]
