"""Code run in child processes by the concurrency tests (importable under spawn)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from leadkit.convert import ConversionRequest, convert_lead
from leadkit.errors import LeadkitError
from leadkit.repository import SqliteUnitOfWork
from tests.convert.conftest import AS_OF, CONVERTED


def convert_when_started(
    path: str, lead_id: str, start: Event, results: Queue[tuple[str, str, str]]
) -> None:
    """Wait for the start signal, convert ``lead_id``, report (lead, outcome, detail)."""
    start.wait(timeout=30)
    try:
        request = ConversionRequest(lead_id, CONVERTED, account="match")
        result = convert_lead(request, SqliteUnitOfWork(path), as_of=AS_OF)
    except LeadkitError as error:
        results.put((lead_id, "error", error.code))
    except Exception as error:  # reported, so that the test fails fast and says why
        results.put((lead_id, "crash", repr(error)))
    else:
        results.put((lead_id, "ok", str(result.account_id)))
