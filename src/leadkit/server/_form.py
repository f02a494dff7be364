"""A web-to-lead form definition file: the form's field mapping and its limits.

.. code-block:: toml

    name = "contact-us"
    honeypot = "website_url"          # hidden from people; a bot fills it
    return_url = "https://example.com/thanks"
    required = ["email"]
    lead_source = "Web"

    [fields]                          # form field -> lead field
    company = "company"
    last_name = "name.family"
    email = "email"

    [limits]
    per_client = 20                   # accepted submissions per client address ...
    per_client_minutes = 60           # ... in any window of this many minutes
    daily = 500                       # accepted per 24 hours; more go to the pending queue
    queue_size = 10000                # the pending queue's size; beyond it, 503

Without ``[fields]`` the form takes :data:`~leadkit.intake.DEFAULT_FORM_FIELDS`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import attrs

from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.intake import IntakeForm
from leadkit.io import load_data

__all__ = ["FormDefinition", "load_form_definition"]

_KEYS = {"name", "fields", "required", "honeypot", "lead_source", "event_kind", "return_url"}
_LIMIT_KEYS = {"per_client", "per_client_minutes", "daily", "queue_size"}


def _check_url(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            f"expected an http(s) URL, got {value!r}", path=("FormDefinition", attribute.name)
        )


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"expected a whole number >= 1, got {value!r}", path=("limits", attribute.name)
        )


@attrs.frozen(kw_only=True)
class FormDefinition:
    """One web form served by :func:`~leadkit.server.create_app`: how its fields become a
    lead (``form``), where browsers go afterwards (``return_url``) and its limits.

    ``per_client`` accepted submissions per client address in any ``per_client_window``
    (None: no limit); ``daily`` accepted submissions in any 24 hours, the rest waiting
    in the pending queue (None: no daily limit); ``queue_size`` submissions at most in
    that queue, beyond which the server answers 503.
    """

    form: IntakeForm = attrs.field(factory=IntakeForm)
    return_url: str | None = attrs.field(default=None, validator=_check_url)
    per_client: int | None = attrs.field(default=None, validator=_positive)
    per_client_window: timedelta = timedelta(hours=1)
    daily: int | None = attrs.field(default=None, validator=_positive)
    queue_size: int = attrs.field(default=10_000, validator=_positive)


def _limits(data: object, problems: list[Problem]) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.append(Problem("limits", "expected a table"))
        return {}
    found: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _LIMIT_KEYS:
            problems.append(Problem(("limits", key), f"unknown key; use {sorted(_LIMIT_KEYS)}"))
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(Problem(("limits", key), f"expected a whole number >= 1: {value!r}"))
        elif key == "per_client_minutes":
            found["per_client_window"] = timedelta(minutes=value)
        else:
            found[key] = value
    return found


def load_form_definition(source: str | os.PathLike[str] | Mapping[str, Any]) -> FormDefinition:
    """A :class:`FormDefinition` from a ``.toml`` / ``.json`` file or plain data; every
    problem is reported with its key path (:class:`~leadkit.errors.LoadError`).

    >>> form = load_form_definition({"name": "contact-us", "fields": {"会社名": "company",
    ...     "姓": "name.family"}, "limits": {"daily": 500}})
    >>> form.form.name, form.daily, form.queue_size
    ('contact-us', 500, 10000)
    >>> load_form_definition({"limits": {"daily": 0}})
    Traceback (most recent call last):
    ...
    leadkit.errors.LoadError: 1 problem(s) in the form definition:
      - limits.daily: expected a whole number >= 1: 0
    """
    data = source if isinstance(source, Mapping) else load_data(os.fspath(source))
    what = "the form definition"
    if not isinstance(data, Mapping):
        raise LoadError([Problem((), "expected a table of form settings")], what=what)
    problems: list[Problem] = [
        Problem(key, f"unknown key; use {sorted(_KEYS | {'limits'})}")
        for key in data
        if key not in _KEYS and key != "limits"
    ]
    limits = _limits(data.get("limits"), problems)
    form_keys = {k: v for k, v in data.items() if k in _KEYS - {"return_url"}}
    form: IntakeForm | None = None
    try:
        form = IntakeForm(**form_keys)
    except ValidationError as error:
        path = error.path[1:] if error.path[:1] == ("IntakeForm",) else error.path
        problems.append(Problem(path, error.message))
    except TypeError as error:
        problems.append(Problem((), str(error)))
    definition: FormDefinition | None = None
    if form is not None and not problems:
        try:
            definition = FormDefinition(form=form, return_url=data.get("return_url"), **limits)
        except ValidationError as error:
            problems.append(Problem(error.path[1:], error.message))
    if problems or definition is None:
        raise LoadError(problems or [Problem((), "not a form definition")], what=what)
    return definition
