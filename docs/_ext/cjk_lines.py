"""A MkDocs hook: a line break inside Japanese text is not a space.

Markdown turns the line break inside a paragraph into a space, which is right between
English words and wrong between Japanese characters: browsers then show a stray gap in
the middle of a sentence. The pages keep their short source lines; this hook joins two
lines of one paragraph when the first ends and the second begins with a CJK character
(kana, kanji, full-width forms and Japanese punctuation), outside code blocks.
"""

from __future__ import annotations

import re
from typing import Any

_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_ENDS_CJK = re.compile(f"[{_CJK}]$")
_STARTS_CJK = re.compile(f"^\\s*[{_CJK}]")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Lines that are blocks of their own: a heading, a table row, an admonition, a directive.
_OWN_BLOCK = re.compile(r"^\s*(#|\||!!!|:::)")


def join_cjk_lines(markdown: str) -> str:
    """``markdown`` with the line breaks between two CJK characters of a paragraph removed.

    >>> join_cjk_lines("日本の\\nリードを使い\\n\\n## 見出し\\n本文")
    '日本のリードを使い\\n\\n## 見出し\\n本文'
    >>> join_cjk_lines("```\\n日本の\\nリード\\n```")
    '```\\n日本の\\nリード\\n```'
    """
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append(line)
            continue
        previous = out[-1] if out else ""
        if (
            not fenced
            and out
            and _ENDS_CJK.search(previous)
            and _STARTS_CJK.match(line)
            and not _OWN_BLOCK.match(previous)
            and not _OWN_BLOCK.match(line)
        ):
            out[-1] = previous + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs hook: join the Japanese lines of every page."""
    return join_cjk_lines(markdown)
