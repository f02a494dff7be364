"""``--catalogue FILE``: the CLI takes the catalogues as an option, not as ambient state
(issue 19); a status is matched by its label (状況=新規) under that catalogue."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from leadkit.cli import main

CATALOGUE = """
[[statuses.statuses]]
api_name = "New"
label = "新規"
is_default = true

[[statuses.statuses]]
api_name = "Won"
label = "成約"
is_converted = true
is_closed = true
"""


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, err.getvalue()


@pytest.mark.slow  # two runs of the dedupe command: ~0.9 s
def test_a_status_of_the_given_catalogue_loads_and_is_refused_without_it(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("姓,会社名,状況,作成日\n山田,ABC,新規,2026-04-01T00:00:00+09:00\n")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE)
    status, err = _run("dedupe", "--leads", str(leads))
    assert status == 1
    assert "unknown status '新規'" in err
    status, err = _run("dedupe", "-q", "--catalogue", str(catalogue), "--leads", str(leads))
    assert status == 0
    assert "unknown status" not in err


def test_a_bad_catalogue_file_is_reported_with_its_path(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text('[[statuses.statuses]]\napi_name = "New"\nbogus = 1\n')
    status, err = _run("dedupe", "--catalogue", str(catalogue), "--leads", "x.csv")
    assert status == 1
    assert "bogus" in err
    assert "Traceback" not in err
