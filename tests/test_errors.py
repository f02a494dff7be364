"""Code-only ValidationError subclasses are folded into codes (issue 11, "One errors
module with structured paths": "fold the code-only subclasses into codes").

The former class names stay importable from every module that exported them, as
deprecated names of ``ValidationError``; what was raised as one of them is now a
``ValidationError`` carrying the former class's code and the value's path.
"""

from __future__ import annotations

import importlib
import re
import warnings
from datetime import datetime

import attrs
import pytest

import leadkit.errors
from leadkit.errors import FOLDED_CODES, ValidationError
from leadkit.model import Grade, Lead, PersonName
from leadkit.routing import RoundRobin
from leadkit.scoring import ScoringModel
from leadkit.stages import Stage, StageHistory, transition

# Where each former class was public (module, name), as released in 0.1.
_FORMER_HOMES = [("leadkit.errors", name) for name in FOLDED_CODES] + [
    ("leadkit.model", "UnknownStatusError"),
    ("leadkit.model", "ConvertingStatusError"),
    ("leadkit.scoring", "ScoringError"),
    ("leadkit.routing", "RoutingError"),
    ("leadkit.stages", "StageError"),
    ("leadkit.dedupe", "SurvivorshipError"),
]


@pytest.mark.parametrize(("module", "name"), _FORMER_HOMES)
def test_a_former_class_is_a_deprecated_name_of_validation_error(module: str, name: str) -> None:
    home = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=re.escape(FOLDED_CODES[name])):
        value = getattr(home, name)
    assert value is ValidationError
    assert name not in getattr(home, "__all__", ())


def test_the_folded_names_are_no_classes_of_their_own() -> None:
    classes = {
        name
        for name, value in vars(leadkit.errors).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    assert classes.isdisjoint(FOLDED_CODES)
    with pytest.raises(AttributeError):
        getattr(leadkit.errors, "NoSuchError")  # noqa: B009


def test_except_with_a_former_name_still_catches() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from leadkit.scoring import ScoringError
    with pytest.raises(ScoringError) as caught:
        ScoringModel("", [])
    assert type(caught.value) is ValidationError


T0 = datetime(2026, 4, 1, 9, 0)  # naive on purpose


@pytest.mark.parametrize(
    ("make", "code", "path"),
    [
        (lambda: ScoringModel("", []), "bad_scoring", ("name",)),
        (lambda: RoundRobin([]), "bad_routing", ("members",)),
        (
            lambda: transition(StageHistory("lead-1"), Stage.INQUIRY, at=T0, by="u-1", reason="x"),
            "bad_stage_input",
            ("Transition", "at"),
        ),
        (lambda: Grade.parse("E"), "bad_grade", ("grade",)),
        (
            lambda: attrs.evolve(
                Lead(name=PersonName("山田"), company="ABC", created_at=T0.astimezone()),
                status="No such status",
            ),
            "unknown_status",
            ("Lead", "status"),
        ),
    ],
)
def test_each_former_class_is_now_its_code_and_path(
    make: object, code: str, path: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        make()  # type: ignore[operator]
    assert type(caught.value) is ValidationError
    assert (caught.value.code, caught.value.path) == (code, path)
