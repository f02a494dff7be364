"""The web-to-lead HTTP endpoint (``leadkit[server]``): an ASGI application over
:func:`~leadkit.intake.intake`, with a pending queue over the daily limit and a read API.

:func:`create_app` makes the application (Starlette; serve it with uvicorn, or
``leadkit serve --db URL --form form.toml``); :class:`WebToLead` is the same without
HTTP, and :func:`process_pending` empties the pending queue as the daily limit allows.
:func:`load_form_definition` reads a form definition file. Starlette is imported only
by :func:`create_app`: the rest works without the extra.
"""

from leadkit.server._app import create_app, sign
from leadkit.server._form import FormDefinition, load_form_definition
from leadkit.server._intake import Answer, PendingReport, WebToLead, process_pending
from leadkit.server._store import unit_of_work_factory

__all__ = [
    "Answer",
    "FormDefinition",
    "PendingReport",
    "WebToLead",
    "create_app",
    "load_form_definition",
    "process_pending",
    "sign",
    "unit_of_work_factory",
]
