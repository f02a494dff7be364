"""The server's OpenAPI 3.1 description, written by hand from the form definition."""

from __future__ import annotations

from typing import Any

from leadkit.server._form import FormDefinition

__all__ = ["openapi_document"]

_OUTCOME = {
    "type": "object",
    "properties": {
        "outcome": {
            "type": "string",
            "enum": [
                "created",
                "duplicate_alert",
                "duplicate",
                "queued",
                "blocked",
                "invalid",
                "unavailable",
            ],
        },
        "lead_id": {"type": "string"},
        "owner": {"type": "string"},
        "pending_id": {"type": "string"},
        "reason": {"type": "string"},
        "message": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                "required": ["path", "message"],
            },
        },
    },
    "required": ["outcome"],
}


_OUTCOME_REF = "#/components/schemas/Outcome"


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": schema or {"$ref": "#/components/schemas/Outcome"}}
        },
    }


def openapi_document(definition: FormDefinition) -> dict[str, Any]:
    """The description of the app :func:`~leadkit.server.create_app` makes for
    ``definition``: its form fields are the submission's properties."""
    form = definition.form
    fields = {name: {"type": "string", "description": f"fills {target}"}
              for name, target in form.fields.items()}  # fmt: skip
    submission = {
        "type": "object",
        "properties": fields,
        "additionalProperties": {"type": "string"},
        "description": f"The fields of the form {form.name!r}; a lead needs a family name "
        "and a company.",
    }
    outcomes = {
        "200": _json("Recorded on the existing lead or contact it duplicates"),
        "201": _json("A new lead (possibly with duplicate alerts), routed"),
        "202": _json("Over the daily limit: kept in the pending queue"),
        "303": {"description": "A browser post: redirected to the form's return URL"},
        "400": _json("The body cannot be read"),
        "401": _json("A server-to-server post without a valid signature"),
        "403": _json("Spam (honeypot) or an origin that may not post"),
        "409": _json("A blocking duplicate rule with nothing to record it on"),
        "413": _json("The body is over the size limit"),
        "415": _json("Neither a form post nor JSON"),
        "422": _json("Invalid fields, each problem with its field"),
        "429": _json("The client's rate limit"),
        "503": _json("The pending queue is full, or the store is unavailable"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"leadkit web-to-lead: {form.name}",
            "version": "1",
            "description": "Web-to-lead submissions, their outcome, and a read API.",
        },
        "paths": {
            "/submit": {
                "post": {
                    "operationId": "submit",
                    "summary": "Submit the web form",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": submission},
                            "application/x-www-form-urlencoded": {"schema": submission},
                        },
                    },
                    "responses": outcomes,
                }
            },
            "/status": {
                "get": {
                    "operationId": "status",
                    "summary": "Counts of each outcome and the pending queue",
                    "responses": {
                        "200": _json(
                            "The status",
                            {
                                "type": "object",
                                "properties": {
                                    "form": {"type": "string"},
                                    "pending": {"type": "integer"},
                                    "queue_size": {"type": "integer"},
                                    "daily_limit": {"type": ["integer", "null"]},
                                    "accepted": {"type": "integer"},
                                    "refused": {"type": "integer"},
                                    "counts": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                },
                                "required": [
                                    "form",
                                    "pending",
                                    "queue_size",
                                    "accepted",
                                    "refused",
                                    "counts",
                                ],
                            },
                        ),
                        "503": _json("The store is unavailable"),
                    },
                }
            },
            "/leads/{lead_id}": {
                "get": {
                    "operationId": "readLead",
                    "summary": "A lead's score card, grade card and routing decision",
                    "security": [{"apiKey": []}],
                    "parameters": [
                        {
                            "name": "lead_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("The lead's cards", {"type": "object"}),
                        "401": _json("No or a wrong API key"),
                        "404": _json("No such lead, or the read API is off"),
                        "503": _json("The store is unavailable"),
                    },
                }
            },
        },
        "components": {
            "schemas": {"Outcome": _OUTCOME},
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
    }
