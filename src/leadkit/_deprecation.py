"""One way to keep a renamed public name working: the package's ``__getattr__`` (PEP 562)
hands an unknown name here, which returns the new object with a ``DeprecationWarning``
naming the new name, or the folded error class (:func:`leadkit.errors.folded_error`),
or raises :class:`AttributeError`."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Mapping

from leadkit.errors import folded_error

__all__ = ["module_getattr", "renamed_attribute"]


def renamed_attribute(module: str, name: str, renamed: Mapping[str, str]) -> object:
    """The object ``module`` now calls ``renamed[name]``, with a warning; see above."""
    new = renamed.get(name)
    if new is None:
        return folded_error(name, module, stacklevel=4)
    warnings.warn(
        f"{module}.{name} is deprecated: it is called {new} now (from {module} import {new})",
        DeprecationWarning,
        stacklevel=3,
    )
    return getattr(sys.modules[module], new)


def module_getattr(module: str, renamed: Mapping[str, str]) -> Callable[[str], object]:
    """The ``__getattr__`` of ``module``: :func:`renamed_attribute` for its names."""

    def __getattr__(name: str) -> object:
        return renamed_attribute(module, name, renamed)

    return __getattr__
