"""User regular expressions run on RE2 (issue 21): linear time, Python's Unicode classes,
and a clear error for the constructs that need backtracking."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, format_path
from leadkit.rules import RuleError, compile, explain, field, from_data
from leadkit.rules._regex import compile_user_pattern

from ._support import AS_OF, lead

# Subjects on which Python's backtracking `re` takes (far) longer than a test run.
HOSTILE = "a" * 5_000 + "!"


def holds(pattern: str, title: str, *, ignore_case: bool = False) -> bool:
    # The description holds up to 32,000 characters (a title only 128): room for the
    # long hostile subjects.
    condition = field("description").matches(pattern, ignore_case=ignore_case)
    result = compile(condition)(lead(description=title), as_of=AS_OF)
    assert explain(condition, lead(description=title), as_of=AS_OF).held is result
    return result


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        # The classic catastrophic patterns (OWASP "Regular expression Denial of Service").
        ("(a+)+$", HOSTILE, False),
        ("(a+)+$", "a" * 5_000, True),
        ("(a|aa)+$", HOSTILE, False),
        ("(a|aa)+$", "a" * 5_000, True),
        ("(.*a){12}", "a" * 11 + "b" * 5_000, False),
        ("(.*a){12}", "b" * 2_500 + "a" * 12 + "b" * 2_500, True),
        (r"^(\w+\s?)*$", "word " * 1_000 + "!", False),
        (r"^(\w+\s?)*$", "word " * 1_000, True),
        (r"^(\w+\s?)*$", "営業 部長 " * 500, True),
    ],
)
def test_catastrophic_patterns_give_the_right_answer(
    pattern: str, subject: str, expected: bool
) -> None:
    """The boolean that `re.search` semantics defines; RE2 finds it without backtracking."""
    assert holds(pattern, subject) is expected


def test_backreferences_are_rejected_with_the_path_of_the_pattern() -> None:
    with pytest.raises(RuleError, match=r"backreference \\1 at position 4 is not supported") as e:
        field("title").matches(r"(a)\1")
    assert e.value.path == ("title",)
    assert e.value.key == "value"
    with pytest.raises(LoadError) as info:
        from_data({"field": "title", "op": "matches", "value": r"(a)\1"}, path="rules[2].when")
    [problem] = info.value.problems
    assert format_path(problem.path) == "rules[2].when.value"
    assert "backreference" in problem.message


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"(?P<x>a)(?P=x)", "named backreference (?P=name) at position 9"),
        (r"(a)\g<1>", r"backreference \g<... at position 4"),
        ("Sales(?= Director)", "lookahead (?=...) at position 6"),
        ("Sales(?! Assistant)", "negative lookahead (?!...) at position 6"),
        ("(?<=Head of )Sales", "lookbehind (?<=...) at position 1"),
        ("(?<!Vice )President", "negative lookbehind (?<!...) at position 1"),
        ("(?>a+)b", "atomic group (?>...) at position 1"),
        ("(a)?(?(1)b|c)", "conditional (?(...)...) at position 5"),
        ("a++b", "possessive quantifier ++ at position 2"),
        ("a{2}+b", "possessive quantifier }+ at position 4"),
    ],
)
def test_backtracking_constructs_are_named_when_rejected(pattern: str, construct: str) -> None:
    with pytest.raises(RuleError, match="not supported: patterns run on RE2") as e:
        field("title").matches(pattern)
    assert construct in e.value.message


@pytest.mark.parametrize(
    ("pattern", "title"),
    [
        (r"[(?=]", "("),  # inside brackets these are plain characters
        (r"\(?=x", "=x"),  # an optional escaped parenthesis, then "=x"
        (r"a}+", "a}}"),  # a literal brace, repeated
        (r"\Qa++\E", "a++"),  # quoted literal text
        (r"\p{Han}+", "部長"),  # RE2's Unicode scripts
        (r"(?P<level>部長|課長)", "営業部長"),
    ],
)
def test_lookalikes_of_rejected_constructs_are_accepted(pattern: str, title: str) -> None:
    assert holds(pattern, title)


def test_invalid_patterns_are_rejected_when_built() -> None:
    with pytest.raises(RuleError, match=r"invalid regular expression 'a\{2000\}'") as e:
        field("title").matches("a{2000}")
    assert e.value.path == ("title",)


def test_python_upto_repeat_is_refused_not_read_literally() -> None:
    """Python's `re` reads {,n} as {0,n}; RE2 would read it as text, silently."""
    with pytest.raises(RuleError, match=r"\{,n\} at position 3 is not RE2 syntax; write \{0,n\}"):
        field("title").matches(r"\d{,3}")
    assert holds(r"^\d{0,3}$", "12")


@functools.cache
def _assigned() -> tuple[str, ...]:
    """Every code point assigned in Python's Unicode database (RE2's may be newer)."""
    chars = (chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    return tuple(c for c in chars if unicodedata.category(c) != "Cn")


@pytest.mark.parametrize("letter", ["d", "w", "s"])
def test_perl_classes_are_unicode_like_pythons(letter: str) -> None:
    """Python's `re` documentation: for str patterns \\d, \\w and \\s match Unicode
    digits, word characters and whitespace. Checked on every assigned code point, outside
    and inside brackets, plain and negated."""
    python = re.compile(f"\\{letter}")
    inside = "".join(c for c in _assigned() if python.fullmatch(c))
    outside = "".join(c for c in _assigned() if not python.fullmatch(c))
    plain, negated = f"\\{letter}", f"\\{letter.upper()}"
    for ours in (plain, f"[{plain}]", f"[^{negated}]" if letter != "w" else plain):
        assert compile_user_pattern(f"^{ours}+$")(inside), ours
        assert not compile_user_pattern(ours)(outside), ours
    for ours in (negated, f"[^{plain}]", f"[{negated}]" if letter != "w" else negated):
        assert compile_user_pattern(f"^{ours}+$")(outside), ours
        assert not compile_user_pattern(ours)(inside), ours


def test_non_word_inside_brackets_is_refused_with_an_alternative() -> None:
    with pytest.raises(RuleError, match=r"\\W inside \[...\] at position 2"):
        field("title").matches(r"[\W\d]")


@pytest.mark.parametrize(
    ("pattern", "title"),
    [("^ceo$", "CEO"), ("ｃｅｏ", "ＣＥＯ"), ("élan", "ÉLAN"), ("δ", "Δ"), ("k", "\u212a")],
)
def test_ignore_case_folds_unicode_case(pattern: str, title: str) -> None:
    """Python's `re.IGNORECASE` with str patterns matches these; so does RE2."""
    assert re.search(pattern, title, re.IGNORECASE)
    assert holds(pattern, title, ignore_case=True)
    assert not holds(pattern, title)


def test_a_lone_surrogate_in_the_text_is_not_an_error() -> None:
    search = compile_user_pattern("a")
    assert search("\ud800a")
    assert not search("\ud800b")


_ATOMS = st.sampled_from(["a", "b", "部", ".", r"\d", r"\w", r"\s", "[ab]", "[^a]", "(a|b)"])
_PIECES = st.tuples(_ATOMS, st.sampled_from(["", "*", "+", "?", "{1,2}", "*?"])).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    anchors=st.tuples(st.sampled_from(["", "^"]), st.sampled_from(["", "$"])),
    pieces=st.lists(_PIECES, min_size=1, max_size=4),
    text=st.text(alphabet="ab部 5５_-\t", max_size=12),
    ignore_case=st.booleans(),
)
def test_common_patterns_mean_what_they_meant_with_python_re(
    anchors: tuple[str, str], pieces: list[str], text: str, ignore_case: bool
) -> None:
    """Parity with `re.search` on the shared syntax (no nested quantifiers, so Python's
    engine is quick here); texts have no newline, where RE2's `$` differs."""
    pattern = anchors[0] + "".join(pieces) + anchors[1]
    expected = re.search(pattern, text, re.IGNORECASE if ignore_case else 0) is not None
    assert compile_user_pattern(pattern, ignore_case=ignore_case)(text) is expected


def test_importing_rules_does_not_load_re2() -> None:
    code = "import sys, leadkit.rules; print('re2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("a部\\()[]{}^$|*+?.,:=!<>-PpQEdwsWZxg1{}0\x00")), max_size=12
    )
)
def test_any_pattern_compiles_or_raises_a_rule_error(pattern: str) -> None:
    """Only LeadkitError may escape the library, whatever a rule file holds."""
    problem: RuleError | None = None
    try:
        search = compile_user_pattern(pattern, path="title")
    except RuleError as err:
        problem = err
    if problem is None:
        assert search("a部(]") in (True, False)
    else:
        assert problem.path == ("title",)


def test_a_pattern_too_large_for_re2_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="invalid regular expression"):
        field("title").matches("((a{100}){100}){100}")
