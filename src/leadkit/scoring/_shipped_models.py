"""Ready-made models and profiles, shipped as TOML beside the code."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from leadkit.scoring._data import model_from_data, profile_from_data
from leadkit.scoring._grading import GradingProfile
from leadkit.scoring._model import ScoringModel

__all__ = ["default_grading_profile", "default_marketing_model", "japanese_b2b_model"]


def _read(name: str) -> object:
    text = resources.files("leadkit.scoring").joinpath("models", name).read_text("utf-8")
    return tomllib.loads(text)


@functools.cache
def default_marketing_model() -> ScoringModel:
    """The baseline of a widely used marketing-automation product: form submission
    +50, form error -5, page view +1, file download, link click, site search and
    visitor session +3 each; no decay, no caps (``models/marketing_default.toml``).

    >>> from leadkit.scoring import default_marketing_model
    >>> [f"{r.name} {r.points:+d}" for r in default_marketing_model().rules][:3]
    ['form submission +50', 'form error -5', 'page view +1']
    """
    return model_from_data(_read("marketing_default.toml"), what="marketing_default.toml")


@functools.cache
def japanese_b2b_model() -> ScoringModel:
    """A Japanese B2B example (``models/japanese_b2b.toml``): 資料請求 +10,
    メール開封 +3 (up to 15), お問い合わせ +20, セミナー +15 ... in group 行動 (capped at
    100, half-life 90 days); 部長 +10, 役員 +15, 従業員1000人以上 +20 ... in group 属性;
    negative rules for job seekers, unsubscribes, students and free mail.

    >>> from leadkit.scoring import japanese_b2b_model
    >>> [g.name for g in japanese_b2b_model().groups]
    ['行動', '属性']
    """
    return model_from_data(_read("japanese_b2b.toml"), what="japanese_b2b.toml")


@functools.cache
def default_grading_profile() -> GradingProfile:
    """A general fit profile (``models/default_grading.toml``): decision maker (±2),
    100 employees or more (±2), business email address (±1)."""
    return profile_from_data(_read("default_grading.toml"), what="default_grading.toml")
