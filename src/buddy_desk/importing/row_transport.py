"""Export rows packed for the trip from the reader process (``importing.parallel``).

Unpickling a hundred thousand tuples of strings costs about as much as parsing them. Packed
by column instead, with every text joined into one string that is split again in C, and
dates as day numbers, a chunk unpacks five times faster than it parses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import Any, NamedTuple

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.importing.exports import AddressPart, ExportKind, ImgRow, NcgRow

# how a field travels
TEXT = "text"
OPTIONAL_TEXT = "optional text"  # None travels as "" (the parser never keeps an empty one)
AMOUNT = "amount"  # Decimal as text
DAY = "day"  # date as its day number
PLAIN = "plain"  # int, bool or None: pickled as they are
_TEXTUAL = {TEXT, OPTIONAL_TEXT, AMOUNT}
# characters that cannot be in a cell of a sane file; one not in the chunk separates texts
_SEPARATORS = ("\x1f", "\x1e", "\ue000", "\U0010fffd")


class Packed(NamedTuple):
    rows: int
    separator: str | None  # None: no separator fitted, texts travel as lists
    texts: str | list[list[str]]
    plain: list[list[Any]]  # the non-text columns, in order


class _Layout(NamedTuple):
    fields: tuple[str, ...]  # per flattened field: TEXT, …, or an Enum class
    build: type[NcgRow] | type[ImgRow]


# flattened: line, key, the eight AddressPart fields, then the row's own fields
_ADDRESS = (TEXT, PLAIN, OPTIONAL_TEXT, OPTIONAL_TEXT, TEXT, TEXT, OPTIONAL_TEXT, TEXT)
_ENUMS: dict[str, type[Enum]] = {"ncg status": NcgStatus, "img phase": ImgPhase}
_LAYOUTS = {
    ExportKind.NCG: _Layout(
        (PLAIN, TEXT, *_ADDRESS, "ncg status", DAY, OPTIONAL_TEXT, OPTIONAL_TEXT, PLAIN, AMOUNT),
        NcgRow,
    ),
    ExportKind.IMG: _Layout(
        (PLAIN, TEXT, *_ADDRESS, "img phase", DAY, OPTIONAL_TEXT, PLAIN, AMOUNT, PLAIN, PLAIN),
        ImgRow,
    ),
}


def pack(kind: ExportKind, rows: Sequence[NcgRow] | Sequence[ImgRow]) -> Packed:
    fields = _LAYOUTS[kind].fields
    columns: list[Sequence[Any]] = (
        list(zip(*(_flatten(r) for r in rows), strict=True)) if rows else [()] * len(fields)
    )
    texts: list[list[str]] = []
    plain: list[list[Any]] = []
    for how, column in zip(fields, columns, strict=True):
        if how in (TEXT, OPTIONAL_TEXT):
            texts.append([v or "" for v in column])
        elif how == AMOUNT:
            texts.append(["" if v is None else str(v) for v in column])
        elif how in _ENUMS:
            texts.append([v.value for v in column])
        elif how == DAY:
            plain.append([None if v is None else v.toordinal() for v in column])
        else:
            plain.append(list(column))
    values = [v for column in texts for v in column]
    for separator in _SEPARATORS:
        joined = separator.join(values)
        if joined.count(separator) == max(0, len(values) - 1):
            return Packed(len(rows), separator, joined, plain)
    return Packed(len(rows), None, texts, plain)


def unpack(kind: ExportKind, packed: Packed) -> list[Any]:
    layout = _LAYOUTS[kind]
    n = packed.rows
    if n == 0:
        return []
    if packed.separator is None:
        assert isinstance(packed.texts, list)
        texts = iter(packed.texts)
    else:
        assert isinstance(packed.texts, str)
        values = packed.texts.split(packed.separator)
        texts = iter([values[i : i + n] for i in range(0, len(values), n)])
    plain = iter(packed.plain)
    columns: list[Any] = []
    for how in layout.fields:
        if how == TEXT:
            columns.append(next(texts))
        elif how == OPTIONAL_TEXT:
            columns.append([v or None for v in next(texts)])
        elif how == AMOUNT:
            columns.append([Decimal(v) if v else None for v in next(texts)])
        elif how in _ENUMS:
            columns.append(map(_members(_ENUMS[how]).__getitem__, next(texts)))
        elif how == DAY:
            columns.append(map(_DAYS.__getitem__, next(plain)))
        else:
            columns.append(next(plain))
    # tuple.__new__ bound to the class: what NamedTuple._make does, without its Python frame
    addresses = map(partial(tuple.__new__, AddressPart), zip(*columns[2:10], strict=True))
    build: Callable[[Any], Any] = partial(tuple.__new__, layout.build)
    return list(map(build, zip(columns[0], columns[1], addresses, *columns[10:], strict=True)))


def _flatten(row: NcgRow | ImgRow) -> tuple[Any, ...]:
    return (row[0], row[1], *row[2], *row[3:])


_MEMBERS: dict[type[Enum], dict[str, Enum]] = {}


def _members(enum: type[Enum]) -> dict[str, Enum]:
    found = _MEMBERS.get(enum)
    if found is None:
        found = _MEMBERS[enum] = {m.value: m for m in enum}
    return found


class _Days(dict[int | None, date | None]):
    def __missing__(self, ordinal: int | None) -> date | None:
        day = self[ordinal] = None if ordinal is None else date.fromordinal(ordinal)
        return day


_DAYS = _Days()
