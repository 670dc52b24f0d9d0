"""The feature packages, found by what they contain rather than from a list to edit.

A feature is a top-level package of ``buddy_desk`` (``dossiers``, ``importing``, ``samenloop``,
``signals``, ``choices``, ``letters``, ``planning``, …) that may hold:

- ``cli`` — a module with ``register(subparsers, common)``, or a package of such modules
  (modules starting with ``_`` are helpers, not commands);
- ``demo`` — a module with ``populate(conn, rng, ctx)`` that adds the feature's demo data;

and whose UI, if any, lives in ``buddy_desk.ui.<feature>`` with ``register(registry)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

import buddy_desk

#: packages that are shared pieces, not features
SHARED = frozenset({"cli", "core", "demo", "documents", "models", "persistence", "ui"})


def feature_names() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(buddy_desk.__path__)
        if info.ispkg and info.name not in SHARED and not info.name.startswith("_")
    )


def feature_modules(part: str) -> list[ModuleType]:
    """``buddy_desk.<feature>.<part>`` for every feature that has it, in feature order."""
    modules = []
    for name in feature_names():
        qualified = f"buddy_desk.{name}.{part}"
        if importlib.util.find_spec(qualified) is not None:
            modules.append(importlib.import_module(qualified))
    return modules


def submodules(package: ModuleType) -> list[ModuleType]:
    """The public modules of a package (``_helpers`` left out), by name."""
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]
