"""IMG's case export: upsert on Zaaknummer; a case joins the dossier at its address.

Several cases per address (old settled ones and a running one); the running case's
zaakbegeleider becomes the buddy. IMG's export has no status date: a phase change is dated on
the import day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from buddy_desk.core.phases import FlagKind, ImgPhase, Organisation
from buddy_desk.importing.exports import ExportStream, ImgRow
from buddy_desk.importing.run import CASE_KEY_COLUMNS, ImportResult, ImportRun, at_noon
from buddy_desk.models import Case, DamageReport, DossierFlag
from buddy_desk.persistence.bulk_write import BulkInsert

# dict lookups: the enum's properties cost more than the rest of a row's loop step
_RUNNING = {phase: phase.is_running for phase in ImgPhase}
_CODE = {phase: phase.value for phase in ImgPhase}


class ImgRun(ImportRun[ImgRow]):
    """One IMG file."""

    case_columns = (*CASE_KEY_COLUMNS, "einddatum", "urgent", "schadebedrag", "updated_at")

    def run(self, stream: ExportStream[ImgRow], total: int) -> ImportResult:
        self.existing_cases: dict[str, tuple[int, int, str, bool, Decimal | None, date | None]] = {}
        for case_id, d_id, ident, status, urgent, bedrag, start in self.conn.execute(
            select(
                Case.id,
                Case.dossier_id,
                Case.identificatie,
                Case.status,
                Case.urgent,
                Case.schadebedrag,
                Case.startdatum,
            ).where(Case.organisation == Organisation.IMG)
        ).all():
            self.existing_cases[ident.upper()] = (case_id, d_id, status, urgent, bedrag, start)
        self.initial_load = not self.existing_cases
        self.constructive = {
            case_id
            for (case_id,) in self.conn.execute(
                select(DamageReport.case_id).where(DamageReport.constructief).distinct()
            )
        }
        self.aos = {
            d_id
            for (d_id,) in self.conn.execute(
                select(DossierFlag.dossier_id).where(
                    DossierFlag.kind == FlagKind.AOS, DossierFlag.active
                )
            )
        }
        self.reports = BulkInsert(self.conn, DamageReport, _REPORT_COLUMNS)
        self.flags = BulkInsert(self.conn, DossierFlag, _FLAG_COLUMNS)
        at = self.inserts.index(self.events)
        self.inserts[at:at] = [self.reports, self.flags]
        # last: a file read by another process has its header once that process is going
        mapping = stream.table.mapping
        self.has_urgent = "urgent" in mapping
        self.has_bedrag = "schadebedrag" in mapping
        return super().run(stream, total)

    def import_rows(self, rows: list[ImgRow]) -> None:
        counts = self.counts
        by_key = self.by_key
        for row in rows:
            a = by_key.get(row.address.match_key)
            changed = False
            if a is None:
                a = self.new_address(row.address, None)
            else:
                changed = self.update_address(a, row.address)
            # a running case's zaakbegeleider wins over a settled case's at the same address
            if _RUNNING[row.fase] or a.img_supervisor_id is None:
                changed = self.set_buddy(a, Organisation.IMG, row.zaakbegeleider) or changed
            if row.aos and a.dossier_id not in self.aos:
                self._flag_aos(a.dossier_id)
                changed = True
            existing = self.existing_cases.get(row.zaaknummer.upper())
            if existing is None:
                self._new_case(a.dossier_id, row)
                counts.imported += 1
            elif self._update_case(row, a.dossier_id, *existing) or changed:
                self.touched.add(a.dossier_id)
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _flag_aos(self, dossier_id: int) -> None:
        self.aos.add(dossier_id)
        self.flag_made(dossier_id, FlagKind.AOS)
        self.flags.add((dossier_id, FlagKind.AOS, True, self.now, self.user, self.note))
        self.event(dossier_id, Organisation.IMG, "flag", "import.timeline.aos", {}, None)

    def _new_case(self, dossier_id: int, row: ImgRow) -> None:
        case_id = self.next_case_id()
        running = _RUNNING[row.fase]
        self.cases.add(
            (
                case_id,
                dossier_id,
                Organisation.IMG,
                row.zaaknummer,
                _CODE[row.fase],
                row.melddatum or self.today,
                row.melddatum,
                None if running else self.today,
                row.urgent,
                row.schadebedrag,
                self.now,
            )
        )
        self.status(case_id, _CODE[row.fase], row.melddatum or self.today)
        self.case_made(
            dossier_id, Organisation.IMG, case_id, row.zaaknummer, _CODE[row.fase], row.melddatum
        )
        self.touched.add(dossier_id)
        if not self.initial_load:
            self.event(
                dossier_id,
                Organisation.IMG,
                "report",
                "import.timeline.img_report",
                {"case": row.zaaknummer, "phase": _CODE[row.fase]},
                at_noon(row.melddatum),
            )
        if row.constructief:
            self.constructive.add(case_id)
            self._constructive_report(case_id, row)

    def _update_case(
        self,
        row: ImgRow,
        dossier_id: int,
        case_id: int,
        old_dossier_id: int,
        status: str,
        urgent: bool,
        bedrag: Decimal | None,
        start: date | None,
    ) -> bool:
        """A case that was there before: its phase (and history), dossier, flags, amount."""
        changed = False
        if old_dossier_id != dossier_id:
            self.event(
                old_dossier_id,
                Organisation.IMG,
                "status",
                "import.timeline.img_moved",
                {"case": row.zaaknummer},
                None,
            )
            self.touched.add(old_dossier_id)
            self.holds_older_rows(dossier_id)
            changed = True
        phase_changed = _CODE[row.fase] != status
        if phase_changed:
            self.status(case_id, _CODE[row.fase], self.today)
            self.event(
                dossier_id,
                Organisation.IMG,
                "status",
                "import.timeline.img_phase",
                {"case": row.zaaknummer, "old": status, "phase": _CODE[row.fase]},
                None,
            )
            self.counts.phase_changes += 1
        # a column the export lacks leaves the stored value alone
        new_urgent = row.urgent if self.has_urgent else urgent
        new_bedrag = row.schadebedrag if self.has_bedrag else bedrag
        if (
            phase_changed
            or new_urgent != urgent
            or new_bedrag != bedrag
            or (row.melddatum is not None and row.melddatum != start)
            or changed
        ):
            update: dict[str, Any] = {
                "id": case_id,
                "dossier_id": dossier_id,
                "status": _CODE[row.fase],
                "startdatum": row.melddatum or start,
                "urgent": new_urgent,
                "schadebedrag": new_bedrag,
                "updated_at": self.now,
            }
            if phase_changed:  # IMG's export has no status date: keep the one stored
                update["status_date"] = self.today
            self.case_updates.append(update)
            changed = True
        if row.constructief and case_id not in self.constructive:
            self.constructive.add(case_id)
            self._constructive_report(case_id, row)
            self.event(
                dossier_id,
                Organisation.IMG,
                "report",
                "import.timeline.img_constructive",
                {"case": row.zaaknummer},
                None,
            )
            changed = True
        return changed

    def _constructive_report(self, case_id: int, row: ImgRow) -> None:
        self.reports.add(
            (
                case_id,
                "opnamerapport",
                self.today,
                row.schadebedrag,
                True,
                "Constructieve schade (uit IMG-export)",
            )
        )


_REPORT_COLUMNS = ("case_id", "kind", "datum", "bedrag", "constructief", "omschrijving")
_FLAG_COLUMNS = ("dossier_id", "kind", "active", "set_at", "set_by", "note")
