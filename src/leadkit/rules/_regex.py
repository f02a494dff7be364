"""User-supplied regular expressions, compiled with RE2 so that matching takes linear time.

A pattern from a rule file is untrusted input: with a backtracking engine such as Python's
``re``, ``(a+)+$`` takes seconds on a 26-character title (issue 21). RE2 has no
backtracking, so its matching time grows linearly with the subject, whatever the pattern;
the price is that the few constructs which need backtracking (backreferences, lookaround,
atomic groups, possessive quantifiers, conditionals) do not exist. Those are rejected here,
when the condition is built or loaded, with a message naming the construct.

The dialect is RE2's (https://github.com/google/re2/wiki/Syntax), with one adjustment to
keep what Python's ``re`` did for text: ``\\d``, ``\\w`` and ``\\s`` (and ``\\D``, ``\\W``,
``\\S``) are Unicode-aware, so that ``\\d`` matches ``５`` and ``\\w`` matches ``部``. ``\\Z``
is accepted as Python's spelling of RE2's ``\\z``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from leadkit.rules._errors import RuleError

__all__ = ["compile_user_pattern"]

# Python's str.isspace(): the characters Python's ``\s`` matches, as inclusive ranges.
_SPACE_RANGES = (
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def _ranges(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
        for low, high in ranges
    )


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    gaps: list[tuple[int, int]] = []
    start = 0
    for low, high in ranges:
        if start < low:
            gaps.append((start, low - 1))
        start = high + 1
    gaps.append((start, 0x10FFFF))
    return tuple(gaps)


# Python's \w is str.isalnum() or "_": letters (L*) and numbers (N*).
_WORD_ITEMS = r"\p{L}\p{N}_"
_SPACE_ITEMS = _ranges(_SPACE_RANGES)
# Inside a bracket expression each shorthand becomes class items.
_IN_CLASS = {
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    "w": _WORD_ITEMS,
    "s": _SPACE_ITEMS,
    "S": _ranges(_complement(_SPACE_RANGES)),
}
_OUTSIDE_CLASS = {
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
    "w": f"[{_WORD_ITEMS}]",
    "W": f"[^{_WORD_ITEMS}]",
    "s": f"[{_SPACE_ITEMS}]",
    "S": f"[^{_SPACE_ITEMS}]",
    "Z": r"\z",
}

_GROUP_OPENERS = (
    ("(?=", "lookahead (?=...)"),
    ("(?!", "negative lookahead (?!...)"),
    ("(?<=", "lookbehind (?<=...)"),
    ("(?<!", "negative lookbehind (?<!...)"),
    ("(?>", "atomic group (?>...)"),
    ("(?(", "conditional (?(...)...)"),
    ("(?P=", "named backreference (?P=name)"),
)


def _unsupported(what: str, position: int) -> RuleError:
    return RuleError(
        f"{what} at position {position + 1} is not supported: patterns run on RE2, which "
        "matches in linear time and has no backtracking constructs "
        "(see https://github.com/google/re2/wiki/Syntax)"
    )


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape at ``pattern[i] == "\\"``; return its RE2 text and the next index."""
    if i + 1 >= len(pattern):
        return "\\", i + 1  # RE2 reports the trailing backslash
    letter = pattern[i + 1]
    if letter in "123456789":
        raise _unsupported(f"backreference \\{letter}", i)
    if letter in "gk" and i + 2 < len(pattern) and pattern[i + 2] in "<{'":
        raise _unsupported(f"backreference \\{letter}{pattern[i + 2]}...", i)
    table = _IN_CLASS if in_class else _OUTSIDE_CLASS
    if letter in table:
        return table[letter], i + 2
    if in_class and letter == "W":
        raise RuleError(
            f"\\W inside [...] at position {i + 1} is not supported; "
            "write an alternative such as (?:[...]|\\W)"
        )
    if letter in "pPx" and i + 2 < len(pattern) and pattern[i + 2] == "{":
        end = pattern.find("}", i + 3)
        end = len(pattern) - 1 if end < 0 else end
        return pattern[i : end + 1], end + 1
    if letter == "Q":  # \Q...\E quotes literal text
        end = pattern.find("\\E", i + 2)
        end = len(pattern) if end < 0 else end + 2
        return pattern[i:end], end
    return pattern[i : i + 2], i + 2


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """Translate the bracket expression starting at ``pattern[i] == "["``."""
    out, j = ["["], i + 1
    if j < len(pattern) and pattern[j] == "^":
        out.append("^")
        j += 1
    if j < len(pattern) and pattern[j] == "]":  # a leading ] is literal
        out.append(r"\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            text, j = _escape(pattern, j, in_class=True)
            out.append(text)
        elif pattern.startswith("[:", j):  # [:alpha:] and friends
            end = pattern.find(":]", j + 2)
            end = len(pattern) if end < 0 else end + 2
            out.append(pattern[j:end])
            j = end
        else:
            out.append(pattern[j])
            j += 1
    if j < len(pattern):
        out.append("]")
        j += 1
    return "".join(out), j


_COUNTED_REPEAT = re.compile(r"\{[0-9]+(?:,[0-9]*)?\Z")
_UPTO_REPEAT = re.compile(r"\{,[0-9]+\}")


def _ends_quantifier(out: list[str], char: str) -> bool:
    """Whether ``char``, following the translated ``out``, closes a quantifier."""
    if char in "*+?":
        return bool(out) and out[-1] not in ("(", "|")
    return char == "}" and _COUNTED_REPEAT.search("".join(out[-16:])) is not None


def _translate(pattern: str) -> str:
    """The RE2 text of ``pattern``, or a :class:`RuleError` (without a path) for a
    backtracking construct."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            text, i = _escape(pattern, i, in_class=False)
            out.append(text)
            continue
        if char == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if char == "(":
            for opener, what in _GROUP_OPENERS:
                if pattern.startswith(opener, i):
                    raise _unsupported(what, i)
        if char == "{" and _UPTO_REPEAT.match(pattern, i):
            # Python reads {,n} as {0,n}, RE2 as the literal text: refuse rather than guess.
            raise RuleError(f"{{,n}} at position {i + 1} is not RE2 syntax; write {{0,n}}")
        if pattern.startswith("+", i + 1) and _ends_quantifier(out, char):
            raise _unsupported(f"possessive quantifier {char}+", i)
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str, ignore_case: bool) -> Any:
    import re2  # lazily: `import leadkit` does not load the engine

    translated = _translate(pattern)
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # the message goes into the RuleError, not to stderr
    options.never_capture = True  # only a yes or no is needed: no submatch tracking
    try:
        return re2.compile(translated, options)
    except re2.error as err:
        detail = err.args[0] if err.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RuleError(str(detail)) from None


def compile_user_pattern(
    pattern: str, *, ignore_case: bool = False, path: str | None = None
) -> Callable[[str], bool]:
    """Compile a user-supplied regular expression to a ``text -> bool`` search (anywhere in
    the text, like ``re.search``) that runs in time linear in the text's length.

    The one place leadkit compiles patterns that come from users. Raises
    :class:`RuleError` (``path`` names the field, ``key`` is ``"value"``) for an invalid
    pattern and for the constructs RE2 does not support.

    >>> search = compile_user_pattern("部長|課長")
    >>> search("営業部長"), search("担当")
    (True, False)
    >>> compile_user_pattern(r"(a)\\1", path="title")
    Traceback (most recent call last):
    ...
    leadkit.errors.RuleError: title: invalid ... backreference \\1 at position 4 is not ...
    """
    try:
        regex = _compiled(pattern, ignore_case)
    except RuleError as err:  # the message of an invalid pattern, without a path
        raise RuleError(
            f"invalid regular expression {pattern!r}: {err.message}", path=path, key="value"
        ) from None
    search = regex.search

    def matches(text: str) -> bool:
        try:
            return search(text) is not None
        except UnicodeEncodeError:
            # A lone surrogate has no UTF-8 form; RE2 sees its bytes as invalid UTF-8.
            return search(text.encode("utf-8", "surrogatepass")) is not None

    return matches
