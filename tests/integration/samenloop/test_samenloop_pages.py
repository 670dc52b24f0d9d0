"""The samenloop list read from the database a page at a time is the list the whole province in
memory gave: the same rows, in the same order, with the same withheld texts — for viewers of
either organisation and without a profile, in the workspace's pages, the export's batches,
the CSV file and the command line."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from buddy_desk.__main__ import main as cli_main
from buddy_desk.choices.rules import Actor, Direction, DocumentCategory
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models import Address, Case, Dossier
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled
from buddy_desk.samenloop.cli import _as_json
from buddy_desk.samenloop.service import (
    Cursor,
    ListFilter,
    ListId,
    ListQuery,
    SamenloopRow,
    SortKey,
    batches,
    count_rows,
    export_csv,
    export_query,
    filter_rows,
    load_counts,
    load_overview,
    places,
    read_page,
    sort_rows,
)
from tests.factories import give_consent, make_dossier, make_supervisor

NO_PROFILE = Actor("nobody", "Nobody", None)
STREETS = ("Kerkstraat", "Ëemsweg", "Hoofdweg")
PLACES = ("Groningen", "Appingedam", "Loppersum")


def _fixture(uow: UnitOfWork) -> dict[str, Actor]:
    """~40 NCG addresses in every list, with letters, shared numbers, second damage cases,
    notes, places without a gemeente, and consent each way (and one without zaakgegevens)."""
    rng = random.Random(16)
    statuses = list(NcgStatus)
    phases: list[ImgPhase | None] = [None, None, *ImgPhase]
    made: list[int] = []
    for i in range(40):
        made.append(
            make_dossier(
                uow,
                straat=rng.choice(STREETS),
                huisnummer=rng.choice((1, 2, 2, 10, 12)),
                huisletter=rng.choice((None, None, "a", "B")),
                postcode=rng.choice(("9712", "9713", "9901"))
                + chr(65 + i // 26)
                + chr(65 + i % 26),
                woonplaats=rng.choice(PLACES),
                ncg_status=statuses[i % len(statuses)],
                img_phase=rng.choice(phases),
                zaaknummer=f"IMG-{7000 + i}",
            )
        )
    make_dossier(uow, img_phase=ImgPhase.OPNAME)  # IMG only: in no samenloop list
    with uow:
        s = uow.session
        for n, d in enumerate(made):
            case = s.query(Case).filter_by(dossier_id=d, organisation=Organisation.NCG).one()
            if n % 3 == 0:
                case.bijzondere_situatie = rng.choice(("Monument", "Asbest", ""))
            if n % 5 == 0:  # a second damage case, running, started later or the same day
                start = rng.choice((date(2025, 11, 1), date(2026, 2, 1)))
                s.add(
                    Case(
                        dossier_id=d,
                        organisation=Organisation.IMG,
                        identificatie=f"IMG-{8000 + n}",
                        status=rng.choice(list(ImgPhase)).value,
                        startdatum=start,
                        urgent=False,
                    )
                )
        # a second strengthening case on one address: a row per NCG case, as before
        s.add(
            Case(
                dossier_id=made[3],
                organisation=Organisation.NCG,
                identificatie="NCG-TWEEDE",
                status=NcgStatus.S6.value,
                startdatum=date(2020, 1, 1),
                urgent=False,
            )
        )
        s.execute(update(Address).where(Address.woonplaats == "Loppersum").values(gemeente=None))
        s.execute(update(Address).where(Address.woonplaats == "Appingedam").values(gemeente=""))
        uow.commit()
    for d in made[::4]:
        give_consent(uow, d, Direction.IMG_TO_NCG)
    for d in made[1::4]:
        give_consent(uow, d, Direction.NCG_TO_IMG)
    give_consent(
        uow, made[2], Direction.NCG_TO_IMG, categories=(DocumentCategory.STRENGTHENING_ADVICE,)
    )
    img = make_supervisor(uow, Organisation.IMG, "Iris Zaak", "iris")
    ncg = make_supervisor(uow, Organisation.NCG, "Nora Bewoner", "nora")
    with uow:  # supervisors' names in the list
        uow.session.execute(
            update(Dossier)
            .where(Dossier.id.in_(made[::2]))
            .values(ncg_supervisor_id=ncg, img_supervisor_id=img)
        )
        uow.commit()
    return {
        "img": Actor("iris", "Iris Zaak", Organisation.IMG, "zaakbegeleider"),
        "ncg": Actor("nora", "Nora Bewoner", Organisation.NCG, "bewonersbegeleider"),
        "none": NO_PROFILE,
    }


def _paged(uow: UnitOfWork, viewer: Actor, query: ListQuery, limit: int) -> list[SamenloopRow]:
    rows: list[SamenloopRow] = []
    cursor: Cursor | None = Cursor()
    while cursor is not None:
        page = read_page(uow, viewer, query, cursor, limit)
        assert len(page.rows) == limit or page.next is None  # full pages until the last
        rows += page.rows
        cursor = page.next
    return rows


QUERIES = [
    *(ListQuery(list_id, ListFilter(), sort) for list_id in ListId for sort in SortKey),
    *(
        ListQuery(ListId.NCG, f, sort)
        for sort in SortKey
        for f in (
            ListFilter(text="kerk"),
            ListFilter(text="9713 a"),
            ListFilter(text="img-70"),  # case numbers: only where the viewer may see them
            ListFilter(text="jansen"),  # the residents' names are not the samenloop's words
            ListFilter(text="eems 2"),
            ListFilter(ncg_status=NcgStatus.S2_1),
            ListFilter(only_bijzonder=True),
            ListFilter(gemeente="APPINGEDAM"),
            ListFilter(group=CollaborationGroup.B),
        )
    ),
    ListQuery(ListId.BOTH, ListFilter(text="hoofdweg", gemeente="Groningen"), SortKey.BIJZONDER),
]


@pytest.mark.parametrize("who", ["img", "ncg", "none"])
def test_pages_batches_and_counts_equal_the_list_in_memory(uow: UnitOfWork, who: str) -> None:
    viewer = _fixture(uow)[who]
    overview = load_overview(uow, viewer)
    assert load_counts(uow) == overview.counts
    assert places(uow) == sorted({r.gemeente for r in overview.rows})
    for query in QUERIES:
        expected = sort_rows(
            filter_rows(overview.rows_for(query.list_id), query.filter), query.sort
        )
        assert _paged(uow, viewer, query, 7) == expected, query
        streamed = [r for rows, _ in batches(uow, viewer, query, size=5) for r in rows]
        assert streamed == expected, query
        assert count_rows(uow, viewer, query) == len(expected), query
    # the gate did withhold something for every viewer but where consent was given
    shown = overview.rows_for(ListId.NCG)
    assert any(r.withheld for r in shown)
    if who != "none":
        assert any(not r.withheld for r in shown if r.img_cases)


def test_the_streamed_csv_and_the_command_line_equal_the_list_in_memory(
    uow: UnitOfWork, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    viewers = _fixture(uow)
    for who in ("img", "ncg"):
        viewer = viewers[who]
        overview = load_overview(uow, viewer)
        for query in (
            ListQuery(ListId.NCG, ListFilter(), SortKey.NCG_STATUS),
            ListQuery(ListId.BOTH, ListFilter(text="kerk"), SortKey.BIJZONDER),
        ):
            expected = sort_rows(
                filter_rows(overview.rows_for(query.list_id), query.filter), query.sort
            )
            before, after = tmp_path / "before.csv", tmp_path / "after.csv"
            export_csv(before, expected)
            assert export_query(uow, viewer, query, after) == len(expected)
            assert after.read_bytes() == before.read_bytes()
            args = ["samenloop", "--list", query.list_id.value, "--sort", query.sort.value]
            args += ["--search", query.filter.text, "--user", viewer.username, "--db", db_url]
            capsys.readouterr()
            assert cli_main([*args, "--json"]) == 0
            out = capsys.readouterr().out
            assert json.loads(out) == [_as_json(r) for r in expected]
            as_printed = json.dumps([_as_json(r) for r in expected], ensure_ascii=False, indent=2)
            assert out == as_printed + "\n"  # the text print_json wrote for the whole list
            assert cli_main([*args, "--csv", str(after)]) == 0
            assert after.read_bytes() == before.read_bytes()
            assert cli_main([*args, "--limit", "3", "--json"]) == 0
            capsys.readouterr()
            assert cli_main([*args, "--limit", "3", "--csv", str(after)]) == 0
            export_csv(before, expected[:3])
            assert after.read_bytes() == before.read_bytes()


def test_a_count_that_reads_the_list_stops_when_asked(uow: UnitOfWork) -> None:
    """A search typed on makes the count of the previous one useless: it stops between
    batches instead of reading on (a broad token's count reads most of the province)."""
    viewer = _fixture(uow)["ncg"]
    query = ListQuery(ListId.NCG, ListFilter(text="img-70"))
    asked: list[int] = []

    def stopped() -> bool:
        asked.append(1)
        return True

    with pytest.raises(Cancelled):
        count_rows(uow, viewer, query, stopped)
    assert asked == [1]
    expected = filter_rows(load_overview(uow, viewer).rows_for(ListId.NCG), query.filter)
    assert expected and count_rows(uow, viewer, query, lambda: False) == len(expected)


def test_an_export_whose_access_log_cannot_be_written_leaves_no_file(
    uow: UnitOfWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the export discloses is logged before the file is made final: no export file
    exists without its access-log entries."""
    from buddy_desk.samenloop import service

    viewer = _fixture(uow)["img"]
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.csv"

    def refuse(*_args: object) -> int:
        raise RuntimeError("the access log is not writable")

    monkeypatch.setattr(service, "_log", refuse)
    with pytest.raises(RuntimeError, match="access log"):
        export_query(uow, viewer, ListQuery(ListId.NCG), target)
    assert list(folder.iterdir()) == []  # neither the file nor its part
