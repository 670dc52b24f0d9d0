"""Letter text blocks from ``resources/letters/<lang>/*.txt``, validated at load.

File format (documented for coordinators in ``resources/letters/README.md``)::

    # comment
    [block.name]
    Text of the block. Lines are joined; a blank line starts a new paragraph.
    Placeholders look like {adres}; {{ and }} are literal braces.

Every block the letter needs must be present exactly once, and may use only the placeholders
listed for it in ``SCHEMA``. Anything else fails with a ``TemplateError`` naming the file,
line, block and placeholder, so a broken template never produces a half-filled letter.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import AdviceOutcome, ImgPhase, NcgStatus
from buddy_desk.errors import BuddyDeskError
from buddy_desk.resources import resource

GLOBAL_FIELDS = frozenset({"adres", "postcode", "woonplaats", "datum", "kenmerk"})
_PHASE_FIELDS = frozenset({"zaaknummer", "sinds"})
_AMOUNT_FIELDS = frozenset({"bedrag", "besluitdatum", "zaaknummer"})

# Blocks whose line breaks are kept (addresses); all others are reflowed into paragraphs.
LINE_BLOCKS = frozenset(
    {"afzender.img.naam", "afzender.img.adres", "afzender.ncg.naam", "afzender.ncg.adres"}
)


# Beschikking once IMG has decided (a decision date is known): the letter then tells what was
# decided and what follows, never "IMG is deciding now".
IMG_DECIDED_STATE = "besloten"


def img_state_keys() -> list[str]:
    return [p.name.lower() for p in ImgPhase] + [IMG_DECIDED_STATE, "onbekend"]


def ncg_state_keys() -> list[str]:
    return [s.name.lower() for s in NcgStatus] + ["onbekend"]


def _schema() -> dict[str, frozenset[str]]:
    none: frozenset[str] = frozenset()
    schema: dict[str, frozenset[str]] = dict.fromkeys(
        (
            "afzender.img.naam",
            "afzender.img.adres",
            "afzender.ncg.naam",
            "afzender.ncg.adres",
            "retouradres",
            "onderwerp",
            "adres.zonder_naam",
            "aanhef.zonder_naam",
            "inleiding",
            "kort.titel",
            "afsluiting",
            "groet",
            "contact.titel",
            "contact.uitleg",
            "contact.uitleg.onvolledig",
            "contact.geen_img",
            "contact.geen_ncg",
            "ondertekening.geen_img",
            "ondertekening.geen_ncg",
            "bijlage.woorden.titel",
            "schade.titel",
            "schade.geen",
            "kort.img.geen",
            "schade.bedrag.onbekend",
            "schade.meldingen.titel",
            "versterking.titel",
            "versterking.geen",
            "kort.ncg.geen",
            "samen.titel",
            "samen.alleen_img",
            "samen.alleen_ncg",
            "samen.niets_lopend",
            "samen.aos",
            "samen.interventieteam",
            "samen.altijd",
            "samen.groep.E.voorrang",
            "geld.titel",
            "geld.uitleg",
            "geld.inbrengen",
            "geld.vragen",
            "keuzes.titel",
            "keuzes.uitleg",
            "keuzes.geen",
            "label.zaak",
            "label.sinds",
            "label.bedrag",
            "label.advies",
            "label.volgende",
            "label.wanneer",
            "label.zaaknummer",
            "label.datum",
            "label.wat",
            "label.onderwerp",
            "label.keuze",
            "label.via",
            "label.onbekend",
            "label.kenmerk",
            "label.uw_datum",
            "label.contact",
            "label.telefoon",
            "label.email",
            "rapport.melding",
            "rapport.opnamerapport",
            "rapport.adviesrapport",
            "rapport.anders",
        ),
        none,
    )
    schema["aanhef.naam"] = frozenset({"naam"})
    schema["label.pagina"] = frozenset({"pagina", "paginas"})
    schema["schade.bedrag.besluit"] = _AMOUNT_FIELDS
    schema["schade.bedrag.advies"] = _AMOUNT_FIELDS
    schema["schade.bedrag.vastgesteld"] = _AMOUNT_FIELDS
    schema["schade.meldingen.meer"] = frozenset({"aantal"})
    schema["schade.meldingen.meer_een"] = frozenset({"aantal"})
    for state in img_state_keys():
        for prefix in ("kort.img", "schade.fase", "schade.volgende", "schade.wanneer"):
            schema[f"{prefix}.{state}"] = _PHASE_FIELDS
    for state in ncg_state_keys():
        for prefix in ("kort.ncg", "versterking.fase", "versterking.volgende"):
            schema[f"{prefix}.{state}"] = _PHASE_FIELDS
        schema[f"versterking.wanneer.{state}"] = _PHASE_FIELDS
    for outcome in [a.value for a in AdviceOutcome] + ["onbekend"]:
        schema[f"versterking.advies.{outcome}"] = none
    for group in CollaborationGroup:
        schema[f"samen.groep.{group.value}"] = none
    return schema


SCHEMA: Mapping[str, frozenset[str]] = _schema()
# Glossary entries: any block named woord.* (optional, any number).
GLOSSARY_PREFIX = "woord."


class TemplateError(BuddyDeskError):
    """A letter template file is not valid; the message names file, line, block."""


@dataclass(frozen=True, slots=True)
class Block:
    key: str
    paragraphs: tuple[str, ...]
    fields: frozenset[str]
    file: str
    line: int


@dataclass(frozen=True)
class Templates:
    """All blocks of one language, checked against ``SCHEMA``."""

    blocks: Mapping[str, Block]

    def text(self, key: str, /, **values: object) -> str:
        """The block's paragraphs joined by blank lines, placeholders filled."""
        return "\n\n".join(self.paragraphs(key, **values))

    def paragraphs(self, key: str, /, **values: object) -> tuple[str, ...]:
        block = self.blocks[key]
        missing = block.fields - values.keys()
        if missing:
            # A programming error, not a coordinator's: the schema promised these fields.
            raise KeyError(f"{key}: no value for {', '.join(sorted(missing))}")
        return tuple(p.format_map(values) for p in block.paragraphs)

    def glossary(self) -> list[tuple[str, str]]:
        """(term, explanation) pairs from the woord.* blocks, in file order."""
        out: list[tuple[str, str]] = []
        for key, block in self.blocks.items():
            if key.startswith(GLOSSARY_PREFIX):
                text = " ".join(block.paragraphs)
                term, _, explanation = text.partition(":")
                out.append((term.strip(), explanation.strip()))
        return out


def _fields_of(text: str, where: str) -> set[str]:
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(
            f"{where}: losse accolade in de tekst ({exc}). Schrijf een invulplek als "
            "{naam}, en een gewone accolade als {{ of }}."
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise TemplateError(
                f"{where}: ongeldige invulplek {{{name}{':' + spec if spec else ''}}}. "
                "Gebruik alleen een naam tussen accolades, zoals {adres}."
            )
        names.add(name)
    return names


def parse_file(path: Path, display: str) -> list[Block]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(
            f"{display}: het bestand is geen UTF-8-tekst. Sla het op als UTF-8."
        ) from None
    blocks: list[Block] = []
    key: str | None = None
    start = 0
    lines: list[str] = []

    def flush() -> None:
        if key is None:
            return
        keep_lines = key in LINE_BLOCKS
        paragraphs: list[str] = []
        current: list[str] = []
        for line in [*lines, ""]:
            if line.strip():
                current.append(line.strip())
            elif current:
                paragraphs.append(("\n" if keep_lines else " ").join(current))
                current = []
        where = f"{display}, regel {start}, blok [{key}]"
        if not paragraphs:
            raise TemplateError(f"{where}: het blok is leeg.")
        fields: set[str] = set()
        for paragraph in paragraphs:
            fields |= _fields_of(paragraph, where)
        blocks.append(Block(key, tuple(paragraphs), frozenset(fields), display, start))

    for number, line in enumerate(raw.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            flush()
            key, start, lines = stripped[1:-1].strip(), number, []
            continue
        if key is None:
            if stripped:
                raise TemplateError(
                    f"{display}, regel {number}: tekst voor het eerste blok. "
                    "Begin met een bloknaam tussen haken, zoals [onderwerp]."
                )
            continue
        lines.append(line)
    flush()
    return blocks


def load_templates_from(folder: Path) -> Templates:
    """Read and check every ``*.txt`` in ``folder``."""
    if not folder.is_dir():
        raise TemplateError(f"De map met brieftemplates ontbreekt: {folder}")
    found: dict[str, Block] = {}
    for path in sorted(folder.glob("*.txt")):
        display = f"{folder.name}/{path.name}"
        for block in parse_file(path, display):
            where = f"{block.file}, regel {block.line}, blok [{block.key}]"
            if block.key in found:
                other = found[block.key]
                raise TemplateError(
                    f"{where}: dit blok staat er al in {other.file} (regel {other.line})."
                )
            if block.key.startswith(GLOSSARY_PREFIX):
                allowed: frozenset[str] = frozenset()
                if ":" not in block.paragraphs[0]:
                    raise TemplateError(
                        f"{where}: zet het woord voor een dubbele punt, "
                        "bijvoorbeeld 'Opname: een deskundige komt …'."
                    )
            elif block.key in SCHEMA:
                allowed = SCHEMA[block.key] | GLOBAL_FIELDS
            else:
                raise TemplateError(
                    f"{where}: onbekend blok. Controleer de naam tussen de haken "
                    "(zie resources/letters/README.md)."
                )
            unknown = block.fields - allowed
            if unknown:
                raise TemplateError(
                    f"{where}: onbekende invulplek "
                    + ", ".join(f"{{{u}}}" for u in sorted(unknown))
                    + ". Toegestaan in dit blok: "
                    + ", ".join(f"{{{a}}}" for a in sorted(allowed))
                    + "."
                )
            found[block.key] = block
    missing = [k for k in SCHEMA if k not in found]
    if missing:
        shown = ", ".join(f"[{k}]" for k in missing[:5])
        more = f" en nog {len(missing) - 5}" if len(missing) > 5 else ""
        raise TemplateError(
            f"In de brieftemplates ({folder.name}/*.txt) ontbreken blokken: {shown}{more}."
        )
    return Templates(found)


@cache
def load_templates(language: str = "nl") -> Templates:
    """The shipped (or coordinator-adjusted) templates; read once per process."""
    return load_templates_from(resource("letters", language))
