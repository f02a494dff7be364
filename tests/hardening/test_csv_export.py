"""Issue 21 (hardening): CSV export neutralises formulas (OWASP "CSV Injection"), quotes a
bare CR (RFC 4180), and a broken file or encoding is a LoadError, never a traceback."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError
from leadkit.io import CsvRowWriter, formula_safe_cell, read_leads_csv, write_leads_csv
from leadkit.model import Lead, PersonName

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def _lead(description: str | None = None, title: str | None = None) -> Lead:
    return Lead(
        id="lead-1",
        name=PersonName("山田", "太郎"),
        company="株式会社ABC",
        title=title,
        description=description,
        created_at=T0,
    )


def _description_cell(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        header, row = list(csv.reader(handle))
    return row[header.index("description")]


@pytest.mark.parametrize("cell", ["\tx", "\rx", "=1+1", "@SUM(A1)", "+A1", "-A1+B2"])
def test_a_formula_start_gets_a_quote_in_front(cell: str) -> None:
    """OWASP CSV Injection: a cell starting with = + - @ TAB or CR gets a leading '."""
    assert formula_safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "-A1+B2"])
def test_every_lead_file_is_written_formula_safe(cell: str, tmp_path: Path) -> None:
    """The lead writer goes through the one cell writer: the formula is neutralised, and
    ``formula_safe=False`` (machine-to-machine files) writes it as it is."""
    path = tmp_path / "leads.csv"
    write_leads_csv([_lead(description=cell)], path)
    assert _description_cell(path) == "'" + cell
    raw = tmp_path / "raw.csv"
    write_leads_csv([_lead(description=cell)], raw, formula_safe=False)
    assert _description_cell(raw) == cell


@pytest.mark.parametrize("cell", ["+81-3-1234-5678", "-12.5", "+1 (800) 555-0100", "-3e5"])
def test_numbers_and_phones_are_left_as_they_are(cell: str) -> None:
    """Plain numbers and phone numbers call no function, so they are written unchanged."""
    assert formula_safe_cell(cell) == cell


def test_a_bare_cr_is_quoted() -> None:
    """RFC 4180: a field holding a line break (CR alone too) is quoted, rows end in CRLF."""
    out = io.StringIO(newline="")
    CsvRowWriter(out, formula_safe=False).writerow(["a\rb", "c"])
    assert out.getvalue() == '"a\rb",c\r\n'


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    | st.sampled_from(["=", "+", "-", "@", "'", "\t", "\r", "\n"]),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=60, deadline=None)
@given(_TEXT)
def test_what_leadkit_writes_it_reads_back(description: str) -> None:
    """Round trip: leadkit's reader removes the one quote its writer added, so every text
    reads back as it was (formula or not)."""
    buffer = io.StringIO(newline="")
    write_leads_csv([_lead(description=description)], buffer)
    buffer.seek(0)
    (back,) = read_leads_csv(buffer)
    assert back.description == description


def test_a_corrupt_gzip_file_is_a_load_error(tmp_path: Path) -> None:
    """A truncated or corrupt ``.csv.gz`` is a LoadError naming the file."""
    good = tmp_path / "good.csv"
    write_leads_csv([_lead()], good)
    data = gzip.compress(good.read_bytes())
    broken = tmp_path / "leads.csv.gz"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError):
        read_leads_csv(broken)
    broken.write_bytes(b"\x1f\x8b\x08\x00 not gzip at all")
    with pytest.raises(LoadError):
        read_leads_csv(broken)


def test_an_unknown_encoding_is_a_load_error_at_encoding(tmp_path: Path) -> None:
    """An encoding name Python does not know is a LoadError at the path ``encoding``."""
    path = tmp_path / "leads.csv"
    write_leads_csv([_lead()], path)
    with pytest.raises(LoadError) as caught:
        read_leads_csv(path, encoding="shift-jiss")
    assert any(problem.path == ("encoding",) for problem in caught.value.problems)


def test_utf16_without_a_bom_is_a_load_error(tmp_path: Path) -> None:
    """UTF-16 without a BOM reads as text full of NUL characters: refused, not parsed."""
    path = tmp_path / "leads.csv"
    write_leads_csv([_lead()], path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    with pytest.raises(LoadError):
        read_leads_csv(path)
