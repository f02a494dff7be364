"""The one way every report groups leads by source: the source catalogue's name.

The funnel, source effectiveness, attribution and the ``leadkit`` command all call
:func:`source_name`, so ``展示会`` and ``Trade Show`` are one group everywhere, and
:func:`source_label` prints that group in the reader's language.
"""

from __future__ import annotations

from leadkit._locale import check_locale, text
from leadkit.model import active_sources

__all__ = ["NO_SOURCE", "source_label", "source_name"]

NO_SOURCE = "(none)"


def source_name(raw: str | None) -> str:
    """The lead source a report groups by: the catalogue's name for any of its spellings
    (``展示会`` and ``Trade Show`` are one source), else the text as given.

    >>> source_name("展示会"), source_name("Trade Show"), source_name("Podcast"), source_name(None)
    ('Trade Show', 'Trade Show', 'Podcast', '(none)')
    """
    if not raw:
        return NO_SOURCE
    found = active_sources().find(raw)
    return found.api_name if found is not None else raw


def source_label(name: str, *, locale: str = "en") -> str:
    """A source group as printed in ``locale``: the catalogue's Japanese label for
    ``"ja"`` (when it has one), the name itself otherwise.

    >>> source_label("Trade Show", locale="ja"), source_label("Podcast", locale="ja")
    ('展示会', 'Podcast')
    >>> source_label("(none)", locale="ja"), source_label("Trade Show")
    ('（なし）', 'Trade Show')
    """
    if name == NO_SOURCE:
        return text("source.none", locale)
    if check_locale(locale) == "en":
        return name
    found = active_sources().find(name)
    return found.label_ja if found is not None and found.label_ja else name
