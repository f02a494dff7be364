"""Compiled conditions against hand-written Python on 100,000 leads (run by hand).

    PYTHONPATH=src python benchmarks/conditions.py

Prints, for each condition, the time of the inline baseline, of the compiled predicate
(``compiled.predicate``, the bare closure) and of the checked call (``compiled(...)``),
and their ratios to the baseline.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from _timing import best_of

from leadkit.model import Address, Lead, PersonName
from leadkit.rules import compile, field

N = 100_000
AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
TITLES = ["営業部長", "課長", "Sales Director", "CEO", "Engineer", "インターン", None]
WORDS = ("部長", "Director")


def make_leads(n: int) -> list[Lead]:
    rng = random.Random(7)
    return [
        Lead(
            id=f"lead-{i}",
            name=PersonName("山田"),
            company="ABC",
            title=rng.choice(TITLES),
            employees=rng.choice([None, 10, 300, 1200, 5000]),
            industry=rng.choice([None, "IT", "製造業", "Retail"]),
            address=Address(country="JP", state=rng.choice(["東京都", "大阪府", None])),
            created_at=AS_OF - timedelta(days=rng.randint(0, 400)),
        )
        for i in range(n)
    ]


def count(predicate: Callable[[Lead], bool], leads: Sequence[Lead]) -> int:
    return sum(1 for lead in leads if predicate(lead))


def main() -> None:
    leads = make_leads(N)
    cutoff = AS_OF - timedelta(days=30)
    industries = frozenset({"IT", "製造業"})

    def title_inline(lead: Lead) -> bool:
        title = lead.title
        return title is not None and any(w in title for w in WORDS)

    def employees_inline(lead: Lead) -> bool:
        employees = lead.employees
        return employees is not None and employees >= 1000

    def combined_inline(lead: Lead) -> bool:
        employees = lead.employees
        return (
            employees is not None
            and employees >= 1000
            and lead.industry in industries
            and cutoff <= lead.created_at <= AS_OF
        )

    cases: list[tuple[str, Callable[[Lead], bool], object]] = [
        ("title contains_any", title_inline, field("title").contains_any(list(WORDS))),
        ("employees >= 1000", employees_inline, field("employees") >= 1000),
        (
            "employees & industry & created_at within 30d",
            combined_inline,
            (field("employees") >= 1000)
            & field("industry").is_in(["IT", "製造業"])
            & field("created_at").within(days=30),
        ),
    ]
    print(f"{N:,} leads; best of 9 runs")
    for name, inline, condition in cases:
        compiled = compile(condition)  # type: ignore[arg-type]
        predicate = compiled.predicate

        def run_predicate(p: Callable[..., bool] = predicate) -> int:
            return sum(1 for lead in leads if p(lead, (), AS_OF))

        def run_call(c: Callable[..., bool] = compiled) -> int:
            return sum(1 for lead in leads if c(lead, as_of=AS_OF))

        expected, base = best_of(9, lambda inline=inline: count(inline, leads))  # type: ignore[misc]
        got_p, fast = best_of(9, run_predicate)
        got_c, checked = best_of(9, run_call)
        assert expected == got_p == got_c, (name, expected, got_p, got_c)
        print(
            f"{name:46} inline {base * 1e3:7.1f} ms | predicate {fast * 1e3:7.1f} ms "
            f"({fast / base:4.2f}x) | compiled(...) {checked * 1e3:7.1f} ms "
            f"({checked / base:4.2f}x)"
        )


if __name__ == "__main__":
    main()
