"""``leadkit serve``: the web-to-lead HTTP endpoint (``leadkit[server]``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from leadkit.cli._context import Context
from leadkit.cli._errors import EXIT_OK

__all__ = ["configure", "run"]

EXAMPLES = """\
examples:
  leadkit serve --db crm.db --form form.toml
  leadkit serve --db postgresql://app@db/crm --form form.toml --rules routing.toml \\
      --origin https://www.example.com --port 8080

POST /submit takes form posts and JSON; GET /status shows the counts and the pending
queue; GET /leads/ID (with LEADKIT_API_KEY set) a lead's score, grade and routing;
GET /openapi.json the description. LEADKIT_SHARED_SECRET, when set, must sign posts
that come without an Origin header (server to server).
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` subcommand: its description, examples and options."""
    parser.description = "Serve web-to-lead: form posts become routed leads."
    parser.epilog = EXAMPLES
    parser.add_argument(
        "--db", required=True, metavar="URL",
        help="postgresql://..., sqlite:///PATH or a SQLite file path",
    )  # fmt: skip
    parser.add_argument("--form", type=Path, required=True, metavar="TOML",
                        help="form definition file")  # fmt: skip
    parser.add_argument("--rules", type=Path, metavar="TOML", help="assignment rule set file")
    parser.add_argument("--origin", action="append", default=[], metavar="URL",
                        help="an origin whose pages may post (repeat for more)")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--size-limit", type=int, default=64 * 1024, metavar="BYTES",
                        help="largest request body accepted")  # fmt: skip
    parser.add_argument("--pending-every", type=float, default=5.0, metavar="SECONDS",
                        help="how often the pending queue is processed")  # fmt: skip
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    """Load the form and rules, open the database, serve until interrupted."""
    from leadkit._optional import require
    from leadkit.server import create_app, load_form_definition, unit_of_work_factory

    uvicorn = require("uvicorn", "server", purpose="leadkit serve")
    with ctx.progress.step("read the form and open the database"):
        form = load_form_definition(args.form)
        factory = unit_of_work_factory(args.db)
        router = None
        if args.rules is not None:
            from leadkit.routing import Roster, Router, load_assignment_rules

            with factory() as uow:
                users = uow.users.all()
            router = Router(load_assignment_rules(args.rules), roster=Roster(users))
        app = create_app(
            unit_of_work=factory,
            form=form,
            router=router,
            allowed_origins=args.origin,
            shared_secret=os.environ.get("LEADKIT_SHARED_SECRET") or None,
            api_key=os.environ.get("LEADKIT_API_KEY") or None,
            size_limit=args.size_limit,
            process_pending_every=args.pending_every,
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return EXIT_OK
