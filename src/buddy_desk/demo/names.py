"""Synthetic Dutch-looking people: combined first and last names, never real persons.

Names are drawn independently from common Dutch (and typically Groningen) first names and
surnames, so any combination is a coincidence, not a record. Contact details use reserved
example domains (RFC 2606) and made-up numbers.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass

FIRST_NAMES_F = (
    "Anna", "Anneke", "Astrid", "Bea", "Berber", "Bettie", "Carla", "Daphne", "Denise",
    "Dineke", "Eline", "Els", "Emma", "Fenna", "Froukje", "Geesje", "Gerda", "Grietje",
    "Hanneke", "Harmke", "Hilda", "Ilse", "Ineke", "Jantina", "Janneke", "Jolanda", "Karin",
    "Kim", "Lieke", "Linda", "Lisa", "Maaike", "Marieke", "Marijke", "Mirjam", "Nienke",
    "Petra", "Renske", "Roelie", "Sanne", "Sietske", "Sophie", "Tineke", "Trijntje", "Wilma",
    "Yvonne",
)  # fmt: skip
FIRST_NAMES_M = (
    "Albert", "Arjen", "Bart", "Bram", "Dirk", "Egbert", "Eise", "Erik", "Freek", "Geert",
    "Gerrit", "Hendrik", "Harm", "Henk", "Jacob", "Jan", "Jelle", "Johan", "Jurjen", "Klaas",
    "Koen", "Lammert", "Luuk", "Marten", "Menno", "Niek", "Pieter", "Reinder", "Remco",
    "Roelf", "Rutger", "Sander", "Siebe", "Stefan", "Sjoerd", "Thijs", "Tjeerd", "Willem",
    "Wouter", "Wubbo",
)  # fmt: skip
# (tussenvoegsel, achternaam)
SURNAMES: tuple[tuple[str | None, str], ...] = (
    (None, "Bakker"), (None, "Visser"), (None, "Smit"), (None, "Meijer"), (None, "Mulder"),
    (None, "Bos"), (None, "Dijkstra"), (None, "Huizinga"), (None, "Hofstede"),
    (None, "Wiersma"), (None, "Kuipers"), (None, "Zijlstra"), (None, "Boerema"), (None, "Pot"),
    (None, "Oosting"), (None, "Veenstra"), (None, "Hoekstra"), (None, "Brouwer"),
    (None, "Bolhuis"), (None, "Dekker"), (None, "Reinders"), (None, "Schuiling"),
    (None, "Hazenberg"), (None, "Kremer"), (None, "Venema"), (None, "Wolters"),
    (None, "Hoiting"), (None, "Nienhuis"), (None, "Koops"), (None, "Post"), (None, "Kloosterman"),
    (None, "Medema"), (None, "Stuut"), (None, "Tammeling"), (None, "Ubbens"), (None, "Wigboldus"),
    (None, "Zuidema"), (None, "Bronsema"), (None, "Dijkhuis"), (None, "Eising"), (None, "Feenstra"),
    (None, "Groenewold"), (None, "Hiemstra"), (None, "Jonker"), (None, "Kamminga"),
    (None, "Lubbers"), (None, "Mellema"), (None, "Oldenburger"), (None, "Pronk"),
    (None, "Ritsema"), (None, "Sikkema"), (None, "Timmer"), (None, "Vos"), (None, "Westerhof"),
    (None, "Bosma"), (None, "Drenth"), (None, "Haaksma"), (None, "Knol"), (None, "Luinge"),
    (None, "Tiddens"),
    ("de", "Vries"), ("de", "Jong"), ("de", "Boer"), ("de", "Groot"), ("de", "Haan"),
    ("de", "Wit"), ("de", "Graaf"), ("de", "Wolf"), ("van", "Dijk"), ("van", "Dam"),
    ("van", "Wijk"), ("van", "Os"), ("van der", "Veen"), ("van der", "Meer"),
    ("van der", "Laan"), ("van der", "Ploeg"), ("van den", "Berg"), ("van den", "Bosch"),
    ("ter", "Horst"), ("ter", "Veld"), ("van 't", "Hof"), ("in 't", "Veld"), ("van", "Zanten"),
    ("van der", "Zee"), ("de", "Roos"),
)  # fmt: skip

EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
# Groningen area codes: city, Appingedam/Delfzijl, Uithuizen/Warffum, Hoogezand/Veendam,
# Winschoten, Zuidhorn/Leek, Stadskanaal.
AREA_CODES = ("050", "0596", "0595", "0598", "0597", "0594", "0599")


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    voornaam: str
    voorletters: str
    tussenvoegsel: str | None
    achternaam: str
    aanhef: str | None  # "de heer" | "mevrouw" | None (unknown: letters say "Geachte bewoner")
    telefoon: str | None
    email: str | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.voornaam, self.tussenvoegsel, self.achternaam) if p)


@functools.cache
def ascii_slug(text: str) -> str:
    """'van 't Hof' → 'vanthof' (for usernames and e-mail addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def mobile_number(rng: random.Random) -> str:
    return f"06-{rng.randint(10_000_000, 69_999_999)}"


def landline_number(rng: random.Random) -> str:
    code = rng.choice(AREA_CODES)
    digits = 10 - len(code)
    return f"{code}-{rng.randint(2 * 10 ** (digits - 1), 10**digits - 1)}"


def _initials(rng: random.Random, first: str, pool: tuple[str, ...]) -> str:
    letters = [first[0]]
    if rng.random() < 0.35:
        letters.append(rng.choice(pool)[0])
    return "".join(f"{ch}." for ch in letters)


def make_person(
    rng: random.Random, *, surname: tuple[str | None, str] | None = None
) -> SyntheticPerson:
    female = rng.random() < 0.5
    pool = FIRST_NAMES_F if female else FIRST_NAMES_M
    first = rng.choice(pool)
    tv, last = surname if surname is not None else rng.choice(SURNAMES)
    roll = rng.random()
    phone = mobile_number(rng) if roll < 0.7 else landline_number(rng) if roll < 0.95 else None
    email = None
    if rng.random() < 0.8:
        local = f"{ascii_slug(first)}.{ascii_slug((tv or '') + last)}"
        if rng.random() < 0.5:
            local += str(rng.randint(1, 99))
        email = f"{local}@{rng.choice(EXAMPLE_DOMAINS)}"
    aanhef = None if rng.random() < 0.05 else ("mevrouw" if female else "de heer")
    return SyntheticPerson(first, _initials(rng, first, pool), tv, last, aanhef, phone, email)
