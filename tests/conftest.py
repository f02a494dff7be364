"""Shared test settings: Hypothesis profiles (a faster, deterministic one in CI)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# End-to-end tests that run the whole demo or every documented command, each for tens of
# seconds: marked ``slow`` here, in one place, so that the default run stays fast.
# ``.ci/run`` runs them as a second step (``python -m pytest -m slow``).
_SLOW_MODULES = frozenset(
    {
        "tests/cli/test_demo.py",
        "tests/cli/test_demo_db.py",
        "tests/cli/test_docs_commands.py",
        # Property suites of a minute of CPU or more each: engines compared end to end.
        "tests/sql/test_parity.py",
        "tests/sql/test_cli_engine.py",
        "tests/hardening/test_fuzz_files.py",
        "tests/convert/test_properties.py",
        "tests/predict/test_learn.py",
        "tests/predict/test_evaluate.py",
        "tests/cli/test_predict_commands.py",
        "tests/scoring/test_properties.py",
        "tests/io/test_rule_codecs.py",
        "tests/routing/test_index.py",
        "tests/worklists/test_parity.py",
        "tests/outbox/test_two_dispatchers.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of the slow modules with ``slow``."""
    root = config.rootpath
    for item in items:
        if item.path.relative_to(root).as_posix() in _SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
