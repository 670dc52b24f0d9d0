"""The choice log as a PDF overview, a receipt per choice (PDF) and CSV.

Files are written to a temporary name next to the target and renamed into place, so an
interrupted export never leaves a half-written file under the real name.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from buddy_desk.choices.rules import ChoiceEntry, ChoiceType, EntryKind
from buddy_desk.choices.service.consent import AccessRecord
from buddy_desk.choices.service.log import ChoiceLog
from buddy_desk.choices.texts import (
    categories_label,
    explanation,
    kind_label,
    local_date,
    local_time,
    state_label,
    type_label,
    value_label,
)
from buddy_desk.core.files import atomic_write
from buddy_desk.core.formatting import check_code
from buddy_desk.core.spreadsheet import write_csv
from buddy_desk.documents.style import FONT, FONT_BOLD, register_fonts
from buddy_desk.i18n import tr

INK = colors.HexColor("#1f2a37")
MUTED = colors.HexColor("#5b6675")
LINE = colors.HexColor("#c9d1db")
HEAD_BG = colors.HexColor("#e8eef5")


def _fonts() -> None:
    register_fonts()  # the letters' Open Sans, registered once for every document


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, alignment=TA_LEFT),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8
        ),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD),
    }


def _p(text: str | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data)


def _footer(label: str) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        width = doc.pagesize[0]
        canvas.drawString(doc.leftMargin, 10 * mm, label)
        canvas.drawRightString(
            width - doc.rightMargin, 10 * mm, tr("choices.pdf.page", page=doc.page)
        )
        canvas.restoreState()

    return draw


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def choice_log_pdf(data: ChoiceLog, path: Path, *, printed: datetime) -> None:
    """The overview: current state of every choice, then every entry of the log."""
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=tr("choices.pdf.title"),
        author="Buddy Desk",
    )
    story: list[Any] = [
        _p(tr("choices.pdf.title"), st["h1"]),
        _p(
            tr(
                "choices.pdf.subtitle",
                address=data.address_line,
                postcode=data.postcode,
                city=data.woonplaats,
            ),
            st["base"],
        ),
        _p(tr("choices.pdf.residents", names=", ".join(data.residents) or "-"), st["base"]),
        Spacer(1, 4 * mm),
        _p(tr("choices.pdf.current"), st["h2"]),
    ]
    head = [
        tr("choices.col.choice"),
        tr("choices.col.value"),
        tr("choices.col.made"),
        tr("choices.col.by"),
        tr("choices.col.channel"),
    ]
    rows: list[list[Any]] = [[_p(h, st["label"]) for h in head]]
    if not data.states:
        rows.append([_p(tr("choices.state.none"), st["cell"]), "", "", "", ""])
    for state in data.states:
        cur = state.withdrawal or state.current
        label = state_label(state)
        if state.consent_active:
            label += "\n" + categories_label(state.current.categories)
        rows.append(
            [
                _p(type_label(state.choice_type), st["cell"]),
                _p(label, st["cell"]),
                _p(local_date(cur.made_at), st["cell"]),
                _p(cur.recorded_by, st["cell"]),
                _p(tr(f"choices.channel.{cur.channel.value}"), st["cell"]),
            ]
        )
    story.append(_table(rows, [70 * mm, 105 * mm, 25 * mm, 35 * mm, 34 * mm]))
    story += [Spacer(1, 4 * mm), _p(tr("choices.pdf.history"), st["h2"])]
    head = [
        tr("choices.col.seq"),
        tr("choices.col.kind"),
        tr("choices.col.choice"),
        tr("choices.col.content"),
        tr("choices.col.made"),
        tr("choices.col.recorded"),
        tr("choices.col.by"),
        tr("choices.col.note"),
        tr("choices.pdf.fingerprint"),
    ]
    rows = [[_p(h, st["label"]) for h in head]]
    for e in data.entries:
        kind = kind_label(e.kind)
        if e.refers_to_seq:
            kind += "\n" + tr("choices.pdf.refers", seq=e.refers_to_seq)
        rows.append(
            [
                _p(str(e.seq), st["cell"]),
                _p(kind, st["cell"]),
                _p(type_label(e.choice_type), st["cell"]),
                _p(_entry_value(e), st["cell"]),
                _p(local_date(e.effective_from or e.made_at), st["cell"]),
                _p(local_time(e.recorded_at), st["cell"]),
                _p(f"{e.recorded_by} ({e.recorded_by_org or '-'})", st["cell"]),
                _p(_entry_note(e), st["cell"]),
                _p(e.entry_hash[:10], st["small"]),
            ]
        )
    story.append(
        _table(
            rows,
            [10 * mm, 22 * mm, 40 * mm, 58 * mm, 20 * mm, 26 * mm, 34 * mm, 39 * mm, 20 * mm],
        )
    )
    footer = tr("choices.pdf.printed", date=local_time(printed), dossier=data.dossier_id)
    story += [Spacer(1, 4 * mm), _p(footer, st["small"])]
    doc.build(
        story, onFirstPage=_footer(data.address_line), onLaterPages=_footer(data.address_line)
    )
    _atomic_write(path, buffer.getvalue())


def _entry_value(e: ChoiceEntry) -> str:
    text = value_label(e)
    if e.choice_type is ChoiceType.DATA_SHARING and e.kind is not EntryKind.WITHDRAWAL:
        text += f"\n{categories_label(e.categories)}\n{tr('choices.receipt.purpose')}: {e.purpose}"
    return text


def _entry_note(e: ChoiceEntry) -> str:
    parts = [tr(f"choices.channel.{e.channel.value}")]
    if e.method:
        parts.append(tr(f"choices.method.{e.method.value}"))
    if e.form_reference:
        parts.append(f"{tr('choices.receipt.form_reference')}: {e.form_reference}")
    if e.note:
        parts.append(e.note)
    return "\n".join(parts)


def receipt_pdf(data: ChoiceLog, seq: int, path: Path) -> None:
    """A one-page receipt for the resident of entry ``seq``: who recorded it by name and role."""
    entry = next((e for e in data.entries if e.seq == seq), None)
    if entry is None:
        from buddy_desk.errors import NotFoundError

        raise NotFoundError(f"Regel {seq} bestaat niet in het keuzelogboek van dit dossier.")
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=tr("choices.receipt.title"),
        author="Buddy Desk",
    )
    story: list[Any] = [
        _p(", ".join(data.residents) or "", st["base"]),
        _p(data.address_line, st["base"]),
        _p(f"{data.postcode} {data.woonplaats}", st["base"]),
        Spacer(1, 12 * mm),
        _p(tr("choices.receipt.title"), st["h1"]),
        Spacer(1, 3 * mm),
    ]
    if entry.kind is EntryKind.WITHDRAWAL:
        intro = tr("choices.receipt.withdraw_intro", date=local_date(entry.effective_from))
    else:
        intro = tr("choices.receipt.intro", date=local_date(entry.made_at))
    story += [_p(intro, st["base"]), Spacer(1, 4 * mm)]
    rows: list[tuple[str, str]] = [
        (tr("choices.receipt.choice"), type_label(entry.choice_type)),
        (
            tr(
                "choices.receipt.withdrawn"
                if entry.kind is EntryKind.WITHDRAWAL
                else "choices.receipt.value"
            ),
            value_label(entry),
        ),
    ]
    if entry.choice_type is ChoiceType.DATA_SHARING and entry.kind is not EntryKind.WITHDRAWAL:
        rows += [
            (tr("choices.receipt.purpose"), entry.purpose or ""),
            (tr("choices.receipt.categories"), categories_label(entry.categories)),
        ]
    if entry.method:
        rows.append((tr("choices.receipt.method"), tr(f"choices.method.{entry.method.value}")))
    if entry.effective_from:
        rows.append((tr("choices.receipt.effective_from"), local_date(entry.effective_from)))
    rows += [
        (tr("choices.receipt.channel"), tr(f"choices.channel.{entry.channel.value}")),
        (tr("choices.receipt.recorded"), local_time(entry.recorded_at)),
        (tr("choices.receipt.recorded_by"), data.recorder(entry)),
    ]
    if entry.form_reference:
        rows.append((tr("choices.receipt.form_reference"), entry.form_reference))
    if entry.note:
        rows.append((tr("choices.receipt.note"), entry.note))
    if digest := data.digest_at(seq):  # the anchor: a paper copy no rewrite can match
        rows.append((tr("store.check_code_label"), f"{check_code(digest)}\n{digest}"))
    table = Table(
        [[_p(a, st["label"]), _p(b, st["base"])] for a, b in rows],
        colWidths=[45 * mm, 121 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    if entry.kind is not EntryKind.WITHDRAWAL:
        story.append(
            KeepTogether(
                [
                    _p(
                        tr("choices.receipt.explanation", version=entry.explanation_version),
                        st["label"],
                    ),
                    _p(explanation(entry.choice_type, entry.explanation_version), st["base"]),
                ]
            )
        )
        story.append(Spacer(1, 6 * mm))
    story += [
        _p(tr("choices.receipt.change"), st["base"]),
        Spacer(1, 10 * mm),
        _p(
            tr(
                "choices.receipt.reference",
                dossier=data.dossier_id,
                seq=entry.seq,
                hash=entry.entry_hash[:16],
            ),
            st["small"],
        ),
    ]
    doc.build(story)
    _atomic_write(path, buffer.getvalue())


CSV_COLUMNS = (
    "dossier",
    "regel",
    "soort",
    "verwijst_naar",
    "keuze",
    "waarde",
    "waarde_omschrijving",
    "gekozen_op",
    "vastgelegd_op",
    "ingangsdatum",
    "vastgelegd_door",
    "organisatie",
    "kanaal",
    "richting",
    "doel",
    "gegevens",
    "wijze",
    "alleen_als_niet_langer_wachten",
    "versie_toelichting",
    "formulierkenmerk",
    "notitie",
    "vorige_hash",
    "hash",
)


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def choice_log_rows(entries: Iterable[ChoiceEntry]) -> list[list[str]]:
    rows = []
    for e in entries:
        rows.append(
            [
                str(e.dossier_id),
                str(e.seq),
                e.kind.value,
                str(e.refers_to_seq or ""),
                e.choice_type.value,
                e.value,
                value_label(e),
                _iso(e.made_at),
                _iso(e.recorded_at),
                _iso(e.effective_from),
                e.recorded_by,
                e.recorded_by_org or "",
                e.channel.value,
                e.direction.value if e.direction else "",
                e.purpose or "",
                ";".join(c.value for c in e.categories),
                e.method.value if e.method else "",
                "" if e.only_if_no_delay is None else ("ja" if e.only_if_no_delay else "nee"),
                e.explanation_version or "",
                e.form_reference or "",
                e.note or "",
                e.prev_hash,
                e.entry_hash,
            ]
        )
    return rows


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[list[str]]) -> None:
    # the same spreadsheet-safe dialect as every other CSV: a cell starting with = + - @
    # tab or CR cannot become a formula in Excel
    write_csv(path, list(header), rows)


def choice_log_csv(entries: Iterable[ChoiceEntry], path: Path) -> None:
    _write_csv(path, CSV_COLUMNS, choice_log_rows(entries))


ACCESS_COLUMNS = (
    "actieId",
    "tijdstip",
    "tijdstipRegistratie",
    "actieNaam",
    "handelingNaam",
    "verwerkingNaam",
    "verwerkingId",
    "verwerkingsactiviteitId",
    "vertrouwelijkheid",
    "bewaartermijn",
    "uitvoerder",
    "systeem",
    "gebruiker",
    "gebruikerRol",
    "gegevensbron",
    "doel",
    "objecttype",
    "objectId",
    "verwerkteSoortenGegevens",
    "toestemmingRegel",
)


def access_log_csv(records: Iterable[AccessRecord], path: Path) -> None:
    rows = [
        [
            r.actie_id,
            _iso(r.tijdstip),
            _iso(r.tijdstip_registratie),
            r.actie_naam,
            r.handeling_naam,
            r.verwerking_naam,
            r.verwerking_id,
            r.verwerkingsactiviteit_id,
            r.vertrouwelijkheid,
            r.bewaartermijn,
            r.uitvoerder,
            r.systeem,
            r.gebruiker,
            r.gebruiker_rol or "",
            r.gegevensbron,
            r.doel,
            "dossier",
            str(r.dossier_id),
            ";".join(r.soorten_gegevens),
            str(r.consent_seq),
        ]
        for r in records
    ]
    _write_csv(path, ACCESS_COLUMNS, rows)
