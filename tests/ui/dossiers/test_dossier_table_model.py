"""The lazy list model: pages read as the view scrolls, texts never stale, sorting in SQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import DossierFilter
from buddy_desk.dossiers.service import ListSort, SummaryPage, find_summaries
from buddy_desk.i18n import set_language, tr
from buddy_desk.models import Address, Dossier
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.dossiers import table_model
from buddy_desk.ui.dossiers.table_model import Column, DossierTableModel
from tests.factories import make_dossier

DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole


class CountingSource:
    """find_summaries, counting what the model asks for."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.calls: list[tuple[int, int]] = []

    def __call__(
        self, f: DossierFilter, sort: ListSort, offset: int, limit: int, counts: bool
    ) -> SummaryPage:
        self.calls.append((offset, limit))
        return find_summaries(self.uow, f, sort, offset, limit, with_counts=counts)


def _text(model: DossierTableModel, row: int, column: Column) -> object:
    return model.data(model.index(row, column), DISPLAY)


def _ids(model: DossierTableModel) -> list[int]:
    return [model.row_at(i).id for i in range(model.visible_count)]


@pytest.fixture
def dutch() -> Iterator[None]:
    set_language("nl")
    yield
    set_language("nl")


def _loaded(uow: UnitOfWork) -> tuple[DossierTableModel, CountingSource]:
    """A model showing its first page with the counts, as the list view's reload does."""
    source = CountingSource(uow)
    model = DossierTableModel(source)
    everything = DossierFilter()
    first = source(everything, ListSort(), 0, table_model.FIRST_PAGE_ROWS, True)
    model.set_page(first, everything, ListSort())
    return model, source


def test_pages_are_read_as_the_view_scrolls(
    qtbot: QtBot, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_model, "FIRST_PAGE_ROWS", 4)
    monkeypatch.setattr(table_model, "PAGE_ROWS", 3)
    ids = [make_dossier(uow, straat="Kerkstraat", huisnummer=n) for n in range(1, 11)]
    model, source = _loaded(uow)
    assert (model.rowCount(), model.visible_count, model.total_count) == (4, 10, 10)
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 7
    assert source.calls[-1] == (4, 3)
    assert _ids(model) == ids  # row_at reads the rest
    assert model.rowCount() == 10 and not model.canFetchMore()


def test_a_large_result_is_counted_after_its_first_page(
    qtbot: QtBot, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_model, "FIRST_PAGE_ROWS", 2)
    monkeypatch.setattr(table_model, "PAGE_ROWS", 2)
    for n in range(1, 6):
        make_dossier(uow, straat="Kerkstraat" if n < 5 else "Dorpsweg", huisnummer=n)
    model, _source = _loaded(uow)
    kerk = DossierFilter(text="kerk")
    with qtbot.waitSignal(model.count_wanted) as wanted:
        model.set_filter(kerk)
    assert wanted.args == [kerk]
    assert (model.count_known, model.visible_count, model.canFetchMore()) == (False, 2, True)
    model.set_matching(DossierFilter(text="dorp"), 1)  # an older filter's count: ignored
    assert not model.count_known
    with qtbot.waitSignal(model.counted) as counted:
        model.set_matching(kerk, 4)
    assert counted.args == [4] and model.visible_count == 4
    assert len(_ids(model)) == 4 and not model.canFetchMore()


def test_filter_and_sort_are_asked_of_the_database(qtbot: QtBot, uow: UnitOfWork) -> None:
    a = make_dossier(uow, straat="Kerkstraat", huisnummer=1, resident=("A.", "Bakker"))
    b = make_dossier(uow, straat="Kerkpad", huisnummer=2, resident=("B.", "Smit"))
    c = make_dossier(uow, straat="Dorpsweg", huisnummer=3, resident=("C.", "Visser"))
    model, _source = _loaded(uow)
    assert _ids(model) == [c, b, a]
    model.set_filter(DossierFilter(text="kerk"))
    assert (_ids(model), model.visible_count, model.total_count) == ([b, a], 2, 3)
    model.sort(Column.RESIDENT, Qt.SortOrder.DescendingOrder)
    assert _ids(model) == [b, a]
    model.sort(Column.ADDRESS, Qt.SortOrder.DescendingOrder)
    assert _ids(model) == [a, b]
    model.set_filter(DossierFilter())
    assert _ids(model) == [a, b, c]


def test_nothing_is_read_before_the_first_page(qtbot: QtBot, uow: UnitOfWork) -> None:
    make_dossier(uow)
    source = CountingSource(uow)
    model = DossierTableModel(source)
    model.sort(Column.POSTCODE, Qt.SortOrder.DescendingOrder)
    model.set_filter(DossierFilter(text="x"))
    assert source.calls == [] and model.rowCount() == 0


def test_reloaded_dossier_shows_its_new_texts(qtbot: QtBot, uow: UnitOfWork) -> None:
    d = make_dossier(uow, straat="Kerkstraat", huisnummer=1, img_phase=ImgPhase.OPNAME)
    model, _source = _loaded(uow)
    assert _text(model, 0, Column.ADDRESS) == "Kerkstraat 1"
    assert _text(model, 0, Column.IMG) == tr("img.phase.Opname")
    assert model.data(model.index(0, Column.IMG), FOREGROUND) is None
    assert _text(model, 0, Column.FLAGS) == ""

    address_id = select(Dossier.address_id).where(Dossier.id == d).scalar_subquery()
    with uow:
        uow.session.execute(
            update(Address).where(Address.id == address_id).values(straat="Dorpsweg")
        )
        uow.commit()
    make_dossier(uow, straat="Molenweg", huisnummer=7, flags=(FlagKind.AOS,))
    model.refresh()
    assert model.visible_count == 2
    assert _text(model, 0, Column.ADDRESS) == "Dorpsweg 1"
    assert _text(model, 1, Column.IMG) == "—"
    assert model.data(model.index(1, Column.IMG), FOREGROUND) is not None  # faint dash
    assert _text(model, 1, Column.FLAGS) == tr("flag.short.AOS")


def test_language_switch_retranslates_cached_texts(
    qtbot: QtBot, uow: UnitOfWork, dutch: None
) -> None:
    make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    model, _source = _loaded(uow)
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


def test_group_column_follows_a_changed_phase(qtbot: QtBot, uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    model, _source = _loaded(uow)
    group = _text(model, 0, Column.GROUP)
    assert group == CollaborationGroup.B.value
    from buddy_desk.models import Case

    with uow:
        case = uow.session.scalars(
            select(Case).where(Case.dossier_id == d, Case.organisation == "NCG")
        ).one()
        case.status = NcgStatus.S6.value
        uow.commit()
    model.refresh()
    assert _text(model, 0, Column.GROUP) != group
