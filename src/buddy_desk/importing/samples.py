"""Synthetic NCG and IMG exports with the quirks of the real ones (for users, tests, benchmark).

The NCG file is what Dutch Excel writes: ``;``, Windows-1252, ``9712 AB`` with the huisletter
and toevoeging in their own columns, dates as ``5-3-2026``. The IMG file is what a case
system writes: ``,``, UTF-8 with BOM, ``9712ab``, the letter and toevoeging glued to the
number (``12a``, ``12-A``, ``12-1``, ``12A-2``, ``12 bis``), ISO dates and Dutch amounts.
The proportions follow the 2021 evaluation: of the NCG addresses ~66% have no damage report,
~29% only settled damage and ~5% a running damage case. All names are invented.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from buddy_desk.core.address import AddressKey
from buddy_desk.core.files import atomic_write, private_dir
from buddy_desk.core.phases import ImgPhase, NcgStatus

PLACES: tuple[tuple[str, str, str], ...] = (  # woonplaats, gemeente, postcode prefix
    ("Loppersum", "Eemsdelta", "99"),
    ("Appingedam", "Eemsdelta", "99"),
    ("Delfzijl", "Eemsdelta", "99"),
    ("Uithuizen", "Het Hogeland", "99"),
    ("Winsum", "Het Hogeland", "99"),
    ("Slochteren", "Midden-Groningen", "96"),
    ("Hoogezand", "Midden-Groningen", "96"),
    ("Ten Boer", "Groningen", "97"),
    ("Groningen", "Groningen", "97"),
    ("Winschoten", "Oldambt", "96"),
    ("Zuidhorn", "Westerkwartier", "98"),
)
STREETS = (
    "Hoofdstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsweg",
    "Dorpsstraat",
    "Wierde",
    "Oosterweg",
    "Zuiderdiep",
    "Meedenerweg",
    "Coëlhorsterweg",
    "Ripperdaweg",
    "Boterdiep",
    "Tilweg",
    "Borgweg",
    "Schoolstraat",
    "Badweg",
    "Oude Dijk",
    "Reitdiepskade",
)
FIRST = (
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Esther",
    "Fleur",
    "Gert",
    "Hilde",
    "Ivo",
    "Joke",
    "Kees",
    "Lotte",
    "Marco",
    "Nienke",
    "Olaf",
    "Petra",
    "Rutger",
    "Sanne",
    "Tjeerd",
    "Wiep",
)
LAST = (
    "Bakker",
    "de Boer",
    "Dijkstra",
    "Hoekstra",
    "Jansma",
    "Kuipers",
    "Mulder",
    "Nijboer",
    "Oosting",
    "Postma",
    "Smit",
    "Tuin",
    "Veenstra",
    "Wieringa",
    "Zuidema",
    "Hofstee",
)
BIJZONDER = ("Monument", "Agrarisch", "Bedrijfspand", "Gestapelde bouw", "Huurwoning")
NCG_WEIGHTS = {
    NcgStatus.S1_2: 30,
    NcgStatus.S2_1: 18,
    NcgStatus.S3_1: 16,
    NcgStatus.S4_1: 9,
    NcgStatus.S4_2: 7,
    NcgStatus.S5_1: 6,
    NcgStatus.S5_2: 6,
    NcgStatus.S6: 8,
}
RUNNING_IMG = (
    ImgPhase.VOORBEREIDING,
    ImgPhase.OPNAME,
    ImgPhase.ZIENSWIJZE,
    ImgPhase.BESCHIKKING,
    ImgPhase.UITVOERING,
)
REFERENCE_DATE = date(2026, 11, 26)

NCG_HEADER = (
    "Adres-ID",
    "Straat",
    "Huisnummer",
    "Huisletter",
    "Toevoeging",
    "Postcode",
    "Woonplaats",
    "Gemeente",
    "NCG status",
    "Statusdatum",
    "Bewonersbegeleider",
    "Bijzondere situatie",
)
IMG_HEADER = (
    "Zaaknummer",
    "Postcode",
    "Huisnummer",
    "Huisletter",
    "Toevoeging",
    "Straat",
    "Woonplaats",
    "Fase",
    "Melddatum",
    "Zaakbegeleider",
    "Urgent",
    "Schadebedrag",
)


@dataclass(frozen=True)
class SampleExports:
    ncg: bytes
    img: bytes
    ncg_rows: int
    img_rows: int


def _dutch_date(d: date, rng: random.Random) -> str:
    return f"{d.day}-{d.month}-{d.year}" if rng.random() < 0.5 else f"{d:%d-%m-%Y}"


def _dutch_amount(cents: int, rng: random.Random) -> str:
    euros, rest = divmod(cents, 100)
    text = f"{euros:,}".replace(",", ".") + f",{rest:02d}"
    return f"€ {text}" if rng.random() < 0.3 else text


def _csv(rows: list[tuple[str, ...]], delimiter: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def _glued(key: AddressKey, rng: random.Random) -> tuple[str, str, str]:
    """Huisnummer, Huisletter, Toevoeging as a case system might write them."""
    nr = str(key.huisnummer)
    letter = key.huisletter or ""
    toev = key.toevoeging or ""
    style = rng.random()
    if letter and toev:
        return (f"{nr}{letter.lower()}-{toev}", "", "") if style < 0.5 else (nr, letter, toev)
    if letter:
        if style < 0.3:
            return f"{nr}{letter.lower()}", "", ""
        if style < 0.6:
            return f"{nr}-{letter}", "", ""
        return f"{nr} {letter}", "", ""
    if toev:
        if style < 0.5:
            return f"{nr}-{toev}", "", ""
        return f"{nr} {toev.lower()}", "", ""
    return nr, "", ""


def generate_exports(
    ncg_rows: int = 26_800, img_rows: int = 45_000, seed: int = 2021
) -> SampleExports:
    rng = random.Random(seed)
    names_img = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(max(4, ncg_rows // 400))]
    names_ncg = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(max(4, ncg_rows // 400))]
    used: set[str] = set()

    def new_address() -> tuple[AddressKey, str, str, str]:
        while True:
            place, gemeente, prefix = rng.choice(PLACES)
            pc = f"{prefix}{rng.randint(0, 99):02d}{rng.choice('ABCEGHJKLMNPRTVWXZ')}" + (
                rng.choice("ABCEGHJKLMNPRTVWXZ")
            )
            r = rng.random()
            letter = rng.choice("ABC") if r < 0.08 else None
            toev = rng.choice(("1", "2", "BIS", "3")) if 0.08 <= r < 0.14 else None
            key = AddressKey(pc, rng.randint(1, 240), letter, toev)
            if key.match_key not in used:
                used.add(key.match_key)
                return key, rng.choice(STREETS), place, gemeente

    ncg_out: list[tuple[str, ...]] = [NCG_HEADER]
    img_out: list[tuple[str, ...]] = [IMG_HEADER]
    img_targets: list[tuple[AddressKey, str, str, bool]] = []  # key, street, place, running
    statuses = list(NCG_WEIGHTS)
    weights = list(NCG_WEIGHTS.values())
    for i in range(ncg_rows):
        key, street, place, gemeente = new_address()
        status = rng.choices(statuses, weights)[0]
        since = REFERENCE_DATE - timedelta(days=rng.randint(20, 1400))
        ncg_out.append(
            (
                f"NCG-{100000 + i}",
                street,
                str(key.huisnummer),
                key.huisletter or "",
                key.toevoeging or "",
                f"{key.postcode[:4]} {key.postcode[4:]}",
                place,
                gemeente,
                status.value,
                _dutch_date(since, rng),
                rng.choice(names_ncg),
                rng.choice(BIJZONDER) if rng.random() < 0.06 else "",
            )
        )
        r = rng.random()
        if r < 0.05:
            img_targets.append((key, street, place, True))
        elif r < 0.34:
            img_targets.append((key, street, place, False))
            if rng.random() < 0.3:  # an older settled case as well
                img_targets.append((key, street, place, False))
    while len(img_targets) < img_rows:
        key, street, place, _ = new_address()
        img_targets.append((key, street, place, rng.random() < 0.35))
        if rng.random() < 0.1:
            img_targets.append((key, street, place, False))
    for n, (key, street, place, running) in enumerate(img_targets[:img_rows]):
        phase = rng.choice(RUNNING_IMG) if running else ImgPhase.AFGEROND
        melddatum = REFERENCE_DATE - timedelta(days=rng.randint(10 if running else 200, 1800))
        nr, letter, toev = _glued(key, rng)
        pc = key.postcode.lower() if rng.random() < 0.5 else key.postcode
        amount = (
            _dutch_amount(rng.randint(20_000, 2_500_000), rng)
            if phase in (ImgPhase.BESCHIKKING, ImgPhase.UITVOERING, ImgPhase.AFGEROND)
            else ""
        )
        img_out.append(
            (
                f"IMG-{2019 + n % 7}-{200000 + n}",
                pc,
                nr,
                letter,
                toev,
                street,
                place,
                phase.value,
                melddatum.isoformat() if rng.random() < 0.5 else _dutch_date(melddatum, rng),
                rng.choice(names_img),
                "ja" if rng.random() < 0.03 else "nee",
                amount,
            )
        )
    return SampleExports(
        ncg=_csv(ncg_out, ";").encode("cp1252"),
        img=b"\xef\xbb\xbf" + _csv(img_out, ",").encode("utf-8"),
        ncg_rows=ncg_rows,
        img_rows=len(img_out) - 1,
    )


def write_exports(out_dir: Path, ncg_rows: int, img_rows: int, seed: int) -> tuple[Path, Path]:
    exports = generate_exports(ncg_rows, img_rows, seed)
    private_dir(out_dir)
    ncg = out_dir / "ncg-adressen.csv"
    img = out_dir / "img-zaken.csv"
    atomic_write(ncg, exports.ncg)
    atomic_write(img, exports.img)
    return ncg, img
