"""The list model's caches: display texts and recent filter results never go stale."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import DossierFilter, search_key
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.i18n import set_language, tr
from buddy_desk.ui.dossiers.table_model import Column, DossierTableModel, apply_filter

DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole


def _row(
    dossier_id: int,
    straat: str,
    huisnummer: int = 1,
    *,
    img_phase: ImgPhase | None = None,
    ncg_status: NcgStatus | None = None,
    group: CollaborationGroup | None = None,
    flags: frozenset[FlagKind] = frozenset(),
) -> DossierSummary:
    names = ("J. Jansen",)
    return DossierSummary(
        dossier_id,
        straat,
        huisnummer,
        None,
        None,
        "9712AB",
        "Groningen",
        "Groningen",
        names[0],
        (),
        img_phase,
        ncg_status,
        group,
        flags,
        None,
        None,
        search_key(straat, str(huisnummer), "9712AB", "Groningen", names, ()),
    )


def _text(model: DossierTableModel, row: int, column: Column) -> object:
    return model.data(model.index(row, column), DISPLAY)


def _ids(model: DossierTableModel) -> list[int]:
    return [model.row_at(i).id for i in range(model.visible_count)]


@pytest.fixture
def model(qtbot: QtBot) -> DossierTableModel:
    return DossierTableModel()


@pytest.fixture
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


def test_reloaded_dossier_shows_its_new_texts(model: DossierTableModel) -> None:
    model.set_rows([_row(1, "Kerkstraat", img_phase=ImgPhase.OPNAME, flags=frozenset())])
    assert _text(model, 0, Column.ADDRESS) == "Kerkstraat 1"
    assert _text(model, 0, Column.IMG) == tr("img.phase.Opname")
    assert model.data(model.index(0, Column.IMG), FOREGROUND) is None

    changed = _row(1, "Dorpsweg", 7, flags=frozenset({FlagKind.AOS}))
    model.set_rows([changed])
    assert _text(model, 0, Column.ADDRESS) == "Dorpsweg 7"
    assert _text(model, 0, Column.IMG) == "—"
    assert model.data(model.index(0, Column.IMG), FOREGROUND) is not None  # faint dash
    assert _text(model, 0, Column.FLAGS) == tr("flag.short.AOS")


def test_language_switch_retranslates_cached_texts(model: DossierTableModel, dutch: None) -> None:
    model.set_rows([_row(1, "Kerkstraat", img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)])
    dutch_img, dutch_ncg = _text(model, 0, Column.IMG), _text(model, 0, Column.NCG)
    set_language("en")
    model.retranslate()
    english_img, english_ncg = _text(model, 0, Column.IMG), _text(model, 0, Column.NCG)
    assert (english_img, english_ncg) != (dutch_img, dutch_ncg)
    assert english_img == tr("img.phase.Opname")
    assert english_ncg == f"2.1 {tr('ncg.status.2.1')}"
    set_language("nl")
    model.retranslate()
    assert (_text(model, 0, Column.IMG), _text(model, 0, Column.NCG)) == (dutch_img, dutch_ncg)


def test_remembered_filter_results_follow_a_reload(model: DossierTableModel) -> None:
    model.set_rows([_row(1, "Kerkstraat"), _row(2, "Dorpsweg")])
    model.set_filter(DossierFilter(text="kerk"))
    model.set_filter(DossierFilter())
    model.set_rows([_row(1, "Kerkstraat"), _row(2, "Dorpsweg"), _row(3, "Kerkpad")])
    model.set_filter(DossierFilter(text="kerk"))
    assert _ids(model) == [3, 1]


def test_remembered_filter_results_follow_a_new_sort_order(model: DossierTableModel) -> None:
    model.set_rows([_row(1, "Kerkstraat"), _row(2, "Kerkpad"), _row(3, "Dorpsweg")])
    model.set_filter(DossierFilter(text="kerk"))
    assert _ids(model) == [2, 1]
    model.set_filter(DossierFilter())
    model.sort(Column.ADDRESS, Qt.SortOrder.DescendingOrder)
    model.set_filter(DossierFilter(text="kerk"))
    assert _ids(model) == [1, 2]


def test_typing_and_backspacing_match_a_fresh_filter(model: DossierTableModel) -> None:
    streets = ["Kerkstraat", "Kerkpad", "Kerklaan", "Dorpsweg", "Kade", "Ketelstraat"]
    groups = [None, CollaborationGroup.A, CollaborationGroup.B]
    rows = [
        _row(i, streets[i % len(streets)], i % 13 + 1, group=groups[i % len(groups)])
        for i in range(1, 200)
    ]
    model.set_rows(rows)
    in_order = [model.row_at(i) for i in range(model.visible_count)]
    query = "kerkstraat 1"
    texts = [query[:i] for i in range(len(query) + 1)]
    texts += [*texts[::-1], "ka", "k", "kerkl"]
    for only_a in (False, True, False):
        group_filter = frozenset({CollaborationGroup.A}) if only_a else frozenset()
        for text in texts:
            f = DossierFilter(text=text, groups=group_filter)
            model.set_filter(f)
            assert _ids(model) == [r.id for r in apply_filter(in_order, f)], (text, only_a)


def test_same_id_with_other_texts_is_not_served_from_the_cache(model: DossierTableModel) -> None:
    first = _row(5, "Kerkstraat", group=CollaborationGroup.A)
    model.set_rows([first])
    assert _text(model, 0, Column.GROUP) == "A"
    model.set_rows([replace(first, group=None)])
    assert _text(model, 0, Column.GROUP) == ""
