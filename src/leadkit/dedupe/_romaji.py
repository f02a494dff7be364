"""Guessed readings of kanji names, from pykakasi (the optional ``romaji`` extra).

A name written in kanji without a reading (フリガナ) cannot be compared with the same
name typed in kana or romaji (千葉 / チバ / Chiba). With ``pip install 'leadkit[romaji]'``
strict name matching guesses the kanji's reading with pykakasi's dictionary and uses it
as weak evidence: a blocking key (``family_sound``, ``name_sound``), and agreement with a
reading or romaji *written on the other record*. Two guesses are never compared with
each other, a guess never makes two names contradict, and names never decide a match
alone in the standard rules (company or phone must agree too). Given-name readings are
ambiguous (亮 is Ryo or Akira), so a wrong guess only loses a match, never makes one.

Without the extra the feature is off: such pairs are not compared by reading, exactly as
before, and nothing is raised. pykakasi is imported the first time a guess is needed.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from leadkit.dedupe._japanese import romaji_key

__all__ = ["guess_sound", "romanisation_available"]

_converter: Any = None
_loaded = False


def _kakasi() -> Any:
    global _converter, _loaded
    if not _loaded:
        _loaded = True
        try:
            module = importlib.import_module("pykakasi")
        except ImportError:
            _converter = None
        else:
            _converter = module.kakasi()
    return _converter


def romanisation_available() -> bool:
    """Whether the ``romaji`` extra (pykakasi) is installed: kanji readings are guessed."""
    return _kakasi() is not None


@lru_cache(maxsize=1 << 16)
def guess_sound(text: str) -> str | None:
    """The romaji key (see ``romaji_key``) of the reading pykakasi gives a name written in
    kanji; None without the extra, or for text that is not a kanji name."""
    converter = _kakasi()
    if converter is None or not text:
        return None
    kana = "".join(str(item.get("kana", "")) for item in converter.convert(text))
    return romaji_key(kana) if kana else None
