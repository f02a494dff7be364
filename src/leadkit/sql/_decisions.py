"""The MQL rule of a stage policy and the criteria of an assignment rule set, compiled
next to scoring and grading: one more set of columns on the same SELECT.

Only what is a function of the lead's row and events compiles. The MQL rule gives
``mql.min_score``, ``mql.min_grade``, ``mql.when`` and ``mql.or_when`` (each check's
verdict, as :func:`leadkit.stages.classify` records it), ``is_mql`` and ``mql_reason``
(the checks that qualify the lead, comma-separated, NULL when it does not qualify). An
assignment rule set gives ``entry`` (the 0-based index of the first entry whose criteria
hold, NULL when none does), ``entry_name`` and, unless ``owners=False``, ``owner``
(``user:<id>`` or ``queue:<id>``: the entry's owner, the lead's own owner for a
``keep_owner`` entry, the default owner when nothing matched) and ``kept_owner``. A
strategy (round robin, least loaded, capacity) needs routing state, which a query does
not have: it is a :class:`~leadkit.errors.SqlCompileError` naming the entry unless
``owners=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from leadkit.errors import SqlCompileError
from leadkit.sql._conditions import ConditionCompiler, number, when
from leadkit.sql._deps import exp
from leadkit.sql._queries import GRADES

if TYPE_CHECKING:
    from leadkit.routing import AssignmentRules
    from leadkit.stages import StagePolicy

__all__ = ["Decisions", "wrap"]


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _compiled(compiler: ConditionCompiler, condition: object, where: str) -> exp.Expr:
    try:
        return compiler.predicate(condition)  # type: ignore[arg-type]
    except SqlCompileError as err:
        raise SqlCompileError(err.message, path=where) from None


class Decisions:
    """The extra columns of the inner SELECT (``extra``) and the outer columns computed
    from the scored row (``outer``, over the alias ``q``), for a policy and/or a rule
    set."""

    def __init__(
        self,
        compiler: ConditionCompiler,
        *,
        policy: StagePolicy | None,
        assignment: AssignmentRules | None,
        owners: bool,
        scored: bool,
        graded: bool,
    ) -> None:
        self.extra: list[tuple[str, exp.Expr]] = []
        self.outer: list[exp.Expr] = []
        self.hidden: set[str] = set()
        if policy is not None:
            self._policy(compiler, policy, scored=scored, graded=graded)
        if assignment is not None:
            self._assignment(compiler, assignment, owners=owners)

    @property
    def empty(self) -> bool:
        return not self.extra and not self.outer

    def _policy(
        self, compiler: ConditionCompiler, policy: StagePolicy, *, scored: bool, graded: bool
    ) -> None:
        from leadkit.stages import StagePolicy

        if not isinstance(policy, StagePolicy):
            raise SqlCompileError(
                f"expected a StagePolicy, got {type(policy).__name__}", path="policy"
            )
        rule = policy.mql
        checks: list[tuple[str, exp.Expr]] = []
        if rule.min_score is not None:
            # No score: the check fails ("no score given"), as classify says.
            held: exp.Expr = exp.Boolean(this=False)
            if scored:
                held = exp.GTE(this=_col("total", "q"), expression=number(float(rule.min_score)))
            checks.append(("mql.min_score", held))
        if rule.min_grade is not None:
            held = exp.Boolean(this=False)
            if graded:
                allowed = GRADES[GRADES.index(rule.min_grade) :]
                held = exp.In(
                    this=_col("grade", "q"),
                    expressions=[exp.Literal.string(g) for g in allowed],
                )
            checks.append(("mql.min_grade", held))
        if rule.when is not None:
            self.extra.append(("mql.when", _compiled(compiler, rule.when, "policy.mql.when")))
            checks.append(("mql.when", _col("mql.when", "q")))
        or_when: exp.Expr | None = None
        if rule.or_when is not None:
            self.extra.append(
                ("mql.or_when", _compiled(compiler, rule.or_when, "policy.mql.or_when"))
            )
            or_when = _col("mql.or_when", "q")
        for name, held in checks:
            if name == "mql.when":
                self.hidden.add(name)
            self.outer.append(exp.alias_(held.copy(), name, quoted=True))
        fit: exp.Expr = exp.Boolean(this=False)
        if checks:
            fit = exp.and_(*(exp.paren(h.copy()) for _, h in checks))
        qualifies = fit if or_when is None else exp.or_(exp.paren(fit.copy()), or_when.copy())
        if or_when is not None:
            self.hidden.add("mql.or_when")
            self.outer.append(exp.alias_(or_when.copy(), "mql.or_when", quoted=True))
        self.outer.append(exp.alias_(qualifies, "is_mql", quoted=True))
        fit_text = ", ".join(name for name, _ in checks)
        ifs: list[exp.Expr] = []
        if or_when is not None and checks:
            both = exp.and_(exp.paren(fit.copy()), or_when.copy())
            ifs.append(exp.If(this=both, true=exp.Literal.string(fit_text + ", mql.or_when")))
        if checks:
            ifs.append(exp.If(this=fit.copy(), true=exp.Literal.string(fit_text)))
        if or_when is not None:
            ifs.append(exp.If(this=or_when.copy(), true=exp.Literal.string("mql.or_when")))
        reason = exp.Case(ifs=ifs, default=exp.Null())
        self.outer.append(exp.alias_(reason, "mql_reason", quoted=True))

    def _assignment(
        self, compiler: ConditionCompiler, rules: AssignmentRules, *, owners: bool
    ) -> None:
        from leadkit.model import OwnerRef
        from leadkit.routing import AssignmentRules

        if not isinstance(rules, AssignmentRules):
            raise SqlCompileError(
                f"expected AssignmentRules, got {type(rules).__name__}", path="assignment"
            )
        ifs: list[exp.Expr] = []
        for index, entry in enumerate(rules.entries):
            held = _compiled(compiler, entry.when, f"assignment.entries[{index}].when")
            ifs.append(exp.If(this=held, true=exp.Literal.number(index)))
            if owners and not isinstance(entry.target, OwnerRef):
                raise SqlCompileError(
                    f"entry {entry.describe(index)} assigns by {type(entry.target).__name__}, "
                    "which needs routing state: only the matching compiles to SQL; pass "
                    "owners=False for the matched entry alone",
                    path=f"assignment.entries[{index}].target",
                )
        # An empty rule set matches nothing: a NULL typed as the index would be.
        matched = exp.Case(ifs=ifs, default=exp.Null()) if ifs else exp.cast(exp.Null(), "INT")
        self.extra.append(("entry", matched))
        entry_col = _col("entry", "q")
        self.outer.append(entry_col.copy())
        names = [
            exp.If(
                this=exp.EQ(this=entry_col.copy(), expression=exp.Literal.number(i)),
                true=exp.Literal.string(e.name),
            )
            for i, e in enumerate(rules.entries)
        ]
        entry_name = exp.Case(ifs=names, default=exp.Null()) if names else exp.Null()
        self.outer.append(exp.alias_(entry_name, "entry_name", quoted=True))
        if not owners:
            return
        kind = compiler.leads.value("owner.kind", "text", typed=True)
        ident = compiler.leads.value("owner.id", "text", typed=True)
        own = exp.Concat(expressions=[kind, exp.Literal.string(":"), ident.copy()])
        self.extra.append(
            ("__owner", when(exp.Not(this=exp.Is(this=ident, expression=exp.Null())), own))
        )
        self.hidden.add("__owner")
        lead_owner = _col("__owner", "q")
        steps: list[exp.Expr] = []
        kept: list[exp.Expr] = []
        for i, entry in enumerate(rules.entries):
            assert isinstance(entry.target, OwnerRef)
            is_entry = exp.EQ(this=entry_col.copy(), expression=exp.Literal.number(i))
            target: exp.Expr = exp.Literal.string(str(entry.target))
            if entry.keep_owner:
                target = exp.Coalesce(this=lead_owner.copy(), expressions=[target])
                kept.append(is_entry.copy())
            steps.append(exp.If(this=is_entry, true=target))
        default = exp.Literal.string(str(rules.default_owner))
        owner = exp.Case(ifs=steps, default=default) if steps else default
        self.outer.append(exp.alias_(owner, "owner", quoted=True))
        kept_owner: exp.Expr = exp.Boolean(this=False)
        if kept:
            entries = exp.or_(*kept) if len(kept) > 1 else kept[0]
            kept_owner = exp.and_(
                exp.paren(entries),
                exp.Not(this=exp.Is(this=lead_owner.copy(), expression=exp.Null())),
            )
            kept_owner = _false(kept_owner)
        self.outer.append(exp.alias_(kept_owner, "kept_owner", quoted=True))


def _false(item: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=item, expressions=[exp.Boolean(this=False)])


def wrap(query: exp.Select, decisions: Decisions, names: Sequence[str]) -> exp.Select:
    """``query`` (whose output columns are ``names``) with the decisions' columns."""
    kept = [_col(n, "q") for n in names if n not in decisions.hidden and n != "entry"]
    return exp.select(*kept, *decisions.outer).from_(exp.alias_(query.subquery(), "q", table=True))
