"""NCG's address export: upsert on Adres-ID, the address's dossier, the strengthening case.

An address already in the file under another Adres-ID, or an Adres-ID that now points to
another address, is rejected (to be corrected in the app) rather than silently merged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from buddy_desk.domain.phases import NCG_STATUS_LABELS, NcgStatus, Organisation
from buddy_desk.domain.signal_rules import ObservationKind
from buddy_desk.importing.exports import NcgRow, ParsedExport, Rejection
from buddy_desk.models import Case
from buddy_desk.models.signals import Observation
from buddy_desk.services.import_run import (
    AddressRow,
    ImportResult,
    ImportRun,
    address_values,
    at_noon,
    bulk_update,
)


class NcgRun(ImportRun):
    """One NCG file."""

    def import_ncg(self, parsed: ParsedExport[NcgRow]) -> ImportResult:
        has_bijzonder = "bijzondere_situatie" in parsed.table.mapping
        cases: dict[str, tuple[int, int, str, date | None, str | None]] = {}
        for case_id, d_id, ident, status, status_date, bijz in self.conn.execute(
            select(
                Case.id,
                Case.dossier_id,
                Case.identificatie,
                Case.status,
                Case.status_date,
                Case.bijzondere_situatie,
            ).where(Case.organisation == Organisation.NCG)
        ):
            cases[ident.upper()] = (case_id, d_id, status, status_date, bijz)
        # the first load of an organisation's file is not news on every timeline
        initial_load = not cases
        observations = self._load_observations()
        rows = parsed.rows
        total = len(rows)
        accepted: list[tuple[NcgRow, AddressRow | None]] = []
        queued: set[str] = set()
        for i, row in enumerate(rows, 1):
            self._tick(i, total)
            key = row.address.match_key
            a = self.by_ncg_id.get(row.adres_id.upper())
            if a is None:
                a = self.by_key.get(key)
                if (
                    a is not None
                    and a.ncg_address_id
                    and a.ncg_address_id.upper() != (row.adres_id.upper())
                ):
                    self.counts.rejected.append(
                        Rejection(
                            row.line,
                            "Adres-ID",
                            f"dit adres staat al in het bestand onder Adres-ID "
                            f"'{a.ncg_address_id}'",
                        )
                    )
                    continue
            elif a.match_key != key:
                self.counts.rejected.append(
                    Rejection(
                        row.line,
                        "Postcode",
                        f"Adres-ID '{row.adres_id}' hoorde bij een ander adres; "
                        "corrigeer het adres in de app",
                    )
                )
                continue
            if a is None:
                if key in queued:
                    self.counts.rejected.append(
                        Rejection(row.line, "Postcode", "dit adres komt dubbel voor in het bestand")
                    )
                    continue
                queued.add(key)
                self._new_address(row.address, row.adres_id)
                if row.bewonersbegeleider:
                    sup = self.supervisor_id(Organisation.NCG, row.bewonersbegeleider)
                    self.new_buddies[key] = (None, sup)
            accepted.append((row, a))
        self._write_new_addresses()
        new_cases: list[dict[str, Any]] = []
        case_updates: list[dict[str, Any]] = []
        new_case_rows: list[tuple[NcgRow, int]] = []
        for row, found in accepted:
            a = found or self.by_key[row.address.match_key]
            changed = False
            if found is not None:
                changed = bool(self._address_changes(a, row.address))
                if a.ncg_address_id is None:
                    a.ncg_address_id = row.adres_id
                    self.by_ncg_id[row.adres_id.upper()] = a
                    changed = True
                if changed:
                    self.address_updates.append({"id": a.id, **address_values(a)})
            changed = self._set_buddy(a, Organisation.NCG, row.bewonersbegeleider) or changed
            changed = self._ncg_observations(a.dossier_id, row, observations) or changed
            existing = cases.get(row.adres_id.upper())
            if existing is None:
                new_cases.append(
                    {
                        "dossier_id": a.dossier_id,
                        "organisation": Organisation.NCG,
                        "identificatie": row.adres_id,
                        "status": row.status.value,
                        "status_date": row.status_date,
                        "startdatum": row.status_date or self.today,
                        "urgent": False,
                        "bijzondere_situatie": row.bijzondere_situatie,
                        "updated_at": self.now,
                    }
                )
                new_case_rows.append((row, a.dossier_id))
                self.touched.add(a.dossier_id)
                self.counts.imported += 1
                continue
            case_id, d_id, status, status_date, bijz = existing
            if row.status.value != status:
                self.statuses.append(
                    {
                        "case_id": case_id,
                        "code": row.status.value,
                        "datum": row.status_date or self.today,
                        "toelichting": f"Import {self.source}"[:200],
                    }
                )
                self._event(
                    d_id,
                    Organisation.NCG,
                    "status",
                    f"NCG-status {status} → {row.status.value} ({_ncg_label(row.status)})",
                    at_noon(row.status_date),
                )
                self.counts.phase_changes += 1
            # a column the export lacks leaves the stored value alone
            new_bijz = row.bijzondere_situatie if has_bijzonder else bijz
            if (
                row.status.value != status
                or (row.status_date is not None and row.status_date != status_date)
                or new_bijz != bijz
            ):
                case_updates.append(
                    {
                        "id": case_id,
                        "status": row.status.value,
                        "status_date": row.status_date or status_date,
                        "bijzondere_situatie": new_bijz,
                        "updated_at": self.now,
                    }
                )
                changed = True
            if changed:
                self.touched.add(d_id)
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
                        "code": row.status.value,
                        "datum": row.status_date or self.today,
                        "toelichting": f"Import {self.source}"[:200],
                    }
                )
                if not initial_load:
                    self._event(
                        d_id,
                        Organisation.NCG,
                        "status",
                        f"Opgenomen in het versterkingsbestand: NCG-status {row.status.value} "
                        f"({_ncg_label(row.status)})",
                        at_noon(row.status_date),
                    )
        bulk_update(self.conn, Case, case_updates)
        self._flush_common()
        return self._finish(parsed)

    def _load_observations(self) -> dict[tuple[int, ObservationKind, str], Decimal | None]:
        return {
            (d_id, kind, ref): bedrag
            for d_id, kind, ref, bedrag in self.conn.execute(
                select(
                    Observation.dossier_id, Observation.kind, Observation.ref, Observation.bedrag
                )
            )
        }

    def _ncg_observations(
        self,
        dossier_id: int,
        row: NcgRow,
        known: dict[tuple[int, ObservationKind, str], Decimal | None],
    ) -> bool:
        ref = f"ncg:{row.adres_id}"
        changed = False
        wanted: list[tuple[ObservationKind, Decimal | None]] = []
        if row.schade_gezien:
            wanted.append((ObservationKind.NCG_DAMAGE_SEEN, None))
        if row.verborgen_schade is not None:
            wanted.append((ObservationKind.HIDDEN_DAMAGE, row.verborgen_schade))
        for kind, bedrag in wanted:
            key = (dossier_id, kind, ref)
            if key in known:
                if known[key] != bedrag:
                    self.conn.execute(
                        update(Observation)
                        .where(
                            Observation.dossier_id == dossier_id,
                            Observation.kind == kind,
                            Observation.ref == ref,
                        )
                        .values(bedrag=bedrag)
                    )
                    known[key] = bedrag
                    changed = True
                continue
            self.conn.execute(
                insert(Observation),
                {
                    "dossier_id": dossier_id,
                    "kind": kind,
                    "ref": ref,
                    "organisation": Organisation.NCG,
                    "datum": row.status_date or self.today,
                    "bedrag": bedrag,
                    "note": f"Import {self.source}",
                    "created_by": self.user,
                },
            )
            known[key] = bedrag
            changed = True
        if changed:
            self.touched.add(dossier_id)
        return changed

    # --- IMG -----------------------------------------------------------------------------


def _ncg_label(status: NcgStatus) -> str:
    return NCG_STATUS_LABELS[status]
