"""The list's tables follow a changed dossier: ``refresh_listing`` writes only the difference,
and what it leaves is exactly what a full recomputation gives."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.models import Address, Dossier
from buddy_desk.models.dossiers import DossierListing, DossierSearchWord
from buddy_desk.persistence.listing import refresh_listing
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier


def _tables(uow: UnitOfWork) -> tuple[set[tuple[object, ...]], set[tuple[str, int, str]]]:
    """The list rows, and the words as (word, dossier, address key)."""
    with uow:
        rows = {tuple(r) for r in uow.session.execute(select(DossierListing.__table__))}
        words = {
            (w, d, k)
            for w, d, k in uow.session.execute(
                select(
                    DossierSearchWord.word,
                    DossierSearchWord.dossier_id,
                    DossierSearchWord.address_key,
                )
            )
        }
    return rows, words


def test_a_changed_street_replaces_its_words_and_nothing_else(uow: UnitOfWork) -> None:
    changed = make_dossier(
        uow, straat="Kerkstraat", img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1
    )
    other = make_dossier(uow, straat="Molenweg", postcode="9999ZZ")
    with uow:
        address_id = uow.session.scalar(select(Dossier.address_id).where(Dossier.id == changed))
        conn = uow.session.connection()
        # a bulk writer changes the street (as an import does), then refreshes the dossier
        conn.execute(update(Address).where(Address.id == address_id).values(straat="Dorpsweg"))
        refresh_listing(conn, [changed])
        uow.commit()
    rows, words = _tables(uow)
    found_by = {(w, d) for w, d, _ in words}
    assert ("dorpsweg", changed) in found_by and ("kerkstraat", changed) not in found_by
    assert ("molenweg", other) in found_by
    # every word of the dossier, kept or new, sorts under the new street
    assert {k.split("\x01")[0] for _, d, k in words if d == changed} == {"Dorpsweg"}
    with uow:  # the difference leaves what recomputing everything from scratch gives
        refresh_listing(uow.session.connection())
        uow.commit()
    assert _tables(uow) == (rows, words)


def test_a_deleted_dossier_leaves_no_words(uow: UnitOfWork) -> None:
    gone = make_dossier(uow, straat="Kerkstraat")
    with uow:
        conn = uow.session.connection()
        conn.execute(delete(Dossier).where(Dossier.id == gone))
        refresh_listing(conn, [gone])
        uow.commit()
    rows, words = _tables(uow)
    assert not [w for w in words if w[1] == gone]
    assert not [r for r in rows if r[0] == gone]
