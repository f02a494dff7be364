"""Any bytes to any file reader, any file to any CLI command: never another exception.

Issue 21 ("Proof"): every loader given hostile input ends in a result or a
``LeadkitError`` naming where the problem is, and every CLI command that reads a file
ends in exit 0, or exit 1 with a message, never a traceback. The inputs are the bundled
sample's own files and rule files, damaged the ways files are damaged: random bytes,
cut short, a byte changed, a hostile cell or value put in (numbers of 5,000 digits,
``NaN``, far dates, tz folders, NUL, lone surrogates, quotes), or a broken gzip.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.cli import main
from leadkit.cli._examples import example_text
from leadkit.dedupe import (
    DEFAULT_LEAD_DUPLICATE_RULES,
    LEAD_RULE,
    DuplicateRuleSet,
    MatchingRule,
    load_duplicate_rules,
    load_matching_rule,
)
from leadkit.errors import LeadkitError, LoadError
from leadkit.intake import IntakeForm
from leadkit.io import dumps, load_data, loads, read_csv
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Contact,
    EngagementEvent,
    Lead,
    Opportunity,
    Queue,
    User,
)
from leadkit.routing import (
    AssignmentRules,
    Availability,
    load_assignment_rules,
    load_team_availability,
)
from leadkit.rules import Condition, field
from leadkit.scoring import (
    GradingProfile,
    ScoringModel,
    load_grading_profile,
    load_grading_scheme,
    load_scoring_model,
)
from leadkit.stages import StagePolicy, WorkingCalendar, load_stage_policy

SAMPLE = files("leadkit.sample") / "data"
MODELS = files("leadkit.scoring") / "models"

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- damaged content ------------------------------------------------------------------------

HOSTILE_CELLS = [
    "",
    "9" * 5_000,
    "-" + "9" * 4_301,
    "NaN",
    "sNaN",
    "-Infinity",
    "1e999",
    "9223372036854775808",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31",
    "2026-02-30",
    "Asia",
    "A" * 300,
    "../../etc/passwd",
    "\x00",
    "\ud800",
    "user:",
    "queue:",
    ";;",
    '"',
    "'=1+1",
    "=HYPERLINK(1)",
    "\r",
    "a\nb",
    "x" * 40_000,
    "１２３",
    "1,200",
    "-0",
    "true",
]

HOSTILE_VALUES = [
    "9" * 5_000,
    "nan",
    "-inf",
    "1e999",
    str(2**64),
    "-1",
    "0",
    '"Asia"',
    '""',
    '"\\ud800"',
    "[" * 200 + "]" * 200,
    "{}",
    "[]",
    '"(a+)+$"',
    '"' + "(" * 600 + "1" + ")" * 600 + '"',
    '"NOT NOT NOT 1"',
    '"1 AND 99"',
    "true",
    '"12.50"',
    "12:50:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01",
    '"user:"',
    '"x"',
    "1.5",
]


def _csv_cell_replaced(text: str, row: int, column: int, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > 1:
        target = rows[1 + row % (len(rows) - 1)]
        if target:
            target[column % len(target)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


_VALUE = re.compile(r'(?<=[=:] )("[^"\n]*"|-?[0-9][0-9.]*|true|false)')


def _value_replaced(text: str, index: int, value: str) -> str:
    spots = list(_VALUE.finditer(text))
    if not spots:
        return text + value
    spot = spots[index % len(spots)]
    return text[: spot.start()] + value + text[spot.end() :]


def damaged(base: bytes, *, table: bool) -> st.SearchStrategy[bytes]:
    """``base`` damaged: random bytes, cut short, bytes changed, a hostile cell or value."""
    text = base.decode("utf-8")
    index = st.integers(0, 10_000)
    replaced = (
        st.builds(_csv_cell_replaced, st.just(text), index, index, st.sampled_from(HOSTILE_CELLS))
        if table
        else st.builds(_value_replaced, st.just(text), index, st.sampled_from(HOSTILE_VALUES))
    )
    flipped = st.tuples(st.integers(0, max(len(base) - 1, 0)), st.binary(min_size=1, max_size=3))
    return st.one_of(
        st.binary(max_size=200),
        st.integers(0, len(base)).map(lambda n: base[:n]),
        flipped.map(lambda f: base[: f[0]] + f[1] + base[f[0] + len(f[1]) :]),
        replaced.map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


def gzipped(content: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """Compressed content, sometimes with its end cut off (a broken download)."""
    packed = content.map(lambda b: gzip.compress(b, mtime=0))
    return st.one_of(packed, st.tuples(packed, st.integers(1, 40)).map(lambda t: t[0][: -t[1]]))


def _sample_rows(name: str, rows: int = 4) -> bytes:
    raw = (SAMPLE / name).read_bytes()
    text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
    return "".join(text.splitlines(keepends=True)[: rows + 1]).encode("utf-8")


def _refused_with_a_path(error: LeadkitError, *, file: str | None) -> None:
    """A message, and a path for every problem: where in the file (``line 3, column
    employees``, ``rules[2].points``) or, for the document as a whole (path ``()``), the
    file named in the message. Text without a name (``loads``) may have a problem with
    the document itself, at the root ``()``."""
    message = str(error)
    assert message
    problems = error.problems if isinstance(error, LoadError) else ()
    if file is not None:
        assert problems or error.path, error
        assert all(problem.path for problem in problems) or file in message, message


def _result_or_leadkit_error(run: Callable[[], object], *, file: str | None) -> None:
    """*run* returns, or raises a LeadkitError with a path; anything else fails the test."""
    try:
        run()
    except LeadkitError as error:
        _refused_with_a_path(error, file=file)


# -- every CSV table ------------------------------------------------------------------------

TABLES: dict[str, type[Any]] = {
    "leads.csv": Lead,
    "converted_leads.csv": Lead,
    "events.csv.gz": EngagementEvent,
    "accounts.csv": Account,
    "contacts.csv": Contact,
    "opportunities.csv": Opportunity,
    "campaigns.csv": Campaign,
    "campaign_members.csv": CampaignMember,
    "users.csv": User,
    "queues.csv": Queue,
}


@pytest.mark.parametrize("name", sorted(TABLES))
@SETTINGS
@given(data=st.data())
def test_any_bytes_to_a_csv_reader_end_in_records_or_a_load_error(
    name: str, data: st.DataObject
) -> None:
    content = damaged(_sample_rows(name), table=True)
    raw = data.draw(gzipped(content) if name.endswith(".gz") else content, label="file")
    encoding = data.draw(st.sampled_from(["utf-8-sig", "cp932", "utf-16"]), label="encoding")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        _result_or_leadkit_error(lambda: read_csv(path, TABLES[name], encoding=encoding), file=name)
    text = raw.decode("utf-8", "replace")
    _result_or_leadkit_error(lambda: read_csv(io.StringIO(text), TABLES[name]), file="CSV")


# -- every rule file ------------------------------------------------------------------------


def _json(value: object) -> bytes:
    return dumps(value).encode("utf-8")


RULE_FILES: dict[str, tuple[Callable[[], bytes], Callable[[Path], object]]] = {
    "scoring.toml": (lambda: (MODELS / "japanese_b2b.toml").read_bytes(), load_scoring_model),
    "grading.toml": (lambda: (MODELS / "default_grading.toml").read_bytes(), load_grading_profile),
    "scheme.toml": (
        lambda: (
            b'name = "s"\n[profiles.all]\nname = "p"\n'
            b'criteria = [{ name = "c", weight = 2, when = { field = "employees", op = ">=", '
            b"value = 100 } }]\n"
        ),
        load_grading_scheme,
    ),
    "stage_policy.toml": (lambda: example_text("stage_policy.toml").encode(), load_stage_policy),
    "routing.toml": (lambda: example_text("routing.toml").encode(), load_assignment_rules),
    "team.json": (
        lambda: (
            b'{"members": {"sato": {"timezone": "Asia/Tokyo", "hours": [{"days": [0, 1], '
            b'"start": "09:00", "end": "18:00"}], "leave": [{"start": "2026-04-27", '
            b'"end": "2026-05-06"}]}}}'
        ),
        load_team_availability,
    ),
    "matching.json": (lambda: _json(LEAD_RULE), load_matching_rule),
    "duplicates.json": (lambda: _json(DEFAULT_LEAD_DUPLICATE_RULES), load_duplicate_rules),
    "data.json": (lambda: _json({"a": [1, 2.5, "x"]}), load_data),
}


@pytest.mark.parametrize("name", sorted(RULE_FILES))
@SETTINGS
@given(data=st.data())
def test_any_bytes_to_a_rule_file_loader_end_in_a_result_or_a_load_error(
    name: str, data: st.DataObject
) -> None:
    base, load = RULE_FILES[name]
    raw = data.draw(damaged(base(), table=False), label="file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        _result_or_leadkit_error(lambda: load(path), file=name)


# -- every type the converter reads (JSON text) ---------------------------------------------


def _model_file(name: str, load: Callable[[Path], object]) -> object:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes((MODELS / name).read_bytes())
        return load(path)


def _first_lead() -> Lead:
    leads: list[Lead] = read_csv(io.StringIO(_sample_rows("leads.csv", 1).decode()), Lead)
    return leads[0]


CONVERTED: dict[str, tuple[Callable[[], object], type[Any]]] = {
    "Lead": (_first_lead, Lead),
    "ScoringModel": (lambda: _model_file("japanese_b2b.toml", load_scoring_model), ScoringModel),
    "GradingProfile": (
        lambda: _model_file("default_grading.toml", load_grading_profile),
        GradingProfile,
    ),
    "StagePolicy": (
        lambda: load_stage_policy({"mql": {"min_score": 50}, "accept_within_hours": 8}),
        StagePolicy,
    ),
    "WorkingCalendar": (lambda: WorkingCalendar(timezone="Asia/Tokyo"), WorkingCalendar),
    "IntakeForm": (IntakeForm, IntakeForm),
    "MatchingRule": (lambda: LEAD_RULE, MatchingRule),
    "DuplicateRuleSet": (lambda: DEFAULT_LEAD_DUPLICATE_RULES, DuplicateRuleSet),
    "AssignmentRules": (
        lambda: load_assignment_rules({"default_owner": "queue:q"}),
        AssignmentRules,
    ),
    "Availability": (lambda: Availability(timezone="Asia/Tokyo"), Availability),
    "Condition": (lambda: (field("employees") >= 100) & field("title").contains("部長"), Condition),
}


@pytest.mark.parametrize("name", sorted(CONVERTED))
@SETTINGS
@given(data=st.data())
def test_any_text_to_loads_ends_in_a_value_or_a_load_error(name: str, data: st.DataObject) -> None:
    make, kind = CONVERTED[name]
    raw = data.draw(damaged(_json(make()), table=False), label="text")
    _result_or_leadkit_error(lambda: loads(raw, kind), file=None)


# -- every CLI command that reads a file ----------------------------------------------------

INPUTS: dict[str, tuple[str, bool]] = {
    # placeholder: (file name in the folder, is a CSV table)
    "leads": ("leads.csv", True),
    "events": ("events.csv.gz", True),
    "users": ("users.csv", True),
    "opportunities": ("opportunities.csv", True),
    "members": ("campaign_members.csv", True),
    "campaigns": ("campaigns.csv", True),
    "model": ("scoring.toml", False),
    "profile": ("grading.toml", False),
    "policy": ("stage_policy.toml", False),
    "rules": ("routing.toml", False),
    "headers": ("headers.toml", False),
}

COMMANDS: dict[str, list[str]] = {
    "score": ["score", "--model", "{model}", "--leads", "{leads}", "--events", "{events}",
              "--headers", "{headers}", "--as-of", "2026-04-01", "--explain"],
    "grade": ["grade", "--profile", "{profile}", "--leads", "{leads}", "--as-of", "2026-04-01"],
    "dedupe": ["dedupe", "--leads", "{leads}", "--explain"],
    "funnel": ["funnel", "--policy", "{policy}", "--model", "{model}", "--profile", "{profile}",
               "--leads", "{leads}", "--events", "{events}", "--as-of", "2026-04-01",
               "--by", "source"],
    "route": ["route", "--rules", "{rules}", "--users", "{users}", "--leads", "{leads}",
              "--events", "{events}", "--as-of", "2026-04-01", "--explain"],
    "attribution": ["attribution", "--opportunities", "{opportunities}", "--members",
                    "{members}", "--leads", "{leads}", "--campaigns", "{campaigns}", "--all"],
    "validate": ["validate", "{model}"],
    "validate-profile": ["validate", "{profile}"],
    "validate-policy": ["validate", "{policy}"],
    "validate-rules": ["validate", "{rules}"],
}  # fmt: skip


def _input_base(placeholder: str) -> bytes:
    name, table = INPUTS[placeholder]
    if table:
        return _sample_rows(name, rows=6)
    if placeholder == "headers":
        return '[headers]\n"会社" = "company"\n"担当者" = ""\n'.encode()
    return RULE_FILES[name][0]()


def _write(folder: Path, placeholder: str, content: bytes) -> None:
    name, _ = INPUTS[placeholder]
    if name.endswith(".gz") and content[:2] != b"\x1f\x8b":
        content = gzip.compress(content, mtime=0)
    (folder / name).write_bytes(content)


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([*argv, "--quiet"], stdout=out, stderr=err)
    return status, err.getvalue()


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_file_to_a_command_exits_0_or_1_with_a_message(
    command: str, data: st.DataObject
) -> None:
    argv = COMMANDS[command]
    used = [p for p in INPUTS if "{" + p + "}" in argv]
    hostile = data.draw(st.sampled_from(used), label="damaged input")
    table = INPUTS[hostile][1]
    content = data.draw(damaged(_input_base(hostile), table=table), label="content")
    if INPUTS[hostile][0].endswith(".gz"):
        content = data.draw(st.one_of(st.just(content), gzipped(st.just(content))), label="gz")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for placeholder in used:
            _write(folder, placeholder, _input_base(placeholder))
        _write(folder, hostile, content)
        paths = {p: str(folder / INPUTS[p][0]) for p in INPUTS}
        status, errors = _run([arg.format(**paths) for arg in argv])
    assert "Traceback" not in errors
    assert status in (0, 1), errors
    if status == 1:
        # Notes (which header map was used, what was ignored) may come first.
        lines = errors.splitlines()
        first = next(i for i, line in enumerate(lines) if not line.startswith("note: "))
        assert lines[first].startswith("leadkit: error: "), errors


def test_the_undamaged_inputs_run_cleanly() -> None:
    """The fuzzing above starts from inputs every command accepts (else it proves little)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for placeholder in INPUTS:
            _write(folder, placeholder, _input_base(placeholder))
        paths = {p: str(folder / INPUTS[p][0]) for p in INPUTS}
        for command, argv in COMMANDS.items():
            status, errors = _run([arg.format(**paths) for arg in argv])
            assert status == 0, (command, errors)
            assert all(line.startswith("note: ") for line in errors.splitlines()), command


# -- web forms: any submitted text ----------------------------------------------------------

FORM_FIELDS = [
    "company", "会社名", "last_name", "姓", "name", "お名前", "email", "phone",
    "employees", "従業員数", "state", "都道府県", "title", "website", "fax_number",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(FORM_FIELDS),
        st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=30)),
        max_size=8,
    )
)
def test_any_submitted_text_is_a_lead_or_a_rejection_with_its_fields(
    values: dict[str, str],
) -> None:
    """intake docs: invalid or missing fields are listed in the rejection, never raised."""
    from leadkit.intake import IntakeOutcome, intake
    from leadkit.repository import InMemoryUnitOfWork

    as_of = datetime(2026, 4, 1, 9, tzinfo=UTC)
    result = intake(values, as_of=as_of, uow=InMemoryUnitOfWork(), client="198.51.100.7")
    if result.outcome is IntakeOutcome.REJECTED:
        assert result.problems
        assert all(problem.path for problem in result.problems), result.problems
    else:
        assert result.lead is not None
