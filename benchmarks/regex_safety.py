"""Catastrophic regular expressions through leadkit's `matches` conditions (run by hand).

    PYTHONPATH=src python benchmarks/regex_safety.py

leadkit runs user patterns on RE2 (issue 21), so each evaluation below is linear in the
10,000-character description. For contrast, Python's backtracking `re` runs the same patterns on
SHORT subjects only, growing them two characters at a time from 14 and stopping at 26
characters or at the first search slower than a second, so this script always ends.
(``(.*a){12}`` is only polynomial for a search, so it stays quick on 26 characters;
it is the 10,000-character subject that makes it slow with a backtracking engine.)
The last line is ``regex worst ms: X``, the slowest leadkit evaluation in milliseconds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from _timing import best_of

from leadkit.model import Lead, PersonName
from leadkit.rules import compile, field

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)
LONG = 10_000


def _spread(count: int, n: int) -> str:
    """``count`` a's spread evenly over ``n`` characters of b's."""
    gap = n // count
    return ("b" * (gap - 1) + "a") * count + "b" * (n - gap * count)


Subject = Callable[[int], str]
PATTERNS: dict[str, tuple[Subject, Subject]] = {
    # pattern: (a hostile subject of length n, a subject of length n that matches)
    "(a+)+$": (lambda n: "a" * (n - 1) + "!", lambda n: "a" * n),
    "(a|aa)+$": (lambda n: "a" * (n - 1) + "!", lambda n: "a" * n),
    "(.*a){12}": (lambda n: _spread(11, n), lambda n: _spread(12, n)),
    r"^(\w+\s?)*$": (lambda n: "a" * (n - 1) + "!", lambda n: "ab " * (n // 3)),
}
SHORT_LENGTHS = range(14, 27, 2)
SHORT_BUDGET_S = 1.0


def leadkit_ms(pattern: str, subject: str) -> tuple[bool, float]:
    # The description: a Lead's title is at most 128 characters, the description 32,000,
    # and both come from web forms.
    predicate = compile(field("description").matches(pattern))
    lead = Lead(name=PersonName("山田"), company="ABC", description=subject, created_at=AS_OF)
    held, seconds = best_of(5, lambda: predicate(lead, as_of=AS_OF))
    return held, seconds * 1000


def python_re_ms(pattern: str, hostile: str) -> float:
    regex = re.compile(pattern)
    start = time.perf_counter()
    regex.search(hostile)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    worst = 0.0
    print(f"{'pattern':<14} {'leadkit hostile':>16} {'leadkit match':>14}   python re (short)")
    for pattern, (hostile_of, matching_of) in PATTERNS.items():
        held_hostile, hostile_ms = leadkit_ms(pattern, hostile_of(LONG))
        held_match, match_ms = leadkit_ms(pattern, matching_of(LONG))
        assert not held_hostile, pattern
        assert held_match, pattern
        worst = max(worst, hostile_ms, match_ms)
        length, ms = 0, 0.0
        for length in SHORT_LENGTHS:
            ms = python_re_ms(pattern, hostile_of(length))
            if ms > SHORT_BUDGET_S * 1000:
                break
        print(
            f"{pattern:<14} {hostile_ms:>13.1f} ms {match_ms:>11.1f} ms   "
            f"{ms:.1f} ms on {length} chars"
        )
    print(f"(leadkit subjects are {LONG:,} characters; each figure is the best of 5)")
    print(f"regex worst ms: {worst:.1f}")


if __name__ == "__main__":
    main()
