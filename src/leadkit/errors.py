"""The one exception hierarchy of leadkit.

Every error leadkit raises on purpose is a :class:`LeadkitError`. Each carries a stable
``code`` (for programs) and, where it applies, the ``path`` of the offending value as a
tuple of keys and indexes (``("rules", 3, "when", "field")``), printed the way people
write it (``rules[3].when.field``), so that a message can point at the exact place to fix.

>>> from leadkit.errors import ValidationError
>>> err = ValidationError("must not be empty", path="lead.company")
>>> str(err)
'lead.company: must not be empty'
>>> err.path
('lead', 'company')
>>> err.code
'invalid'
>>> str(ValidationError("unknown field", path=("when", "field")).at("rules", 3))
'rules[3].when.field: unknown field'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Self, TypeAlias

if TYPE_CHECKING:
    from leadkit.dedupe._duplicate_rules import DuplicateCheck
    from leadkit.dedupe._evidence import MatchPair
    from leadkit.stages._stage import Stage

__all__ = [
    "FOLDED_CODES",
    "AccountRequiredError",
    "AlreadyConvertedError",
    "AlreadyMergedError",
    "CliError",
    "ConcurrencyError",
    "ConflictingOpportunityOptionsError",
    "ContactNotInAccountError",
    "ConversionError",
    "ConversionRolledBackError",
    "ConvertedLeadMergeError",
    "DatabaseError",
    "DatabaseFileError",
    "DuplicateBlockedError",
    "DuplicateIdError",
    "FilterLogicError",
    "IllegalTransitionError",
    "InjectedFault",
    "InvalidConvertedStatusError",
    "KeyPath",
    "LeadReadOnlyError",
    "LeadkitError",
    "LoadError",
    "MergeError",
    "MergedRecordError",
    "MissingDependencyError",
    "MissingExtraError",
    "NotFoundError",
    "OpportunityNotInAccountError",
    "OwnerRequiredError",
    "PathLike",
    "Problem",
    "RuleError",
    "SchemaVersionError",
    "SqlCompileError",
    "UnitOfWorkStateError",
    "UsageError",
    "ValidationError",
    "folded_error",
    "format_path",
    "parse_path",
]

KeyPath: TypeAlias = tuple[str | int, ...]
"""Where a value sits: keys (``str``) and list indexes (``int``), outermost first."""

PathLike: TypeAlias = KeyPath | str | None
"""A :data:`KeyPath`, its printed form (``"rules[3].when.field"``), or nothing."""

_PLAIN_KEY = re.compile(r"[^.\[\]'\"]+")
_SEGMENT = re.compile(r"\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\.?([^.\[\]]+)")


def format_path(path: PathLike) -> str:
    """Print a path as people write it: ``("rules", 3, "when")`` → ``rules[3].when``.

    A key that holds a dot, a bracket or a quote is printed in brackets
    (``custom['a.b']``), so that :func:`parse_path` reads the text back to the same path.

    >>> format_path(("entries", 2, "target", "members", 1))
    'entries[2].target.members[1]'
    >>> format_path(("custom", "a.b"))
    "custom['a.b']"
    """
    if path is None:
        return ""
    if isinstance(path, str):
        return path
    parts: list[str] = []
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _PLAIN_KEY.fullmatch(key):
            parts.append(f".{key}" if parts else key)
        else:
            escaped = key.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def parse_path(text: str) -> KeyPath:
    """Read a printed path back: ``"rules[3].when.field"`` → ``("rules", 3, "when", "field")``.

    Text that is not a path of keys and indexes (``"line 3, column 会社名"``) stays one key.

    >>> parse_path("rules[3].when.field")
    ('rules', 3, 'when', 'field')
    >>> parse_path("")
    ()
    """
    if not text:
        return ()
    segments: list[str | int] = []
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None or (match.group(3) is not None and position and text[position] != "."):
            return (text,)
        index, quoted, key = match.groups()
        if index is not None:
            segments.append(int(index))
        elif quoted is not None:
            segments.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            segments.append(key)
        position = match.end()
    return tuple(segments)


def _as_path(path: PathLike) -> KeyPath:
    if path is None:
        return ()
    if isinstance(path, str):
        return parse_path(path)
    return tuple(path)


class LeadkitError(Exception):
    """Base class of every error leadkit raises on purpose.

    ``code`` is stable across releases and safe to branch on; the message is for people.
    ``path`` is where the bad value sits (a tuple; ``()`` when the error is about no
    particular value); :meth:`at` puts the place of the enclosing value in front of it.
    """

    code: str = "leadkit_error"

    def __init__(self, message: str, *, path: PathLike = None, code: str | None = None) -> None:
        self.message = message
        self._path = _as_path(path)
        if code is not None:
            self.code = code
        super().__init__(message)

    @property
    def path(self) -> KeyPath:
        """Where the offending value sits, outermost key first."""
        return self._path

    @path.setter
    def path(self, value: PathLike) -> None:
        self._path = _as_path(value)

    def at(self, *prefix: str | int) -> Self:
        """Prefix the path with the place of the enclosing value, and return this error.

        ``raise err.at("rules", 3) from None`` re-raises an error found inside
        ``rules[3]`` with the whole path.
        """
        self._path = (*_as_path_parts(prefix), *self._path)
        return self

    def __str__(self) -> str:
        where = format_path(self._path)
        return f"{where}: {self.message}" if where else self.message


def _as_path_parts(prefix: Iterable[str | int]) -> KeyPath:
    parts: list[str | int] = []
    for key in prefix:
        parts.extend(parse_path(key) if isinstance(key, str) else (key,))
    return tuple(parts)


class ValidationError(LeadkitError, ValueError):
    """A value is not acceptable: wrong type, out of range, malformed, missing.

    Also a :class:`ValueError`, so code that guards with ``except ValueError`` keeps working.
    ``code`` says which kind of value was refused; branch on it, not on the message:

    ======================  ==================================================================
    ``invalid``             any other value (the default)
    ``unknown_status``      a lead status not in the status catalogue in force
    ``converting_status``   a converting status ("Closed - Converted") set without converting;
                            the status and the conversion are one fact, set only by
                            :func:`leadkit.convert.convert_lead`
    ``bad_grade``           text that is no grade (:meth:`leadkit.model.Grade.parse`)
    ``bad_owner``           text that is no ``user:<id>`` / ``queue:<id>`` owner
    ``bad_scoring``         a scoring model, grading profile or scoring call
    ``bad_routing``         an assignment rule set, target, schedule or routing call
    ``bad_stage_input``     a stage operation's input: a naive or out-of-order time, a
                            missing reason, an unknown stage, a policy without a setting
    ``survivorship``        a survivorship rule that does not fit a field or its values
    ``account_hierarchy``   an account's parent that is missing or would make a cycle
                            (:mod:`leadkit.accounts`)
    ======================  ==================================================================

    Subclasses add what a catcher needs besides the code: :class:`LoadError` (every
    problem), :class:`RuleError` (which ``key`` of a condition), :class:`FilterLogicError`
    (the ``position``). The classes that once stood for a code alone (``ScoringError``,
    ``RoutingError``, ``StageError``, ``SurvivorshipError``, ``UnknownStatusError``,
    ``ConvertingStatusError``) are deprecated names of this class.

    >>> err = ValidationError("'X' is not in the status catalogue", path="Lead.status",
    ...                       code="unknown_status")
    >>> err.code, err.path
    ('unknown_status', ('Lead', 'status'))
    """

    code = "invalid"


class Problem:
    """One problem found while loading: where it is and what is wrong."""

    __slots__ = ("message", "path")

    path: KeyPath
    message: str

    def __init__(self, path: PathLike, message: str) -> None:
        self.path = _as_path(path)
        self.message = message

    def at(self, *prefix: str | int) -> Problem:
        """The same problem, found inside the value at ``prefix``."""
        return Problem((*_as_path_parts(prefix), *self.path), self.message)

    def __repr__(self) -> str:
        return f"Problem({format_path(self.path)!r}, {self.message!r})"

    def __str__(self) -> str:
        where = format_path(self.path)
        return f"{where}: {self.message}" if where else self.message

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Problem) and self.path == other.path and self.message == other.message
        )

    def __hash__(self) -> int:
        return hash((self.path, self.message))


class LoadError(ValidationError):
    """Data (JSON, TOML, CSV, plain dicts) could not be turned into leadkit objects.

    ``problems`` lists every problem found, each with the path of the bad key, not only
    the first; :meth:`at` prefixes every problem's path.
    """

    code = "load_error"

    def __init__(self, problems: Sequence[Problem], *, what: str = "data") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.what = what
        first = self.problems[0] if self.problems else Problem((), "unknown problem")
        super().__init__(self._describe(), path=first.path)
        self.args = (self.message,)

    def _describe(self) -> str:
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{len(self.problems)} problem(s) in {self.what}:\n{lines}"

    def at(self, *prefix: str | int) -> Self:
        """Prefix every problem's path (and the error's own) with ``prefix``."""
        self.problems = tuple(p.at(*prefix) for p in self.problems)
        self.message = self._describe()
        self.args = (self.message,)
        return super().at(*prefix)

    def __str__(self) -> str:
        return self.message


class NotFoundError(LeadkitError, LookupError):
    """A record with the given id does not exist."""

    code = "not_found"


class ConcurrencyError(LeadkitError):
    """A write was based on a stale version of a record (optimistic concurrency)."""

    code = "concurrent_modification"


class MissingDependencyError(LeadkitError):
    """An optional dependency is used but not installed; the message names the extra.

    ``extra`` is the name to install (``pip install 'leadkit[<extra>]'``).
    """

    code = "missing_dependency"

    def __init__(self, message: str, *, extra: str | None = None, path: PathLike = None) -> None:
        super().__init__(message, path=path)
        self.extra = extra


MissingExtraError = MissingDependencyError
"""The former name of :class:`MissingDependencyError` (reports used it); the same class."""


# -- the classes folded into ValidationError codes ---------------------------------------

FOLDED_CODES: dict[str, str] = {
    "ConvertingStatusError": "converting_status",
    "RoutingError": "bad_routing",
    "ScoringError": "bad_scoring",
    "StageError": "bad_stage_input",
    "SurvivorshipError": "survivorship",
    "UnknownStatusError": "unknown_status",
}
"""Each former code-only subclass of :class:`ValidationError` and the code it became."""


def folded_error(name: str, module: str, *, stacklevel: int = 3) -> type[ValidationError]:
    """:class:`ValidationError`, looked up under its former name ``name`` in ``module``,
    with a :class:`DeprecationWarning` that names the code to check instead.

    Raises :class:`AttributeError` for any other name, so a package's ``__getattr__``
    can hand every unknown name to it.
    """
    code = FOLDED_CODES.get(name)
    if code is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    warnings.warn(
        f"{module}.{name} is deprecated: it is ValidationError now; catch ValidationError"
        f" and check err.code == {code!r}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    return ValidationError


if TYPE_CHECKING:
    ConvertingStatusError = ValidationError
    RoutingError = ValidationError
    ScoringError = ValidationError
    StageError = ValidationError
    SurvivorshipError = ValidationError
    UnknownStatusError = ValidationError
else:

    def __getattr__(name: str) -> type[ValidationError]:
        return folded_error(name, __name__)


# -- rules, scoring, routing, stages -----------------------------------------------------


class RuleError(ValidationError):
    """A condition is malformed: an unknown field, an operator that does not fit the
    field's type, a literal of the wrong type, a bad window or filter logic.

    ``path`` names the field (``employees``, ``custom.budget``); ``key`` says which part
    of a condition's plain data is wrong (``"field"``, ``"op"``, ``"value"``), so that a
    loader can point at ``rules[3].when.value``.
    """

    code = "bad_rule"

    def __init__(self, message: str, *, path: PathLike = None, key: str | None = None) -> None:
        super().__init__(message, path=path)
        self.key = key


class FilterLogicError(ValidationError):
    """A filter logic string is malformed; ``position`` is the 1-based character offset."""

    code = "bad_filter_logic"

    def __init__(self, message: str, *, text: str, position: int, path: PathLike) -> None:
        self.text = text
        self.position = position
        where = "end of text" if position > len(text) else repr(text[position - 1])
        shown = repr(text) if len(text) <= 80 else f"{text[:77]!r}..."
        super().__init__(
            f"{message} at position {position} ({where}) in {shown}",
            path=path or "filter_logic",
        )


class IllegalTransitionError(LeadkitError):
    """A move the transition table does not allow, such as Inquiry straight to SQL.

    ``from_stage`` is ``None`` for a lead's first stage; the message names both stages and
    says which moves are allowed instead.
    """

    code = "illegal_transition"

    def __init__(
        self, message: str, *, from_stage: Stage | None, to_stage: Stage, path: PathLike = None
    ) -> None:
        super().__init__(message, path=path)
        self.from_stage = from_stage
        self.to_stage = to_stage


# -- duplicates and merges ---------------------------------------------------------------


class DuplicateBlockedError(LeadkitError):
    """A duplicate rule that blocks found matches; the record must not be saved.

    ``matches`` are the matching pairs of the blocking rules (``right`` is the existing
    record), ``check`` the whole outcome.
    """

    code = "duplicate_blocked"

    def __init__(self, check: DuplicateCheck) -> None:
        from leadkit.dedupe._duplicate_rules import DuplicateAction

        self.check = check
        blocking = [f for f in check.findings if f.action is DuplicateAction.BLOCK]
        self.matches: tuple[MatchPair, ...] = tuple(p for f in blocking for p in f.matches)
        found = "; ".join(
            f"rule {f.rule!r} matched {', '.join(p.right for p in f.matches)}" for f in blocking
        )
        super().__init__(
            f"{check.record_id} duplicates existing records ({found}); merge with one of"
            f" them or change the duplicate rule's action",
            path=(check.record_id,),
        )


class MergeError(LeadkitError):
    """Base class of the reasons a merge is refused (bad ids are ``ValidationError``)."""

    code = "merge_error"


class ConvertedLeadMergeError(MergeError):
    """A converted lead was named as the master or a duplicate; converted leads are
    read-only and cannot be merged."""

    code = "converted_lead"


class AlreadyMergedError(MergeError):
    """The master or a duplicate was already merged into another record."""

    code = "already_merged"


# -- conversion --------------------------------------------------------------------------


class ConversionError(LeadkitError):
    """Base class of the reasons a lead conversion is refused.

    A record that does not exist is a :class:`NotFoundError` (``not_found``) and a write
    based on a stale version a :class:`ConcurrencyError` (``concurrent_modification``), as
    everywhere in leadkit.
    """

    code = "conversion_error"


class AlreadyConvertedError(ConversionError):
    """The lead was converted before; a converted lead is read-only."""

    code = "already_converted"


class InvalidConvertedStatusError(ConversionError, ValidationError):
    """The converted status is not in the catalogue, or does not count as converted."""

    code = "invalid_converted_status"


class ContactNotInAccountError(ConversionError):
    """The existing contact named in the request belongs to another account."""

    code = "contact_not_in_account"


class OpportunityNotInAccountError(ConversionError):
    """The existing opportunity named in the request belongs to another account."""

    code = "opportunity_not_in_account"


class ConflictingOpportunityOptionsError(ConversionError, ValidationError):
    """ "No opportunity" together with a name or an id, or a name together with an id."""

    code = "conflicting_opportunity_options"


class AccountRequiredError(ConversionError, ValidationError):
    """An existing contact or opportunity was named without the account it belongs to."""

    code = "account_required"


class OwnerRequiredError(ConversionError):
    """A queue owns the lead, and records made by conversion need a user as owner."""

    code = "owner_required"


class MergedRecordError(ConversionError):
    """The lead, account or contact was merged into another record (its master)."""

    code = "merged_record"


class ConversionRolledBackError(ConversionError):
    """In an all-or-none bulk conversion, this request was not written because another
    one failed."""

    code = "rolled_back"


# -- storage -----------------------------------------------------------------------------


class DuplicateIdError(LeadkitError):
    """``add`` was given a record whose id is already stored; use ``update`` to change it."""

    code = "duplicate_id"


class LeadReadOnlyError(LeadkitError):
    """A converted lead was about to be changed or removed; converted leads are read-only.

    Also raised when ``leads.update`` is asked to set ``conversion``: only
    ``leads.save_conversion`` (used by :func:`leadkit.convert.convert_lead`) may do that.
    """

    code = "lead_read_only"


class UnitOfWorkStateError(LeadkitError):
    """A unit of work was used in the wrong state: a repository outside ``with uow:``
    (storage is only reachable inside one), or ``with uow:`` nested in itself."""

    code = "unit_of_work_state"


class SchemaVersionError(LeadkitError):
    """A database was written by a newer leadkit than this one; its schema is unknown."""

    code = "schema_version"


class SqlCompileError(ValidationError):
    """A condition, scoring model or grading profile cannot be rendered to SQL for the
    chosen engine (a construct that engine cannot express with the Python semantics, a
    column the input table lacks). Raised when compiling, never with a wrong answer at
    run time; ``path`` names the node (``rules[2].when``) or column."""

    code = "sql_compile"


class InjectedFault(LeadkitError):
    """The failure :class:`leadkit.testing.contract.FailingUnitOfWork` raises on purpose."""

    code = "injected_fault"


# -- the command line --------------------------------------------------------------------


class CliError(LeadkitError):
    """Bad input found by the command itself (a missing file, an unknown column).

    ``hint`` says what to do about it; it is printed on its own line.
    """

    code = "cli_error"

    def __init__(self, message: str, *, hint: str | None = None, path: PathLike = None) -> None:
        super().__init__(message, path=path)
        self.hint = hint


class UsageError(CliError):
    """The command line itself is wrong (exit status 2)."""

    code = "usage"


class DatabaseFileError(LeadkitError):
    """A database file cannot be used: missing, a folder, not a database, or another
    application's database (which leadkit never adds tables to).

    ``file`` is the file path as given; ``code`` says which case it is
    (``database_missing``, ``not_a_database``, ``foreign_database``, ``database_unusable``).
    """

    code = "database_unusable"

    def __init__(self, message: str, *, file: str, code: str | None = None) -> None:
        super().__init__(f"{file}: {message}", code=code)
        self.file = file


class DatabaseError(LeadkitError):
    """A database server refused a connection or failed a statement (PostgreSQL).

    ``sqlstate`` is the server's five-character error code when it sent one. Conflicts
    between concurrent units of work are :class:`ConcurrencyError` instead.
    """

    code = "database_error"

    def __init__(self, message: str, *, path: PathLike = None, sqlstate: str | None = None) -> None:
        super().__init__(message, path=path)
        self.sqlstate = sqlstate


# -- internal signals of the table readers (never escape leadkit) ------------------------------


class _CellProblem(Exception):
    """Internal: one cell cannot be a value of its column. The CSV and frame readers catch
    it and report a :class:`Problem` with the cell's line (or row) and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _FileProblem(Exception):
    """Internal: the file itself cannot be read (not one cell); the CSV readers turn it
    into a :class:`LoadError` naming the file, ``where`` the part of it."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
