"""Import every model module so Base.metadata knows every table (migrations, create_all).

Feature packages put their entities in ``buddy_desk/models/<feature>.py``; they are picked up
here without anyone editing a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil

import buddy_desk.models as _pkg


def import_all() -> list[str]:
    names = []
    for info in pkgutil.iter_modules(_pkg.__path__):
        if info.name != "all_models":
            importlib.import_module(f"{_pkg.__name__}.{info.name}")
            names.append(info.name)
    return names


MODULES = import_all()
