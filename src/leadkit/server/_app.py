"""The ASGI application (Starlette): web-to-lead posts, the status and the read API.

Starlette rather than FastAPI: leadkit's models are attrs classes read by its own
converter, so FastAPI's pydantic layer would be a second model of every request, and its
generated OpenAPI would describe that layer rather than the form definition. The
OpenAPI description is written by hand (:mod:`leadkit.server._openapi`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

from leadkit.errors import LeadkitError, ValidationError
from leadkit.repository import UnitOfWorkFactory
from leadkit.routing import Router
from leadkit.scoring import (
    GradingProfile,
    ScoringModel,
    default_grading_profile,
    default_marketing_model,
)
from leadkit.server._form import FormDefinition
from leadkit.server._intake import Answer, WebToLead
from leadkit.server._openapi import openapi_document
from leadkit.server._read import lead_card
from leadkit.server._store import unit_of_work_factory

__all__ = ["create_app"]

log = logging.getLogger("leadkit.server")

SIGNATURE_HEADER = "x-leadkit-signature"
TIMESTAMP_HEADER = "x-leadkit-timestamp"
SIGNATURE_MAX_AGE = 300.0  # seconds: an older signed post is refused (replay)


def _problem(status: int, message: str, path: str = "", **extra: Any) -> Answer:
    body = {"outcome": "invalid", "problems": [{"path": path, "message": message}], **extra}
    return Answer(status, "invalid", body)


class _TooLarge(Exception):
    pass


async def _read_body(receive_body: Any, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in receive_body:
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _fields_from(body: bytes, content_type: str) -> tuple[dict[str, object] | None, Answer | None]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            return None, _problem(400, f"the body is not JSON: {exc}")
        if not isinstance(data, dict):
            return None, _problem(400, "the body is a JSON object of form field to text")
        return data, None
    if kind == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, _problem(400, "the form body is not UTF-8")
        fields: dict[str, object] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            previous = fields.get(name)
            if previous is None:
                fields[name] = value
            else:  # a repeated field (check boxes): every value
                fields[name] = (
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
        return fields, None
    return None, _problem(
        415,
        "send application/x-www-form-urlencoded or application/json",
        "content-type",
    )


def _signed(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    try:
        age = abs(now - float(timestamp))
    except ValueError:
        return False
    if age > SIGNATURE_MAX_AGE:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    given = signature.removeprefix("sha256=")
    return hmac.compare_digest(expected.hexdigest(), given)


def sign(secret: str, body: bytes, *, timestamp: float | None = None) -> dict[str, str]:
    """The headers that sign ``body`` for a server-to-server post: an HMAC-SHA256 of
    ``"<timestamp>.<body>"`` with the shared ``secret``.

    >>> sorted(sign("s3cret", b"{}", timestamp=1700000000))
    ['X-Leadkit-Signature', 'X-Leadkit-Timestamp']
    """
    stamp = str(int(time.time() if timestamp is None else timestamp))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Leadkit-Timestamp": stamp, "X-Leadkit-Signature": f"sha256={mac}"}


def _check_options(
    allowed_origins: Sequence[str],
    size_limit: int,
    pending_interval: float,
    shared_secret: str | None,
    api_key: str | None,
) -> tuple[str, ...]:
    if isinstance(allowed_origins, str):
        raise ValidationError("allowed_origins is a list of origins", path="allowed_origins")
    origins = tuple(allowed_origins)
    for n, origin in enumerate(origins):
        if not isinstance(origin, str) or not origin.startswith(("http://", "https://")):
            raise ValidationError(
                f"an origin is scheme://host[:port], got {origin!r}", path=("allowed_origins", n)
            )
    if isinstance(size_limit, bool) or not isinstance(size_limit, int) or size_limit < 256:
        raise ValidationError(f"size_limit is bytes >= 256, got {size_limit!r}", path="size_limit")
    if not isinstance(pending_interval, int | float) or pending_interval <= 0:
        raise ValidationError(
            f"pending_interval is seconds > 0, got {pending_interval!r}", path="pending_interval"
        )
    for name, value in (("shared_secret", shared_secret), ("api_key", api_key)):
        if value is not None and (not isinstance(value, str) or len(value) < 8):
            raise ValidationError(f"{name} is text of 8 characters or more", path=name)
    return tuple(o.rstrip("/") for o in origins)


def create_app(
    *,
    form: FormDefinition,
    unit_of_work: UnitOfWorkFactory | None = None,
    db: str | None = None,
    router: Router | None = None,
    allowed_origins: Sequence[str] = (),
    shared_secret: str | None = None,
    api_key: str | None = None,
    size_limit: int = 64 * 1024,
    scoring_model: ScoringModel | None = None,
    grading_profile: GradingProfile | None = None,
    process_pending_every: float = 5.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Any:
    """The web-to-lead ASGI application (needs ``leadkit[server]``).

    Storage is ``unit_of_work`` (a factory) or ``db`` (a URL, see
    :func:`~leadkit.server.unit_of_work_factory`), one of the two.
    ``POST /submit`` takes a form post or a JSON object; ``GET /status`` the counts of
    each outcome and the pending queue; ``GET /leads/{id}`` a lead's score card, grade
    card and routing decision, with ``Authorization: Bearer <api_key>`` (without
    ``api_key`` the read API answers 404); ``GET /openapi.json`` the description.

    Browser posts (with an ``Origin`` header) are accepted from ``allowed_origins`` only
    (and CORS allows those); posts without one are server-to-server, and must be signed
    with ``shared_secret`` when it is given (see :func:`sign`). Bodies over ``size_limit``
    bytes get 413. Every ``process_pending_every`` seconds a background task processes
    the pending queue as the daily limit allows.
    """
    from leadkit._optional import require

    require("starlette", "server", purpose="leadkit.server")
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
    from starlette.routing import Route

    if (unit_of_work is None) == (db is None):
        raise ValidationError("give unit_of_work or db, one of the two", path="unit_of_work")
    if unit_of_work is None:
        unit_of_work = unit_of_work_factory(cast(str, db))
    factory: UnitOfWorkFactory = unit_of_work
    origins = _check_options(
        allowed_origins, size_limit, process_pending_every, shared_secret, api_key
    )
    intake = WebToLead(factory, form, router=router, clock=clock)
    model = scoring_model if scoring_model is not None else default_marketing_model()
    profile = grading_profile if grading_profile is not None else default_grading_profile()

    def answer(result: Answer, headers: Mapping[str, str] | None = None) -> Response:
        return JSONResponse(dict(result.body), status_code=result.status, headers=headers)

    def browser_answer(result: Answer, fields: Mapping[str, object]) -> Response:
        if form.return_url is not None:
            sep = "&" if "?" in form.return_url else "?"
            query = urlencode({"outcome": result.outcome})
            return RedirectResponse(f"{form.return_url}{sep}{query}", status_code=303)
        # No return URL: a short page; everything submitted is escaped on the way out.
        company = fields.get("company") or fields.get("会社名") or ""
        page = (
            "<!doctype html><meta charset=utf-8><title>leadkit</title>"
            f"<p>{escape(result.outcome)}: {escape(str(company))}</p>"
        )
        return HTMLResponse(page, status_code=result.status)

    async def submit(request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/") not in origins:
            return answer(_problem(403, f"origin {origin!r} may not post here", "origin"))
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > size_limit:
            return answer(_problem(413, f"the body is over {size_limit} bytes"))
        try:
            body = await _read_body(request.stream(), size_limit)
        except _TooLarge:
            return answer(_problem(413, f"the body is over {size_limit} bytes"))
        if origin is None and shared_secret is not None:
            stamp = request.headers.get(TIMESTAMP_HEADER, "")
            signature = request.headers.get(SIGNATURE_HEADER, "")
            if not _signed(shared_secret, stamp, body, signature, time.time()):
                return answer(_problem(401, "sign server-to-server posts", "signature"))
        fields, refused = _fields_from(body, request.headers.get("content-type", ""))
        if refused is not None or fields is None:
            return answer(refused or _problem(400, "no fields"))
        client = request.client.host if request.client else None
        result = await run_in_threadpool(intake.submit, fields, client=client)
        browser = "text/html" in request.headers.get("accept", "") and origin is not None
        if browser and result.status < 500:
            return browser_answer(result, fields)
        headers = {"Retry-After": "60"} if result.status in (429, 503) else None
        return answer(result, headers)

    async def status(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(intake.status))

    async def read_lead(request: Request) -> Response:
        if api_key is None:
            return answer(_problem(404, "the read API is off (no api key configured)"))
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            return answer(_problem(401, "give the API key: Authorization: Bearer <key>"))
        lead_id = request.path_params["lead_id"]
        card = await run_in_threadpool(
            lambda: lead_card(
                factory, lead_id, as_of=clock(), scoring_model=model,
                grading_profile=profile, router=router,
            )
        )  # fmt: skip
        if card is None:
            return answer(_problem(404, f"no lead {lead_id!r}", "lead_id"))
        return JSONResponse(card)

    document = openapi_document(form)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def on_leadkit_error(request: Request, exc: Exception) -> Response:
        log.warning("leadkit error: %s", exc)
        body = {"outcome": "unavailable", "reason": getattr(exc, "code", "error")}
        return JSONResponse({**body, "message": str(exc)}, status_code=503)

    async def on_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error")  # in the server's log, never in the answer
        return JSONResponse({"outcome": "error", "message": "internal error"}, status_code=500)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async def drain() -> None:
            while True:
                await asyncio.sleep(process_pending_every)
                try:
                    await run_in_threadpool(intake.process_pending)
                except LeadkitError as exc:  # busy store: the next pass tries again
                    log.warning("pending queue: %s", exc)

        task = asyncio.create_task(drain())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = Starlette(
        routes=[
            Route("/submit", submit, methods=["POST"]),
            Route("/status", status, methods=["GET"]),
            Route("/leads/{lead_id}", read_lead, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=list(origins),
                allow_methods=["POST", "GET"],
                allow_headers=["content-type", "authorization"],
            )
        ],
        exception_handlers={LeadkitError: on_leadkit_error, Exception: on_error},
        lifespan=lifespan,
    )
    app.state.intake = intake
    return app
