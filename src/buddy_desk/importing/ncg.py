"""NCG's address export: upsert on Adres-ID, the address's dossier, the strengthening case.

An address already in the file under another Adres-ID, or an Adres-ID that now points to
another address, is rejected (to be corrected in the app) rather than silently merged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update

from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.phases import NCG_STATUS_LABELS, NcgStatus, Organisation
from buddy_desk.importing.exports import ExportStream, NcgRow, Rejection
from buddy_desk.importing.run import (
    CASE_KEY_COLUMNS,
    AddressRow,
    ImportResult,
    ImportRun,
    at_noon,
)
from buddy_desk.models import Case
from buddy_desk.models.signals import Observation
from buddy_desk.persistence.bulk_write import BulkInsert
from buddy_desk.signals.rules import ObservationKind

# a dict lookup: the enum's value property costs more than the rest of a row's step
_CODE = {s: s.value for s in NcgStatus}


class NcgRun(ImportRun[NcgRow]):
    """One NCG file."""

    case_columns = (*CASE_KEY_COLUMNS, "urgent", "bijzondere_situatie", "updated_at")

    def run(self, stream: ExportStream[NcgRow], total: int) -> ImportResult:
        self.existing_cases: dict[str, tuple[int, int, str, date | None, str | None]] = {}
        for case_id, d_id, ident, status, status_date, bijz in self.conn.execute(
            select(
                Case.id,
                Case.dossier_id,
                Case.identificatie,
                Case.status,
                Case.status_date,
                Case.bijzondere_situatie,
            ).where(Case.organisation == Organisation.NCG)
        ).all():
            self.existing_cases[ident.upper()] = (case_id, d_id, status, status_date, bijz)
        # the first load of an organisation's file is not news on every timeline
        self.initial_load = not self.existing_cases
        self.observations = self._load_observations()
        self.new_observations = BulkInsert(self.conn, Observation, _OBSERVATION_COLUMNS)
        self.inserts.insert(self.inserts.index(self.events), self.new_observations)
        # last: a file read by another process has its header once that process is going
        self.has_bijzonder = "bijzondere_situatie" in stream.table.mapping
        return super().run(stream, total)

    def import_rows(self, rows: list[NcgRow]) -> None:
        counts = self.counts
        by_ncg_id = self.by_ncg_id
        by_key = self.by_key
        for row in rows:
            key = row.address.match_key
            adres_id = row.adres_id.upper()
            a = by_ncg_id.get(adres_id)
            if a is None:
                a = by_key.get(key)
                if a is not None and a.ncg_address_id and a.ncg_address_id.upper() != adres_id:
                    counts.rejected.append(self._taken(row, a))
                    continue
            elif a.match_key != key:
                counts.rejected.append(
                    Rejection(
                        row.line,
                        "Postcode",
                        f"Adres-ID '{row.adres_id}' hoorde bij een ander adres; "
                        "corrigeer het adres in de app",
                    )
                )
                continue
            changed = False
            if a is None:
                a = self.new_address(row.address, row.adres_id)
            else:
                changed = self.update_address(a, row.address)
                if a.ncg_address_id is None:
                    a.ncg_address_id = row.adres_id
                    by_ncg_id[adres_id] = a
                    self.address_changed(a)
                    changed = True
            changed = self.set_buddy(a, Organisation.NCG, row.bewonersbegeleider) or changed
            changed = self._ncg_observations(a.dossier_id, row) or changed
            existing = self.existing_cases.get(adres_id)
            if existing is None:
                self._new_case(a.dossier_id, row)
                counts.imported += 1
            elif self._update_case(row, *existing) or changed:
                self.touched.add(existing[1])
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _taken(self, row: NcgRow, a: AddressRow) -> Rejection:
        """The row's address already has another Adres-ID."""
        if self.is_new(a):
            return Rejection(row.line, "Postcode", "dit adres komt dubbel voor in het bestand")
        return Rejection(
            row.line,
            "Adres-ID",
            f"dit adres staat al in het bestand onder Adres-ID '{a.ncg_address_id}'",
        )

    def _new_case(self, dossier_id: int, row: NcgRow) -> None:
        case_id = self.next_case_id()
        self.cases.add(
            (
                case_id,
                dossier_id,
                Organisation.NCG,
                row.adres_id,
                _CODE[row.status],
                row.status_date,
                row.status_date or self.today,
                False,
                row.bijzondere_situatie,
                self.now,
            )
        )
        self.status(case_id, _CODE[row.status], row.status_date or self.today)
        self.case_made(
            dossier_id,
            Organisation.NCG,
            case_id,
            row.adres_id,
            _CODE[row.status],
            row.status_date or self.today,
        )
        self.touched.add(dossier_id)
        if not self.initial_load:
            self.event(
                dossier_id,
                Organisation.NCG,
                "status",
                "import.timeline.ncg_added",
                {"code": _CODE[row.status], "label": event_text(f"ncg.status.{_CODE[row.status]}")},
                at_noon(row.status_date),
            )

    def _update_case(
        self,
        row: NcgRow,
        case_id: int,
        dossier_id: int,
        status: str,
        status_date: date | None,
        bijz: str | None,
    ) -> bool:
        """A case that was there before: its new status (and history), date and situation."""
        if _CODE[row.status] != status:
            self.status(case_id, _CODE[row.status], row.status_date or self.today)
            self.event(
                dossier_id,
                Organisation.NCG,
                "status",
                "import.timeline.ncg_status",
                {
                    "old": status,
                    "code": _CODE[row.status],
                    "label": event_text(f"ncg.status.{_CODE[row.status]}"),
                },
                at_noon(row.status_date),
            )
            self.counts.phase_changes += 1
        # a column the export lacks leaves the stored value alone
        new_bijz = row.bijzondere_situatie if self.has_bijzonder else bijz
        if (
            _CODE[row.status] == status
            and (row.status_date is None or row.status_date == status_date)
            and new_bijz == bijz
        ):
            return False
        self.case_updates.append(
            {
                "id": case_id,
                "status": _CODE[row.status],
                "status_date": row.status_date or status_date,
                "bijzondere_situatie": new_bijz,
                "updated_at": self.now,
            }
        )
        return True

    def _load_observations(self) -> dict[tuple[int, ObservationKind, str], Decimal | None]:
        return {
            (d_id, kind, ref): bedrag
            for d_id, kind, ref, bedrag in self.conn.execute(
                select(
                    Observation.dossier_id, Observation.kind, Observation.ref, Observation.bedrag
                )
            )
        }

    def _ncg_observations(self, dossier_id: int, row: NcgRow) -> bool:
        ref = f"ncg:{row.adres_id}"
        known = self.observations
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
            self.new_observations.add(
                (
                    dossier_id,
                    kind,
                    ref,
                    Organisation.NCG,
                    row.status_date or self.today,
                    bedrag,
                    self.note,
                    self.user,
                )
            )
            known[key] = bedrag
            changed = True
        if changed:
            self.touched.add(dossier_id)
        return changed


_OBSERVATION_COLUMNS = (
    "dossier_id",
    "kind",
    "ref",
    "organisation",
    "datum",
    "bedrag",
    "note",
    "created_by",
)


def _ncg_label(status: NcgStatus) -> str:
    return NCG_STATUS_LABELS[status]
