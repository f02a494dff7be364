"""Lookup keys shared by the adapters."""

from __future__ import annotations

import pytest

from leadkit.errors import ValidationError
from leadkit.repository import website_domain


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.abc.co.jp/", "abc.co.jp"),
        ("http://ABC.CO.JP:8080/path?q=1", "abc.co.jp"),
        ("www.example.com", "example.com"),
        ("example.com.", "example.com"),
        ("https://user@shop.example.com", "shop.example.com"),
        ("localhost", None),
        ("not a website", None),
        ("", None),
        ("http://[::1", None),
    ],
)
def test_website_domain(website: str, domain: str | None) -> None:
    assert website_domain(website) == domain


def test_website_domain_refuses_non_text() -> None:
    with pytest.raises(ValidationError):
        website_domain(42)  # type: ignore[arg-type]
