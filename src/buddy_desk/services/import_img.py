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

from buddy_desk.domain.phases import FlagKind, ImgPhase, Organisation
from buddy_desk.importing.exports import ImgRow, ParsedExport
from buddy_desk.models import Case, DamageReport, DossierFlag
from buddy_desk.services.import_run import (
    ImportResult,
    ImportRun,
    address_values,
    at_noon,
    bulk_update,
    fast_insert,
)

# a dict lookup: the enum property costs more than the rest of a row's loop step
_RUNNING = {phase: phase.is_running for phase in ImgPhase}


class ImgRun(ImportRun):
    """One IMG file."""

    def import_img(self, parsed: ParsedExport[ImgRow]) -> ImportResult:
        has_urgent = "urgent" in parsed.table.mapping
        has_bedrag = "schadebedrag" in parsed.table.mapping
        cases: dict[str, tuple[int, int, str, bool, Decimal | None, date | None]] = {}
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
        ):
            cases[ident.upper()] = (case_id, d_id, status, urgent, bedrag, start)
        initial_load = not cases
        constructive = {
            case_id
            for (case_id,) in self.conn.execute(
                select(DamageReport.case_id).where(DamageReport.constructief).distinct()
            )
        }
        aos = {
            d_id
            for (d_id,) in self.conn.execute(
                select(DossierFlag.dossier_id).where(
                    DossierFlag.kind == FlagKind.AOS, DossierFlag.active
                )
            )
        }
        rows = parsed.rows
        total = len(rows)
        queued: set[str] = set()
        for i, row in enumerate(rows, 1):
            self._tick(i, total)
            key = row.address.match_key
            if key in self.by_key:
                continue
            if key not in queued:
                queued.add(key)
                self._new_address(row.address, None)
            # the buddy of a new dossier goes in with it (as in the second pass below)
            if row.zaakbegeleider and (_RUNNING[row.fase] or key not in self.new_buddies):
                sup = self.supervisor_id(Organisation.IMG, row.zaakbegeleider)
                self.new_buddies[key] = (sup, None)
        self._write_new_addresses()
        new_cases: list[dict[str, Any]] = []
        new_case_rows: list[tuple[ImgRow, int]] = []
        case_updates: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        flags: list[dict[str, Any]] = []
        # a running case's zaakbegeleider wins over a settled case's at the same address
        ordered = sorted(rows, key=lambda r: _RUNNING[r.fase])
        for row in ordered:
            a = self.by_key[row.address.match_key]
            changed = bool(self._address_changes(a, row.address))
            if changed:
                self.address_updates.append({"id": a.id, **address_values(a)})
            if _RUNNING[row.fase] or a.img_supervisor_id is None:
                changed = self._set_buddy(a, Organisation.IMG, row.zaakbegeleider) or changed
            if row.aos and a.dossier_id not in aos:
                aos.add(a.dossier_id)
                flags.append(
                    {
                        "dossier_id": a.dossier_id,
                        "kind": FlagKind.AOS,
                        "active": True,
                        "set_at": self.now,
                        "set_by": self.user,
                        "note": f"Import {self.source}",
                    }
                )
                self._event(a.dossier_id, Organisation.IMG, "flag", "AOS gemeld door IMG", None)
                changed = True
            existing = cases.get(row.zaaknummer.upper())
            if existing is None:
                new_cases.append(
                    {
                        "dossier_id": a.dossier_id,
                        "organisation": Organisation.IMG,
                        "identificatie": row.zaaknummer,
                        "status": row.fase.value,
                        "status_date": row.melddatum or self.today,
                        "startdatum": row.melddatum,
                        "einddatum": None if _RUNNING[row.fase] else self.today,
                        "urgent": row.urgent,
                        "schadebedrag": row.schadebedrag,
                        "updated_at": self.now,
                    }
                )
                new_case_rows.append((row, a.dossier_id))
                self.touched.add(a.dossier_id)
                self.counts.imported += 1
                continue
            case_id, d_id, status, urgent, bedrag, start = existing
            if d_id != a.dossier_id:
                self._event(
                    d_id,
                    Organisation.IMG,
                    "status",
                    f"Zaak {row.zaaknummer} staat in de export op een ander adres",
                    None,
                )
                self.touched.update((d_id, a.dossier_id))
                changed = True
            if row.fase.value != status:
                self.statuses.append(
                    {
                        "case_id": case_id,
                        "code": row.fase.value,
                        "datum": self.today,
                        "toelichting": f"Import {self.source}"[:200],
                    }
                )
                self._event(
                    a.dossier_id,
                    Organisation.IMG,
                    "status",
                    f"Zaak {row.zaaknummer}: fase {status} → {row.fase.value}",
                    None,
                )
                self.counts.phase_changes += 1
            # a column the export lacks leaves the stored value alone
            new_urgent = row.urgent if has_urgent else urgent
            new_bedrag = row.schadebedrag if has_bedrag else bedrag
            if (
                row.fase.value != status
                or new_urgent != urgent
                or new_bedrag != bedrag
                or (row.melddatum is not None and row.melddatum != start)
                or d_id != a.dossier_id
            ):
                case_updates.append(
                    {
                        "id": case_id,
                        "dossier_id": a.dossier_id,
                        "status": row.fase.value,
                        "status_date": self.today if row.fase.value != status else None,
                        "startdatum": row.melddatum or start,
                        "urgent": new_urgent,
                        "schadebedrag": new_bedrag,
                        "updated_at": self.now,
                    }
                )
                changed = True
            if row.constructief and case_id not in constructive:
                constructive.add(case_id)
                reports.append(self._constructive_report(case_id, row))
                self._event(
                    a.dossier_id,
                    Organisation.IMG,
                    "report",
                    f"Zaak {row.zaaknummer}: constructieve schade bij opname",
                    None,
                )
                changed = True
            if changed:
                self.touched.add(a.dossier_id)
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
        self.progress.check()
        if new_cases:
            ids = self._insert_cases(new_cases)
            for (row, d_id), case_id in zip(new_case_rows, ids, strict=True):
                self.statuses.append(
                    {
                        "case_id": case_id,
                        "code": row.fase.value,
                        "datum": row.melddatum or self.today,
                        "toelichting": f"Import {self.source}"[:200],
                    }
                )
                if not initial_load:
                    self._event(
                        d_id,
                        Organisation.IMG,
                        "report",
                        f"Schademelding, zaak {row.zaaknummer} (fase {row.fase.value})",
                        at_noon(row.melddatum),
                    )
                if row.constructief:
                    reports.append(self._constructive_report(case_id, row))
        # keep a status date the export does not carry (None means: unchanged)
        for upd in case_updates:
            if upd["status_date"] is None:
                del upd["status_date"]
        bulk_update(self.conn, Case, case_updates)
        if reports:
            fast_insert(self.conn, DamageReport, reports)
        if flags:
            fast_insert(self.conn, DossierFlag, flags)
        self._flush_common()
        return self._finish(parsed)

    def _constructive_report(self, case_id: int, row: ImgRow) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "kind": "opnamerapport",
            "datum": self.today,
            "bedrag": row.schadebedrag,
            "constructief": True,
            "omschrijving": "Constructieve schade (uit IMG-export)",
        }
