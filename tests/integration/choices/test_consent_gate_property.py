"""The consent gate over every output path, as a property (hypothesis).

Each case draws a dossier (IMG phase and NCG status, either may be absent) and a random
consent history (records given / requested / assessed, corrections, withdrawals; per
direction, per category set), and checks it for each viewer (IMG, NCG, no profile). It
produces every output that can carry the other organisation's case details for that
dossier — the dossier view, the list row and its search, ``buddy-desk dossiers --json``,
the summary letter, the samenloop list and its CSV, the signal texts (and their CLI log),
the choice-log CSV — and checks:

- nothing of the other organisation appears unless a consent in force in the direction
  *other → viewer* covers its *zaakgegevens* (and the amount only with *besluit*);
- what is withheld is said (a reason), never silently dropped;
- each output that discloses the other side writes exactly one access-log entry for the
  dossier, and one that discloses nothing writes none (the on-screen list: none, by rule).

The expectation comes from a small model of the history written here, not from
``choices.rules``. Cases: ``EXAMPLES`` on SQLite and ``PG_EXAMPLES`` on PostgreSQL (when the
server binaries are there); the test prints the number it ran. Planning outputs (iCalendar,
confirmation letter) need a booked appointment per case and are covered by
``test_consent_gate_paths.py`` instead.
"""

from __future__ import annotations

import csv
import io
import json
import string
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from buddy_desk.choices.rules import (
    SOURCE_CATEGORIES,
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.consent import (
    NO_PROFILE,
    gated_count,
    gated_page,
    gated_summaries,
    view_dossier,
)
from buddy_desk.choices.service.exports import choice_log_csv
from buddy_desk.choices.service.log import (
    NewChoice,
    correct_choice,
    log_entries,
    record_choice,
    withdraw_choice,
)
from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import DossierFilter
from buddy_desk.dossiers.service import ListSort
from buddy_desk.errors import ValidationError
from buddy_desk.letters.service import load_letters
from buddy_desk.models import Case
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import export_list, load_overview
from buddy_desk.signals.rules import RULE_SOURCES, Rule
from buddy_desk.signals.service import evaluate_signals, list_signals, log_signal_output
from tests.factories import IMG_VIEWER, NCG_VIEWER, make_dossier, make_supervisor

EXAMPLES = 25  # × 3 viewers: about 30 s on SQLite
PG_EXAMPLES = 8
TODAY = date(2026, 11, 26)
ACTIVE = {"gegeven", "beoordeeld"}


@dataclass
class _Consent:
    seq: int
    value: str
    categories: frozenset[DocumentCategory]
    withdrawn: bool = False


@dataclass
class _Model:
    """What the history means, kept by hand: the latest record per direction."""

    current: dict[Direction, _Consent] = field(default_factory=dict)

    def allowed(self, viewer: Organisation | None, source: Organisation) -> frozenset[str]:
        if viewer is source:
            return frozenset(c.value for c in SOURCE_CATEGORIES[source])
        if viewer is None:
            return frozenset()
        consent = self.current.get(Direction.towards(viewer))
        if consent is None or consent.withdrawn or consent.value not in ACTIVE:
            return frozenset()
        cats = {c.value for c in consent.categories & SOURCE_CATEGORIES[source]}
        return frozenset(cats) if DocumentCategory.CASE_DETAILS.value in cats else frozenset()


_op = st.tuples(
    st.sampled_from(["record", "record", "correct", "withdraw"]),
    st.sampled_from(list(Direction)),
    st.sampled_from(["aangevraagd", "gegeven", "gegeven", "beoordeeld"]),
    st.frozensets(st.sampled_from(list(DocumentCategory)), min_size=1),
)
_case = st.tuples(
    st.sampled_from([*ImgPhase, None]),
    st.sampled_from([*NcgStatus, None]),
    st.lists(_op, max_size=6),
)
VIEWERS = (IMG_VIEWER, NCG_VIEWER, NO_PROFILE)


def _consent(direction: Direction, value: str, cats: frozenset[DocumentCategory]) -> NewChoice:
    return NewChoice(
        ChoiceType.DATA_SHARING,
        value,
        Channel.KITCHEN_TABLE,
        direction=direction,
        purpose="Samen afhandelen",
        categories=tuple(sorted(cats)),
        method=ConsentMethod.VERBAL,
    )


Op = tuple[str, Direction, str, frozenset[DocumentCategory]]


def _apply(uow: UnitOfWork, dossier_id: int, ops: list[Op]) -> _Model:
    model = _Model()
    for kind, direction, value, cats in ops:
        by = IMG_VIEWER if direction is Direction.IMG_TO_NCG else NCG_VIEWER
        cur = model.current.get(direction)
        try:
            if kind == "record":
                entry = record_choice(uow, dossier_id, _consent(direction, value, cats), by)
                model.current[direction] = _Consent(entry.seq, value, cats)
            elif kind == "correct" and cur is not None:
                correct_choice(uow, dossier_id, cur.seq, _consent(direction, value, cats), by)
                cur.value, cur.categories = value, cats
            elif kind == "withdraw" and cur is not None:
                withdraw_choice(uow, dossier_id, cur.seq, by, channel=Channel.PHONE)
                cur.withdrawn = True
        except ValidationError:
            continue  # refused (e.g. assessing what is not in force): the log is unchanged
    return model


def _log_count(uow: UnitOfWork, dossier_id: int) -> int:
    with uow:
        query = select(func.count()).where(AccessLogEntry.dossier_id == dossier_id)
        return int(uow.session.scalar(query) or 0)


class _Logged:
    """Asserts the access-log entries one output wrote for the dossier."""

    def __init__(self, uow: UnitOfWork, dossier_id: int) -> None:
        self.uow, self.dossier_id = uow, dossier_id
        self.seen = _log_count(uow, dossier_id)

    def expect(self, n: int, path: str) -> None:
        now = _log_count(self.uow, self.dossier_id)
        assert now - self.seen == n, f"{path}: {now - self.seen} access-log entries, expected {n}"
        self.seen = now


def _street(i: int) -> str:
    letters = string.ascii_lowercase
    return f"Poort{letters[i % 26]}{letters[i // 26 % 26]}{letters[i // 676 % 26]}weg"


def _check_case(engine: Engine, url: str, tmp: Path, i: int, case: tuple[object, ...]) -> None:
    img_phase, ncg_status, ops = case
    assert isinstance(img_phase, ImgPhase | None) and isinstance(ncg_status, NcgStatus | None)
    assert isinstance(ops, list)
    if img_phase is None and ncg_status is None:
        img_phase = ImgPhase.OPNAME
    uow = UnitOfWork(engine)
    street = _street(i)
    d = make_dossier(uow, straat=street, img_phase=img_phase, ncg_status=ncg_status)
    model = _apply(uow, d, ops)
    for n, viewer in enumerate(VIEWERS):
        _check_viewer(uow, url, tmp / f"{i}-{n}", d, street, model, viewer, img_phase, ncg_status)


def _check_viewer(
    uow: UnitOfWork,
    url: str,
    tmp: Path,
    d: int,
    street: str,
    model: _Model,
    viewer: Actor,
    img_phase: ImgPhase | None,
    ncg_status: NcgStatus | None,
) -> None:
    org = viewer.organisation
    present = {Organisation.IMG: img_phase is not None, Organisation.NCG: ncg_status is not None}
    allowed = {o: model.allowed(org, o) for o in Organisation}
    shows = {o: present[o] and "zaakgegevens" in allowed[o] for o in Organisation}
    discloses = int(any(shows[o] for o in Organisation if o is not org))
    with uow:
        query = select(Case.organisation, Case.identificatie).where(Case.dossier_id == d)
        numbers: dict[Organisation, str] = {}
        for row_org, ident in uow.session.execute(query):
            numbers[row_org] = ident
    hidden_numbers = [numbers[o] for o in Organisation if present[o] and not shows[o]]
    log = _Logged(uow, d)

    # the dossier view
    seen = view_dossier(uow, d, viewer)
    assert bool(seen.img_cases) == shows[Organisation.IMG]
    assert (seen.ncg_case is not None) == shows[Organisation.NCG]
    if seen.img_cases and "besluit" not in allowed[Organisation.IMG]:
        assert seen.img_cases[0].schadebedrag is None
    for o in Organisation:
        if present[o] and o is not org and allowed[o] != {c.value for c in SOURCE_CATEGORIES[o]}:
            assert any(w.organisation is o for w in seen.withheld), "withheld, not said"
    log.expect(discloses, "view")

    # the list row and its search (on screen: not logged, by rule)
    rows, _ = gated_summaries(uow, viewer)
    [row] = [r for r in rows if r.id == d]
    assert (row.img_phase is not None) == shows[Organisation.IMG]
    assert (row.ncg_status is not None) == shows[Organisation.NCG]
    assert not any(n in row.zaaknummers for n in hidden_numbers)
    assert not any(n.lower() in row.search_key for n in hidden_numbers)
    assert {o for o, _ in row.withheld} == {o for o in Organisation if present[o] and not shows[o]}
    # the app's paged list (SQL search, then the gate): the same row; a withheld number finds
    # nothing, and is not counted either
    [paged] = gated_page(uow, viewer, DossierFilter(street), ListSort(), 0, 50).rows
    assert paged == row
    for n in hidden_numbers:
        page = gated_page(uow, viewer, DossierFilter(n), ListSort(), 0, 50, with_counts=True)
        assert d not in {r.id for r in page.rows} and page.matching == len(page.rows)
        assert gated_count(uow, viewer, DossierFilter(n)) == len(page.rows)
    log.expect(0, "list")

    # buddy-desk dossiers --json (leaves the app: logged)
    args = ["dossiers", "--json", "--search", street, "--db", url]
    if viewer.username:
        args += ["--user", viewer.username]
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(args) == 0
    [item] = [r for r in json.loads(out.getvalue()) if r["id"] == d]
    assert (item["img_phase"] is not None) == shows[Organisation.IMG]
    assert (item["ncg_status"] is not None) == shows[Organisation.NCG]
    assert not any(n in item["zaaknummers"] for n in hidden_numbers)
    assert all(w["text"] for w in item["withheld"])
    log.expect(discloses, "dossiers --json")

    # the summary letter (single, preview and runs share load_letters)
    batch = load_letters(uow, [d], TODAY, viewer=viewer)
    letter = batch.letters[0]  # the words and the reference column (zaaknummers)
    text = " ".join([letter.plain_text(), *(value for _, value in letter.references)])
    assert not any(n in text for n in hidden_numbers)
    other_img = org is not Organisation.IMG and present[Organisation.IMG]
    if other_img and "besluit" not in allowed[Organisation.IMG]:
        assert "1.234,56" not in text
    for n in (numbers[o] for o in Organisation if shows[o] and o is not org):
        assert n in text
    said = {w.dossier_id for w in batch.withheld}
    partial = any(
        present[o] and o is not org and allowed[o] != {c.value for c in SOURCE_CATEGORIES[o]}
        for o in Organisation
    )
    assert (d in said) == partial, "a letter that leaves something out must say so"
    log.expect(discloses, "letter")

    # the samenloop list and its CSV (only addresses in the NCG file)
    if present[Organisation.NCG]:
        overview = load_overview(uow, viewer)
        [srow] = [r for r in overview.rows if r.dossier_id == d]
        assert (srow.ncg_status is not None) == shows[Organisation.NCG]
        assert (srow.img_phase is not None) == shows[Organisation.IMG]
        log.expect(0, "samenloop on screen")
        target = tmp.with_name(f"{tmp.name}-samenloop.csv")
        export_list(uow, viewer, overview, target, [srow])
        exported = target.read_text(encoding="utf-8-sig")
        assert not any(n in exported for n in hidden_numbers)
        if srow.withheld:
            assert "niet getoond" in exported
        log.expect(discloses, "samenloop CSV")

    # signal texts, and their CLI output's log
    evaluate_signals(uow, TODAY, [d])
    signals = list_signals(uow, viewer=viewer, dossier_id=d)
    texts = " ".join(f"{s.title} {s.detail or ''}" for s in signals)
    assert not any(n in texts for n in hidden_numbers)
    others = [o for o in Organisation if o is not org and shows[o]]
    carried = {o for s in signals if s.rule for o in RULE_SOURCES.get(Rule(s.rule), ())}
    log_signal_output(uow, viewer, signals)
    log.expect(int(any(o in carried for o in others)), "signals")

    # the choice log CSV: the resident's own choices, no case details of either side
    target = tmp.with_name(f"{tmp.name}-keuzes.csv")
    choice_log_csv(log_entries(uow, d), target)
    rows_csv = list(csv.reader(target.open(encoding="utf-8-sig"), delimiter=";"))
    assert not any(n in cell for row_ in rows_csv for cell in row_ for n in numbers.values())
    log.expect(0, "choice log CSV")


@pytest.mark.timeout(300)
def test_no_other_organisation_detail_without_consent_on_any_path(
    engine: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(engine)
    make_supervisor(uow, Organisation.IMG, "Ida Viewer", IMG_VIEWER.username)
    make_supervisor(uow, Organisation.NCG, "Niek Viewer", NCG_VIEWER.username)
    examples = EXAMPLES if db_url.startswith("sqlite") else PG_EXAMPLES
    ran: list[int] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_case)
    def check(case: tuple[object, ...]) -> None:
        _check_case(engine, db_url, tmp_path, len(ran), case)
        ran.append(1)

    check()
    with capsys.disabled():
        cases = f"{len(ran)} cases × {len(VIEWERS)} viewers × 8 output paths"
        print(f"\nconsent gate property: {cases} on {engine.dialect.name}")
    assert len(ran) >= examples // 2  # hypothesis ran the cases, not just a few
