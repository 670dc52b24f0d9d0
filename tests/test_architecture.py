"""The package layout's rules that import-linter cannot express, and that its contracts
deny by default (a new top-level module must be placed in them)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import grimp

import buddy_desk
from buddy_desk.features import SHARED, feature_names

ROOT = Path(__file__).resolve().parents[1]


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("buddy_desk")


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def _top_level() -> set[str]:
    return {m.split(".")[1] for m in _graph().modules if m.startswith("buddy_desk.") and "." in m}


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in feature_names() else None


def test_every_top_level_module_is_placed_in_the_layers_and_the_qt_contract() -> None:
    contracts = {str(c["name"]): c for c in _contracts()}
    layer_lines: list[str] = contracts["Layers point one way"]["layers"]  # type: ignore[assignment]
    layers = " ".join(layer_lines)
    qt_free: list[str] = contracts["Qt only in the ui package"]["source_modules"]  # type: ignore[assignment]
    for name in _top_level():
        module = f"buddy_desk.{name}"
        if name != "__main__":
            assert module in layers.replace(":", " ").split(), f"{module} is in no layer"
        if name not in {"ui", "cli"}:
            assert module in qt_free, f"{module} is not in the Qt-free contract"


def test_the_features_are_what_the_layers_contract_names() -> None:
    names = set(feature_names())
    assert {
        "dossiers",
        "importing",
        "samenloop",
        "signals",
        "choices",
        "letters",
        "planning",
    } <= names
    assert not names & SHARED


def test_features_meet_only_through_service_and_rules() -> None:
    """A feature's `service` (use cases) and `rules` (pure vocabulary) are its public face."""
    wrong = []
    graph = _graph()
    for importer in graph.modules:
        source = _feature_of(importer)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = _feature_of(imported)
            if target is None or target == source:
                continue
            public = imported.split(".")[2] in {"service", "rules"}
            if not public:
                wrong.append(f"{importer} -> {imported}")
    assert wrong == []


def test_inside_a_feature_only_cli_and_demo_reach_up_to_the_service() -> None:
    wrong = []
    graph = _graph()
    for importer in graph.modules:
        feature = _feature_of(importer)
        if feature is None:
            continue
        part = importer.split(".")[2]
        if part in {"cli", "service", "demo"}:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if _feature_of(imported) == feature and imported.split(".")[2] in {"cli", "service"}:
                wrong.append(f"{importer} -> {imported}")
    assert wrong == []


def test_models_hold_one_module_per_feature_at_most() -> None:
    models = Path(buddy_desk.__file__).parent / "models"
    names = {p.stem for p in models.glob("*.py")} - {"__init__", "all_models", "base"}
    allowed = set(feature_names()) | {"access_log", "case", "dossier", "party"}
    assert names <= allowed, names - allowed
