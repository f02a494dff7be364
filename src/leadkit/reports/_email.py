"""Per-message e-mail rates: sends, unique opens and clicks, open and click rates.

A message is the ``message_id`` property of ``email_send`` / ``email_open`` /
``email_click`` events (else their ``campaign_id``; ``(none)`` when neither). Rates count
people, not events: the open rate is the people who opened a message over the people it
was sent to, so opening twice counts once; a message sent to nobody has no rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import attrs

from leadkit.model import EngagementEvent, EventKind
from leadkit.reports._report import ReportMixin
from leadkit.reports._table import Percent, Table

__all__ = ["EmailReport", "EmailRow", "email_rates"]

_KINDS = {
    EventKind.EMAIL_SEND.value: "sent",
    EventKind.EMAIL_OPEN.value: "opened",
    EventKind.EMAIL_CLICK.value: "clicked",
}


@attrs.frozen(slots=True)
class EmailRow:
    """One message: people sent to, who opened, who clicked, and the rates."""

    message: str
    sent: int
    opened: int
    clicked: int

    @property
    def open_rate(self) -> Percent | None:
        return Percent(self.opened / self.sent) if self.sent else None

    @property
    def click_rate(self) -> Percent | None:
        return Percent(self.clicked / self.sent) if self.sent else None

    @property
    def click_to_open(self) -> Percent | None:
        return Percent(self.clicked / self.opened) if self.opened else None


@attrs.frozen(slots=True, repr=False)
class EmailReport(ReportMixin):
    """Per-message open and click rates, most sent first."""

    rows: tuple[EmailRow, ...]

    def table(self, *, locale: str = "en") -> Table:
        """The rows as a table (headings in ``locale``, ``"en"`` or ``"ja"``)."""
        return Table(
            ("message", "sent", "opened", "clicked", "open_rate", "click_rate", "click_to_open"),
            [
                (r.message, r.sent, r.opened, r.clicked, r.open_rate, r.click_rate, r.click_to_open)
                for r in self.rows
            ],
            title="E-mail rates per message",
        ).translated(locale)


def email_rates(events: Iterable[EngagementEvent], *, key: str = "message_id") -> EmailReport:
    """Open and click rates per message (property ``key``, else ``campaign_id``).

    >>> from datetime import datetime, UTC
    >>> at = datetime(2026, 4, 1, tzinfo=UTC)
    >>> def e(kind, who):
    ...     return EngagementEvent(kind=kind, lead_id=who, occurred_at=at,
    ...                            properties={"message_id": "news-04"})
    >>> found = [e("email_send", "a"), e("email_send", "b"), e("email_open", "a"),
    ...          e("email_open", "a"), e("email_click", "a")]
    >>> row = email_rates(found).rows[0]
    >>> row.sent, row.opened, str(row.open_rate), str(row.click_rate)
    (2, 1, '50.0%', '50.0%')
    """
    people: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event in events:
        column = _KINDS.get(event.kind)
        if column is None:
            continue
        value = event.properties.get(key)
        message = value if isinstance(value, str) and value else event.campaign_id or "(none)"
        who = f"lead:{event.lead_id}" if event.lead_id else f"contact:{event.contact_id}"
        people[message][column].add(who)
    rows = [
        EmailRow(m, len(c["sent"]), len(c["opened"]), len(c["clicked"])) for m, c in people.items()
    ]
    return EmailReport(tuple(sorted(rows, key=lambda r: (-r.sent, r.message))))
