"""The message catalogue: every message in both languages, with the same fields."""

from __future__ import annotations

import string

import pytest

from leadkit import _locale
from leadkit.errors import ValidationError

# English-only grammar: the Japanese message has no plural ending.
ENGLISH_ONLY = {"plural"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(_locale._MESSAGES))
def test_each_message_has_both_languages_with_the_same_fields(key: str) -> None:
    english, japanese = _locale._MESSAGES[key]
    assert english
    assert japanese
    assert _fields(english) - ENGLISH_ONLY == _fields(japanese) - ENGLISH_ONLY


def test_columns_and_titles_fall_back_to_the_english_text() -> None:
    assert _locale.column("reached", "ja") == "到達"
    assert _locale.column("a column of mine", "ja") == "a column of mine"
    assert _locale.column("reached", "en") == "reached"
    assert _locale.title("Team performance", "ja") == "チーム別の成果"
    assert _locale.title("My report", "ja") == "My report"


def test_an_unknown_locale_is_a_validation_error_at_locale() -> None:
    with pytest.raises(ValidationError) as raised:
        _locale.text("funnel.reached", "de")
    assert raised.value.path == ("locale",)
    assert raised.value.code == "unknown_locale"
