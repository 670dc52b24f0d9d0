"""Synthetic Groningen addresses: real municipalities and towns, made-up streets.

Postcodes follow the real four-digit areas of each town (so a Groninger recognises them) with
letter pairs handed out in order, never SA/SD/SS and, as PostNL does, without F, I, O, Q, U, Y.
Every address passes ``domain.address`` validation; ``match_key`` comes from ``AddressKey``.
Most weight lies in the earthquake area (Groningen, Eemsdelta, Het Hogeland, Midden-Groningen).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from buddy_desk.core.address import AddressKey, normalise_postcode


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    gemeente: str
    gemeentecode: str  # CBS code, used in synthetic BAG ids
    postcode_areas: tuple[int, ...]
    weight: float


def _towns(gemeente: str, code: str, *towns: tuple[str, tuple[int, ...], float]) -> list[Town]:
    return [Town(name, gemeente, code, areas, weight) for name, areas, weight in towns]


TOWNS: tuple[Town, ...] = tuple(
    _towns(
        "Groningen", "0014",
        ("Groningen", (9711, 9712, 9713, 9714, 9715, 9716, 9717, 9718, 9721, 9722, 9723,
                       9724, 9725, 9726, 9727, 9728, 9731, 9732, 9733, 9734, 9735, 9736,
                       9737, 9738, 9741, 9742, 9743, 9744, 9745, 9746, 9747), 13.0),
        ("Haren", (9750, 9751, 9752), 1.5),
        ("Ten Boer", (9791,), 2.0),
        ("Ten Post", (9792,), 0.8),
        ("Thesinge", (9797,), 0.4),
        ("Woltersum", (9795,), 0.4),
        ("Garmerwolde", (9798,), 0.4),
    )
    + _towns(
        "Eemsdelta", "1979",
        ("Delfzijl", (9932, 9933, 9934, 9935), 5.5),
        ("Appingedam", (9901, 9902, 9903), 4.0),
        ("Loppersum", (9919,), 2.0),
        ("Farmsum", (9936,), 1.0),
        ("'t Zandt", (9915,), 0.8),
        ("Stedum", (9921,), 0.8),
        ("Garrelsweer", (9923,), 0.5),
        ("Westeremden", (9922,), 0.4),
        ("Zeerijp", (9914,), 0.4),
        ("Wirdum", (9917,), 0.4),
        ("Wagenborgen", (9945,), 0.8),
        ("Woldendorp", (9946,), 0.4),
        ("Termunten", (9948,), 0.3),
    )
    + _towns(
        "Het Hogeland", "1966",
        ("Uithuizen", (9981,), 2.5),
        ("Uithuizermeeden", (9982,), 2.0),
        ("Middelstum", (9991,), 1.5),
        ("Bedum", (9781,), 2.0),
        ("Winsum", (9951,), 1.5),
        ("Warffum", (9989,), 1.0),
        ("Usquert", (9988,), 0.8),
        ("Roodeschool", (9983,), 0.6),
        ("Kantens", (9994,), 0.5),
        ("Zandeweer", (9997,), 0.4),
        ("Onderdendam", (9959,), 0.4),
        ("Baflo", (9953,), 0.6),
        ("Leens", (9965,), 0.6),
        ("Zoutkamp", (9974,), 0.5),
    )
    + _towns(
        "Midden-Groningen", "1952",
        ("Hoogezand", (9601, 9602, 9603), 3.0),
        ("Sappemeer", (9611,), 1.5),
        ("Slochteren", (9621,), 1.0),
        ("Siddeburen", (9628,), 1.0),
        ("Harkstede", (9614,), 0.8),
        ("Kolham", (9615,), 0.4),
        ("Schildwolde", (9624,), 0.6),
        ("Zuidbroek", (9636,), 0.8),
        ("Noordbroek", (9635,), 0.5),
        ("Muntendam", (9649,), 0.8),
        ("Foxhol", (9607,), 0.5),
    )
    + _towns(
        "Oldambt", "1895",
        ("Winschoten", (9671, 9672, 9673, 9675), 1.2),
        ("Scheemda", (9679,), 0.6),
        ("Midwolda", (9681,), 0.4),
        ("Nieuwolda", (9943,), 0.4),
        ("Finsterwolde", (9684,), 0.3),
        ("Bad Nieuweschans", (9693,), 0.2),
    )
    + _towns(
        "Westerkwartier", "1969",
        ("Zuidhorn", (9801, 9802), 0.6),
        ("Aduard", (9831,), 0.3),
        ("Leek", (9351,), 0.4),
        ("Grootegast", (9861,), 0.2),
    )
    + _towns("Pekela", "0765", ("Oude Pekela", (9665,), 0.3), ("Nieuwe Pekela", (9663,), 0.3))
    + _towns("Veendam", "0047", ("Veendam", (9641, 9642, 9643, 9644), 0.8),
             ("Wildervank", (9648,), 0.4))
    + _towns("Stadskanaal", "0037", ("Stadskanaal", (9501, 9502, 9503), 0.3),
             ("Musselkanaal", (9581,), 0.1))
)  # fmt: skip

COMMON_STREETS = (
    "Hoofdstraat", "Hoofdweg", "Dorpsstraat", "Kerkstraat", "Stationsweg", "Schoolstraat",
    "Molenweg", "Kerkpad", "Zuiderstraat", "Noorderstraat", "Oosterweg", "Westerweg",
    "Burgemeester Smitstraat", "Kanaalweg", "Havenstraat", "Torenstraat", "Wilhelminalaan",
    "Julianastraat", "Beatrixlaan", "Oranjestraat", "Prinses Margrietstraat",
)  # fmt: skip
STREET_STEMS = (
    "Eiken", "Beuken", "Linden", "Wilgen", "Essen", "Berken", "Meidoorn", "Vlier", "Hazelaar",
    "Kievit", "Grutto", "Scholekster", "Leeuwerik", "Reiger", "Zwaluw", "Merel", "Lijster",
    "Wierde", "Maar", "Til", "Zijl", "Borg", "Klooster", "Dijk", "Polder", "Meeden", "Akker",
    "Esch", "Kwelder", "Wad", "Klei", "Veen", "Hunze", "Fivel", "Damster", "Eems", "Boeren",
    "Boterdiep", "Mieden", "Kromme", "Lange", "Korte", "Brede", "Hooge", "Lage", "Nieuwe",
    "Oude", "Groene", "Zonne", "Rozen", "Tulpen", "Klaver", "Koren", "Vlas", "Haver", "Gerst",
    "Schapen", "Paarden", "Molen", "Smids", "Bakkers", "Schippers", "Visser", "Jaagpad",
)  # fmt: skip
STREET_SUFFIXES = (
    "straat", "weg", "laan", "pad", "dijk", "plein", "singel", "kade", "hof", "dreef",
    "wierde", "akker", "hoek", "gaarde", "streek",
)  # fmt: skip
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_LETTER_PAIRS = tuple(
    a + b for a, b in itertools.product(_LETTERS, repeat=2) if a + b not in {"SA", "SD", "SS"}
)


@dataclass(frozen=True, slots=True)
class SyntheticAddress:
    town: Town
    straat: str
    key: AddressKey


@dataclass
class _TownStreets:
    """Hands out unique addresses in one town, street by street."""

    town: Town
    used_streets: set[str] = field(default_factory=set)
    postcodes: Iterator[str] | None = None
    street: str = ""
    number: int = 0
    left_in_street: int = 0
    postcode: str = ""
    left_in_postcode: int = 0
    # past ten times the real scale a town runs out of postcodes; each new round through
    # them numbers its houses a thousand higher, so every address stays unique
    number_base: int = 0

    def _postcode_iter(self) -> Iterator[str]:
        for round_ in itertools.count():
            self.number_base = 1000 * round_
            for letters in _LETTER_PAIRS:
                for area in self.town.postcode_areas:
                    yield normalise_postcode(f"{area}{letters}")

    def _new_street(self, rng: random.Random) -> None:
        for _ in range(200):
            if rng.random() < 0.25:
                name = rng.choice(COMMON_STREETS)
            else:
                name = rng.choice(STREET_STEMS) + rng.choice(STREET_SUFFIXES)
            if name not in self.used_streets:
                break
        else:  # pragma: no cover - the name space is far larger than any town needs
            name = (
                f"{rng.choice(STREET_STEMS)}{rng.choice(STREET_SUFFIXES)} {len(self.used_streets)}"
            )
        self.used_streets.add(name)
        self.street = name
        self.number = 0
        self.left_in_street = rng.randint(8, 90)
        self.left_in_postcode = 0

    def next(self, rng: random.Random) -> SyntheticAddress:
        if self.left_in_street <= 0:
            self._new_street(rng)
        if self.left_in_postcode <= 0:
            if self.postcodes is None:
                self.postcodes = self._postcode_iter()
            self.postcode = next(self.postcodes)
            self.left_in_postcode = rng.randint(10, 26)
        self.left_in_street -= 1
        self.left_in_postcode -= 1
        self.number += rng.choice((1, 1, 1, 2, 2, 3))
        letter: str | None = None
        toevoeging: str | None = None
        roll = rng.random()
        if roll < 0.07:
            letter = rng.choice("ABC")
        elif roll < 0.11:
            toevoeging = rng.choice(("1", "2", "3", "A", "BS"))
        key = AddressKey(self.postcode, self.number_base + self.number, letter, toevoeging)
        if letter or toevoeging:
            # keep the plain number free for a later draw: bump past this one
            self.number += 1
        return SyntheticAddress(self.town, self.street, key)


class AddressBook:
    """Draws towns by weight and unique, valid addresses within them."""

    def __init__(self) -> None:
        self._streets = {town.name: _TownStreets(town) for town in TOWNS}
        self._cum = list(itertools.accumulate(t.weight for t in TOWNS))

    def draw_town(self, rng: random.Random) -> Town:
        return rng.choices(TOWNS, cum_weights=self._cum)[0]

    def next_address(self, rng: random.Random, town: Town) -> SyntheticAddress:
        return self._streets[town.name].next(rng)
