"""The summary letter for one dossier, and letter runs for many (folder or combined PDF).

- ``select_dossiers(uow, groups=…, combination_only=…, dossier_filter=…)`` → ids in postal
  order (postcode, house number: how the printer's mail is sorted).
- ``load_letters(uow, ids, today)`` → letter contents for many dossiers in a few bulk
  queries, plus the dossiers skipped and why.
- ``summary_letter_for(uow, dossier_id, today)`` / ``render_summary_letter(...)`` → one.
- ``run_letters(uow, ids, out_dir=… | combined=…, progress=…)`` → ``RunResult``: written
  files, skipped dossiers with reasons, letters that say something is not known yet.

Both kinds of run render on a process pool (spawn, one process per core). Folder runs hand the
workers batches of letters; combined runs hand them parts of the file (``PART`` letters, each
part a complete PDF with "pagina X van Y" per letter), which a worker then joins in order
(``letters.merge``). Small runs, one core, or a broken pool: rendered in this process, a
combined file then as one document. A cancelled run removes what it wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from buddy_desk.choices.rules import NOT_DECIDED, Actor, Disclosure
from buddy_desk.choices.service.consent import (
    LETTER,
    DossierDisclosure,
    disclosed_sides,
    disclosures_in,
    gate_detail,
    gate_summary,
    log_disclosures_in,
    no_consent_verdict,
    still_matching,
    withheld_lines,
)
from buddy_desk.choices.service.log import decided_in_session
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.files import atomic_target, atomic_write, private_dir
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import Organisation
from buddy_desk.core.search import DossierFilter
from buddy_desk.core.summaries import DossierDetail
from buddy_desk.documents.templates import load_templates
from buddy_desk.dossiers.service import (
    ListSort,
    SortKey,
    detail_options,
    every_summary,
    to_detail,
)
from buddy_desk.errors import BuddyDeskError, NotFoundError
from buddy_desk.i18n import in_language
from buddy_desk.journal.service import record_letters_sent
from buddy_desk.letters.content import (
    ChoiceLine,
    JointAppointment,
    SummaryLetter,
    summary_letter,
)
from buddy_desk.letters.merge import merge_pdfs
from buddy_desk.letters.render import combined_meta, render_combined, render_letter
from buddy_desk.models import Dossier
from buddy_desk.models.planning import InspectionAppointment
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import NO_PROGRESS, Cancelled, Progress

log = logging.getLogger(__name__)
CHUNK = 400  # dossiers per bulk query (well below SQLite's and PostgreSQL's IN limits)
POOL_MIN_LETTERS = 40  # below this, a process pool costs more than it saves
BATCH = 16  # letters per worker task (folder runs)
PART = 40  # letters per part of a combined run (progress steps; each part has its own fonts)


@dataclass(frozen=True, slots=True)
class Skipped:
    dossier_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Withheld:
    """What the consent gate left out of one dossier's letter, and why (plain sentences)."""

    dossier_id: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunResult:
    written: tuple[Path, ...]
    skipped: tuple[Skipped, ...]
    incomplete: tuple[tuple[int, tuple[str, ...]], ...]  # dossier id → what is not known yet
    letters: int
    seconds: float
    combined: Path | None = None
    pages: int = 0
    withheld: tuple[Withheld, ...] = ()


@dataclass(frozen=True, slots=True)
class LetterBatch:
    letters: tuple[SummaryLetter, ...]
    skipped: tuple[Skipped, ...] = field(default=())
    withheld: tuple[Withheld, ...] = field(default=())


class LetterRunError(BuddyDeskError):
    """The run cannot start (no folder, file in the way, nothing selected)."""


# --- selecting -------------------------------------------------------------------------------


def select_dossiers(
    uow: UnitOfWork,
    viewer: Actor,
    *,
    groups: Iterable[CollaborationGroup] = (),
    combination_only: bool = False,
    dossier_filter: DossierFilter | None = None,
) -> list[int]:
    """Dossier ids for a run, in postal order. Groups imply combination dossiers. The
    selection sees what the list shows ``viewer`` (a group only where the gate shows it;
    "combination" where both processes run, the signalling minimum).

    Read in pages from one database query (the list's, sorted by postcode, then street and
    house number), narrowed there by the filter and the groups, then passed through the
    gate: only the ids are kept, whatever the number of dossiers."""
    wanted = frozenset(groups)
    shown_filter = dossier_filter or DossierFilter()
    # the database narrows on everything it knows (a superset of what the gate shows)
    narrowed = replace(
        shown_filter,
        groups=wanted or (_ALL_GROUPS if combination_only else shown_filter.groups),
    )
    ids: list[int] = []
    with uow:
        # the verdicts of the dossiers with a consent entry (every other one has the
        # no-consent verdict): as many as there are consents, not dossiers
        found = disclosures_in(uow, viewer.organisation, None)
        none = no_consent_verdict(0, viewer.organisation)  # its parts are frozen: shared
        for rows in every_summary(uow, narrowed, _POSTAL, SELECT_PAGE):
            shown = [
                gate_summary(r, found.get(r.id) or DossierDisclosure(r.id, none.img, none.ncg))
                for r in rows
            ]
            keep = (
                still_matching(uow.session.connection(), rows, shown, dossier_filter)
                if dossier_filter is not None
                else [True] * len(rows)
            )
            for row, gated, kept in zip(rows, shown, keep, strict=True):
                if not kept:
                    continue
                if wanted:
                    if gated.group not in wanted:
                        continue
                elif combination_only and gated.group is None and not gated.group_options:
                    continue
                ids.append(row.id)
    return ids


_ALL_GROUPS = frozenset(CollaborationGroup)
_POSTAL = ListSort(SortKey.POSTCODE)
SELECT_PAGE = 5_000


# --- loading ---------------------------------------------------------------------------------


def _choice_lines(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, tuple[ChoiceLine, ...]]:
    """The resident's current choices per dossier, from the choice log (when installed)."""
    try:
        from buddy_desk.choices.rules import ChoiceEntry, current_states
        from buddy_desk.choices.service.log import LOCAL, state_label, to_entry, type_label
        from buddy_desk.i18n import tr
        from buddy_desk.models.choices import ChoiceLogEntry
    except ImportError:  # the choice log is not part of this build
        return {}
    entries: dict[int, list[ChoiceEntry]] = defaultdict(list)
    for row in uow.session.scalars(
        select(ChoiceLogEntry)
        .where(ChoiceLogEntry.dossier_id.in_(ids))
        .order_by(ChoiceLogEntry.dossier_id, ChoiceLogEntry.seq)
    ):
        entries[row.dossier_id].append(to_entry(row))
    out: dict[int, tuple[ChoiceLine, ...]] = {}
    for dossier_id, dossier_entries in entries.items():
        lines = []
        for state in current_states(dossier_entries):
            when = state.current.made_at
            if state.withdrawal is not None:
                when = state.withdrawal.effective_from or state.withdrawal.made_at
            lines.append(
                ChoiceLine(
                    datum=when.astimezone(LOCAL).date(),
                    onderwerp=type_label(state.choice_type),
                    keuze=state_label(state, dated=False),
                    via=tr(f"choices.channel.{state.current.channel.value}"),
                )
            )
        out[dossier_id] = tuple(lines)
    return out


def _joint_appointments(
    uow: UnitOfWork, ids: Sequence[int]
) -> dict[int, tuple[JointAppointment, ...]]:
    """The booked joint inspections per dossier (a 'within two days' one has two days)."""
    found: dict[int, list[JointAppointment]] = defaultdict(list)
    for d_id, start, end, form in uow.session.execute(
        select(
            InspectionAppointment.dossier_id,
            InspectionAppointment.start_at,
            InspectionAppointment.end_at,
            InspectionAppointment.form,
        ).where(
            InspectionAppointment.dossier_id.in_(ids),
            InspectionAppointment.state == AppointmentState.BOOKED,
            InspectionAppointment.form != InspectionForm.SEPARATE,
        )
    ):
        found[d_id].append(JointAppointment(start, end, form))
    return {d: tuple(v) for d, v in found.items()}


def _log_digests(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    """Per dossier the running digest written with its latest choice (see choices.anchors)."""
    from buddy_desk.models.access_log import AccessLogEntry

    rows = uow.session.execute(
        select(AccessLogEntry.dossier_id, AccessLogEntry.heads_digest)
        .where(AccessLogEntry.dossier_id.in_(ids), AccessLogEntry.anchor_seq.is_not(None))
        .order_by(AccessLogEntry.chain_seq)
    )
    return {int(d): str(h) for d, h in rows}  # the last (newest) wins


def _details(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, DossierDetail]:
    dossiers = uow.session.scalars(
        select(Dossier).where(Dossier.id.in_(ids)).options(*detail_options(with_events=False))
    )
    return {d.id: to_detail(d, None, with_events=False) for d in dossiers}


def _skip_reason(detail: DossierDetail) -> str | None:
    if not detail.img_cases and detail.ncg_case is None:
        return "geen schadezaak (IMG) en geen versterkingszaak (NCG) op dit adres"
    if not detail.straat.strip() or len(detail.postcode.replace(" ", "")) != 6:
        return "adres onvolledig (straat of postcode ontbreekt): de brief kan niet verstuurd worden"
    if not detail.woonplaats.strip():
        return "woonplaats ontbreekt: de brief kan niet verstuurd worden"
    return None


def load_letters(
    uow: UnitOfWork,
    ids: Sequence[int],
    today: date,
    progress: Progress = NO_PROGRESS,
    *,
    viewer: Actor,
) -> LetterBatch:
    """Letter contents for ``ids`` (in that order) in a few bulk queries per chunk, as
    ``viewer`` may see them (the consent gate). Every letter that shows the other
    organisation's data is written to the access log, committed before anything is
    rendered (a cancelled run has still disclosed it to whoever started it)."""
    templates = load_templates()  # a broken template fails here, before anything is written
    letters: list[SummaryLetter] = []
    skipped: list[Skipped] = []
    withheld: list[Withheld] = []
    shown: list[tuple[int, Disclosure]] = []
    with uow:
        for start in range(0, len(ids), CHUNK):
            progress.check()
            chunk = list(ids[start : start + CHUNK])
            details = _details(uow, chunk)
            verdicts = disclosures_in(uow, viewer.organisation, chunk)
            with in_language("nl"):  # the letter is Dutch, whatever language the UI speaks
                choices = _choice_lines(uow, chunk)
            decided = decided_in_session(uow.session, chunk)
            joint = _joint_appointments(uow, chunk)
            digests = _log_digests(uow, chunk)
            for dossier_id in chunk:
                detail = details.get(dossier_id)
                if detail is None:
                    skipped.append(Skipped(dossier_id, "dossier bestaat niet (meer)"))
                    continue
                reason = _skip_reason(detail)
                if reason is not None:
                    skipped.append(Skipped(dossier_id, reason))
                    continue
                gated = gate_detail(detail, verdicts[dossier_id])
                present = {
                    Organisation.IMG: bool(detail.img_cases),
                    Organisation.NCG: detail.ncg_case is not None,
                }
                with in_language("nl"):
                    said = {
                        w.organisation: line
                        for w in gated.withheld
                        for line in withheld_lines(verdicts[dossier_id], [w.organisation])
                    }
                if said:
                    withheld.append(Withheld(dossier_id, tuple(said.values())))
                shown.extend(disclosed_sides(verdicts[dossier_id], present))
                letter = summary_letter(
                    gated,
                    choices.get(dossier_id),
                    today,
                    templates,
                    said,
                    decided=decided.get(dossier_id, NOT_DECIDED),
                    joint=joint.get(dossier_id, ()),
                )
                letters.append(replace(letter, log_digest=digests.get(dossier_id)))
        if log_disclosures_in(uow, viewer, shown, LETTER):
            uow.commit()
    return LetterBatch(tuple(letters), tuple(skipped), tuple(withheld))


def summary_letter_for(
    uow: UnitOfWork, dossier_id: int, today: date, *, viewer: Actor
) -> SummaryLetter:
    """The letter for one dossier; a dossier that cannot get one raises with the reason."""
    return letter_and_withheld(uow, dossier_id, today, viewer=viewer)[0]


def letter_and_withheld(
    uow: UnitOfWork, dossier_id: int, today: date, *, viewer: Actor
) -> tuple[SummaryLetter, tuple[str, ...]]:
    """The letter for one dossier and what the consent gate left out of it (sentences)."""
    batch = load_letters(uow, [dossier_id], today, viewer=viewer)
    if batch.skipped:
        reason = batch.skipped[0].reason
        if reason.startswith("dossier bestaat niet"):
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        raise LetterRunError(f"Dossier {dossier_id}: geen brief mogelijk: {reason}.")
    return batch.letters[0], batch.withheld[0].reasons if batch.withheld else ()


def render_summary_letter(uow: UnitOfWork, dossier_id: int, today: date, *, viewer: Actor) -> bytes:
    return render_letter(summary_letter_for(uow, dossier_id, today, viewer=viewer))


# --- the contact journal: every letter made for sending is recorded on its dossier ----------

SAVED_TEXT = "Samenvattingsbrief {kenmerk} opgeslagen om te versturen."
RUN_TEXT = "Samenvattingsbrief {kenmerk} gemaakt in een briefrun."
COMBINED_TEXT = "Samenvattingsbrief {kenmerk} gemaakt in een gecombineerd bestand (briefrun)."


def record_letter_saved(
    uow: UnitOfWork, dossier_id: int, kenmerk: str, pdf: bytes, sent_by: Actor | None
) -> None:
    """A single letter was saved for sending: which letter, when, by whom, its SHA-256."""
    record_letters_sent(
        uow, [(dossier_id, kenmerk, hashlib.sha256(pdf).hexdigest())], sent_by, SAVED_TEXT
    )


def save_summary_letter(
    uow: UnitOfWork, dossier_id: int, today: date, out: Path, *, viewer: Actor
) -> tuple[str, tuple[str, ...]]:
    """Render one letter as ``viewer`` may see it to ``out`` (atomically) and record it in
    the contact journal; returns the kenmerk and what the consent gate left out."""
    letter, withheld = letter_and_withheld(uow, dossier_id, today, viewer=viewer)
    data = render_letter(letter)
    atomic_write(out, data)
    record_letter_saved(uow, dossier_id, letter.kenmerk, data, viewer)
    return letter.kenmerk, withheld


def _record_run(
    uow: UnitOfWork, sent: Sequence[tuple[int, str]], result: RunResult, sent_by: Actor | None
) -> None:
    """Journal every letter of the run: (dossier id, kenmerk) with its PDF's fingerprint."""
    if result.combined is not None:
        digest = hashlib.sha256(result.combined.read_bytes()).hexdigest()
        items = [(dossier_id, kenmerk, digest) for dossier_id, kenmerk in sent]
        record_letters_sent(uow, items, sent_by, COMBINED_TEXT)
        return
    by_name = {p.name: p for p in result.written}
    items = [
        (dossier_id, kenmerk, hashlib.sha256(by_name[name].read_bytes()).hexdigest())
        for dossier_id, kenmerk in sent
        if (name := f"{kenmerk}.pdf") in by_name
    ]
    record_letters_sent(uow, items, sent_by, RUN_TEXT)


# --- runs ------------------------------------------------------------------------------------


def letter_filename(letter: SummaryLetter) -> str:
    """No names or addresses in file names: the kenmerk identifies the dossier."""
    return f"{letter.kenmerk}.pdf"


def _render_batch(letters: tuple[SummaryLetter, ...], out_dir: str) -> list[str]:
    """Worker: render and write a few letters; returns the paths written."""
    written = []
    for letter in letters:
        path = Path(out_dir) / letter_filename(letter)
        atomic_write(path, render_letter(letter))
        written.append(str(path))
    return written


def _pool_size() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _render_in_process(
    letters: Sequence[SummaryLetter],
    out_dir: Path,
    progress: Progress,
    written: list[Path],
    total: int,
) -> None:
    for letter in letters:
        progress.check()
        written.extend(map(Path, _render_batch((letter,), str(out_dir))))
        progress.report(len(written), total, "")


def _render_in_pool(
    chunks: Iterator[tuple[SummaryLetter, ...]],
    out_dir: Path,
    progress: Progress,
    written: list[Path],
    workers: int,
    total: int,
) -> None:
    """Render the letters chunk by chunk on a pool; a chunk is loaded only when the pool is
    nearly idle, so no more than a few chunks of letters are in memory at any time."""
    # spawn: safe beside Qt's threads (fork would copy a locked GUI process)
    context = multiprocessing.get_context("spawn")
    pending: dict[Future[list[str]], tuple[SummaryLetter, ...]] = {}

    def collect(limit: int) -> None:
        while len(pending) > limit:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                del pending[future]
                written.extend(map(Path, future.result()))
            progress.report(len(written), total, "")
            progress.check()

    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            for letters in chunks:
                for i in range(0, len(letters), BATCH):
                    batch = letters[i : i + BATCH]
                    pending[pool.submit(_render_batch, batch, str(out_dir))] = batch
                collect(2 * workers)
            collect(0)
        except BrokenProcessPool:
            # e.g. a frozen build without freeze_support, or a worker killed by the OS:
            # finish in this process rather than fail the coordinator's run.
            log.warning("letter process pool broke; rendering the rest in-process")
            done = {p.name for p in written}
            rest = [x for b in pending.values() for x in b if letter_filename(x) not in done]
            pending.clear()
            _render_in_process(rest, out_dir, progress, written, total)
            for letters in chunks:
                _render_in_process(letters, out_dir, progress, written, total)
        except BaseException:
            for future in pending:
                future.cancel()
            for future in pending:
                if not future.cancelled():
                    with contextlib.suppress(Exception):  # cleaning up after cancel
                        written.extend(map(Path, future.result()))
            raise


def _run_folder(
    chunks: Iterator[tuple[SummaryLetter, ...]],
    out_dir: Path,
    progress: Progress,
    workers: int,
    total: int,
) -> list[Path]:
    written: list[Path] = []
    try:
        if workers <= 1 or total < POOL_MIN_LETTERS:
            for letters in chunks:
                _render_in_process(letters, out_dir, progress, written, total)
        else:
            _render_in_pool(chunks, out_dir, progress, written, workers, total)
        return written
    except BaseException:
        _remove(written)
        _remove(out_dir.glob(".BD-*.pdf.*.part"))
        raise


def _combined_in_process(letters: Sequence[SummaryLetter], tmp: Path, progress: Progress) -> int:
    done = 0

    def on_letter() -> None:
        nonlocal done
        progress.check()
        progress.report(done, len(letters), "")
        done += 1

    with tmp.open("wb") as fh:
        return render_combined(letters, fh, on_letter=on_letter)


def _render_part(letters: tuple[SummaryLetter, ...], path: str, run_size: int) -> int:
    """Worker: one part of a combined run as a complete PDF; returns its pages."""
    with open(path, "wb") as fh:
        return render_combined(letters, fh, meta=combined_meta(run_size))


def _merge_parts(paths: list[str], target: str) -> int:
    """Worker: join the parts (PDFium stays out of the GUI process and its threads)."""
    return merge_pdfs([Path(p) for p in paths], Path(target))


def _combined_in_pool(
    chunks: Iterator[tuple[SummaryLetter, ...]],
    tmp: Path,
    progress: Progress,
    workers: int,
    total: int,
) -> tuple[int, int]:
    """Render parts on a process pool as the chunks come, then join them into ``tmp``;
    returns (letters, pages). The first part is rendered last: its metadata, which the
    joined file keeps, names the run's number of letters, known only at the end."""
    context = multiprocessing.get_context("spawn")
    paths: list[Path] = []
    sizes: dict[Future[int], int] = {}
    first: tuple[SummaryLetter, ...] = ()
    waiting: list[SummaryLetter] = []
    count = done = 0

    def part_path() -> Path:
        path = tmp.with_name(f"{tmp.name}-{len(paths):05d}")
        paths.append(path)
        return path

    def collect(limit: int) -> None:
        nonlocal done
        while len(sizes) > limit:
            finished, _ = wait(sizes, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                done += sizes.pop(future)
            progress.report(done, total, "")
            progress.check()

    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:

            def submit(part: tuple[SummaryLetter, ...], run_size: int) -> None:
                nonlocal first
                if not first and not paths:
                    first = part
                    part_path()  # its place: first in the file
                    return
                path = paths[0] if part is first else part_path()
                sizes[pool.submit(_render_part, part, str(path), run_size)] = len(part)

            try:
                for letters in chunks:
                    count += len(letters)
                    waiting.extend(letters)
                    while len(waiting) >= PART:
                        submit(tuple(waiting[:PART]), 0)
                        del waiting[:PART]
                    collect(2 * workers)
                if waiting:
                    submit(tuple(waiting), 0)
                if not count:
                    return 0, 0
                submit(first, count)
                collect(0)
                progress.report(total, total, "samenvoegen")
                merged = pool.submit(_merge_parts, [str(p) for p in paths], str(tmp))
                while not wait([merged], timeout=0.2).done:
                    progress.check()
                return count, merged.result()
            finally:
                for future in sizes:
                    future.cancel()
    finally:
        _remove(paths)


def run_letters(
    uow: UnitOfWork,
    ids: Sequence[int],
    *,
    today: date,
    out_dir: Path | None = None,
    combined: Path | None = None,
    progress: Progress = NO_PROGRESS,
    workers: int | None = None,
    viewer: Actor,
    sent_by: Actor | None = None,
) -> RunResult:
    """Write one PDF per dossier into ``out_dir``, or all letters into ``combined``, as
    ``viewer`` may see them; ``RunResult.withheld`` says per dossier what was left out.
    Every letter written is recorded in its dossier's contact journal (as sent by
    ``sent_by``, by default the viewer)."""
    sent_by = sent_by or viewer
    if (out_dir is None) == (combined is None):
        raise LetterRunError("Kies een map (één PDF per dossier) of één gecombineerd bestand.")
    if not ids:
        raise LetterRunError("Er zijn geen dossiers geselecteerd.")
    if out_dir is not None:
        if out_dir.exists() and not out_dir.is_dir():
            raise LetterRunError(f"{out_dir} is een bestand, geen map.")
        private_dir(out_dir)
    if combined is not None and not combined.parent.is_dir():
        raise LetterRunError(f"De map {combined.parent} bestaat niet.")
    started = time.perf_counter()
    progress.report(0, len(ids), "gegevens laden")
    workers = workers if workers is not None else _pool_size()
    run = _RunLog()
    if combined is None and out_dir is not None:
        written = _run_folder(
            run.chunks(uow, ids, today, progress, viewer), out_dir, progress, workers, len(ids)
        )
        progress.report(len(written), run.letters, "")  # the total is known now
        result = run.result(tuple(written), time.perf_counter() - started)
        _record_run(uow, run.sent, result, sent_by)
        return result
    assert combined is not None
    pool = workers > 1 and len(ids) >= POOL_MIN_LETTERS
    pages = 0
    with contextlib.suppress(_NoLettersError), atomic_target(combined) as tmp:
        if pool:
            try:
                letters, pages = _combined_in_pool(
                    run.chunks(uow, ids, today, progress, viewer), tmp, progress, workers, len(ids)
                )
                if not letters:
                    raise _NoLettersError
            except BrokenProcessPool:
                log.warning("letter process pool broke; rendering the file in-process")
                pool = False
                run = _RunLog()  # loaded again: the file is rendered as one document
        if not pool:
            # one document, so every letter at once (small runs, one core, a broken pool)
            letters_ = [x for chunk in run.chunks(uow, ids, today, progress, viewer) for x in chunk]
            if not letters_:
                raise _NoLettersError
            pages = _combined_in_process(letters_, tmp, progress)
    if not run.sent:
        return run.result((), time.perf_counter() - started)
    progress.report(run.letters, run.letters, "")
    result = run.result((combined,), time.perf_counter() - started, combined=combined, pages=pages)
    _record_run(uow, run.sent, result, sent_by)
    return result


class _NoLettersError(Exception):
    """Every selected dossier was skipped: no combined file is written."""


class _RunLog:
    """What a run learns as its chunks load: skipped, withheld, incomplete, the letters."""

    def __init__(self) -> None:
        self.skipped: list[Skipped] = []
        self.withheld: list[Withheld] = []
        self.incomplete: list[tuple[int, tuple[str, ...]]] = []
        self.sent: list[tuple[int, str]] = []  # (dossier id, kenmerk) per letter

    @property
    def letters(self) -> int:
        return len(self.sent)

    def chunks(
        self,
        uow: UnitOfWork,
        ids: Sequence[int],
        today: date,
        progress: Progress,
        viewer: Actor,
    ) -> Iterator[tuple[SummaryLetter, ...]]:
        """The run's letters, ``RUN_CHUNK`` dossiers at a time (each chunk's disclosures
        logged and committed before its letters are handed on to be rendered)."""
        for start in range(0, len(ids), RUN_CHUNK):
            batch = load_letters(
                uow, ids[start : start + RUN_CHUNK], today, progress, viewer=viewer
            )
            self.skipped += batch.skipped
            self.withheld += batch.withheld
            for letter in batch.letters:
                self.sent.append((letter.dossier_id, letter.kenmerk))
                if letter.unknown:
                    self.incomplete.append((letter.dossier_id, letter.unknown))
            if start + RUN_CHUNK >= len(ids):
                log.info("letter run: %d letters, %d skipped", self.letters, len(self.skipped))
            if batch.letters:
                yield batch.letters

    def result(self, written: tuple[Path, ...], seconds: float, **more: Any) -> RunResult:
        return RunResult(
            written,
            tuple(self.skipped),
            tuple(self.incomplete),
            self.letters,
            seconds,
            withheld=tuple(self.withheld),
            **more,
        )


RUN_CHUNK = 400
"""Dossiers loaded at a time in a run: memory stays flat with the number of letters."""


__all__ = [
    "Cancelled",
    "LetterBatch",
    "LetterRunError",
    "RunResult",
    "Skipped",
    "Withheld",
    "letter_and_withheld",
    "letter_filename",
    "load_letters",
    "record_letter_saved",
    "render_summary_letter",
    "run_letters",
    "save_summary_letter",
    "select_dossiers",
    "summary_letter_for",
]
