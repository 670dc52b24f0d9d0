"""Plausible status histories for IMG damage cases and NCG strengthening cases.

Histories are built backwards from "now" (the reference date), so every date lies before it
and dates strictly ascend; the first date never falls before the organisation existed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from buddy_desk.core.phases import AdviceOutcome, ImgPhase, NcgStatus

REFERENCE_DATE = date(2026, 11, 26)
IMG_FIRST_DAY = date(2020, 7, 1)  # IMG took over damage handling on 1 July 2020
NCG_FIRST_DAY = date(2016, 1, 4)

# days between entering the previous phase and entering this one (min, max)
_IMG_GAPS: dict[ImgPhase, tuple[int, int]] = {
    ImgPhase.OPNAME: (14, 90),
    ImgPhase.ZIENSWIJZE: (20, 120),
    ImgPhase.BESCHIKKING: (14, 60),
    ImgPhase.UITVOERING: (5, 30),
    ImgPhase.AFGEROND: (14, 120),
}
_NCG_GAPS: dict[NcgStatus, tuple[int, int]] = {
    NcgStatus.S2_1: (60, 540),
    NcgStatus.S3_1: (60, 300),
    NcgStatus.S4_1: (60, 400),
    NcgStatus.S4_2: (60, 300),
    NcgStatus.S5_1: (60, 300),
    NcgStatus.S5_2: (30, 180),
    NcgStatus.S6: (90, 540),
}


# ``ImgPhase.order`` / ``NcgStatus.order`` list the enum on every call; precompute the paths.
_IMG_PATHS = {phase: tuple(ImgPhase)[: i + 1] for i, phase in enumerate(ImgPhase)}
_NCG_PATHS = {status: tuple(NcgStatus)[: i + 1] for i, status in enumerate(NcgStatus)}


@dataclass(frozen=True, slots=True)
class History:
    codes: tuple[str, ...]
    dates: tuple[date, ...]

    @property
    def start(self) -> date:
        return self.dates[0]

    @property
    def current(self) -> date:
        return self.dates[-1]

    def date_of(self, code: str) -> date | None:
        for c, d in zip(self.codes, self.dates, strict=True):
            if c == code:
                return d
        return None


def _backwards(
    rng: random.Random,
    gaps: list[tuple[int, int]],
    end_days_ago: tuple[int, int],
    first_day: date,
    latest_end: date,
) -> tuple[date, ...]:
    """Dates for len(gaps)+1 steps ending ``end_days_ago`` before ``latest_end``."""
    steps = [lo + int(rng.random() * (hi - lo + 1)) for lo, hi in gaps]
    room = (latest_end - first_day).days
    lo, hi = end_days_ago
    if sum(steps) + lo > room:  # an old history would start too early: compress it
        factor = max(room - lo, len(steps)) / max(sum(steps), 1)
        steps = [max(1, int(s * factor)) for s in steps]
    hi = max(lo, min(hi, room - sum(steps)))
    end = latest_end - timedelta(days=lo + int(rng.random() * (hi - lo + 1)))
    dates = [end]
    for step in reversed(steps):
        dates.append(dates[-1] - timedelta(days=step))
    return tuple(reversed(dates))


def img_history(rng: random.Random, phase: ImgPhase, *, before: date = REFERENCE_DATE) -> History:
    """An IMG case now in ``phase``; ``before`` bounds the last date (for earlier cases)."""
    codes = _IMG_PATHS[phase]
    window = (20, 1500) if phase is ImgPhase.AFGEROND else (2, 200)
    dates = _backwards(rng, [_IMG_GAPS[p] for p in codes[1:]], window, IMG_FIRST_DAY, before)
    return History(tuple(p.value for p in codes), dates)


def ncg_history(rng: random.Random, status: NcgStatus, advies: AdviceOutcome | None) -> History:
    codes: tuple[NcgStatus, ...]
    if status is NcgStatus.S6 and advies is AdviceOutcome.MEETS_NORM:
        codes = (NcgStatus.S1_2, NcgStatus.S2_1, NcgStatus.S3_1, NcgStatus.S6)
        gaps = [_NCG_GAPS[c] for c in codes[1:3]] + [(30, 200)]
    else:
        codes = _NCG_PATHS[status]
        gaps = [_NCG_GAPS[c] for c in codes[1:]]
    window = (30, 1500) if status is NcgStatus.S1_2 else (10, 720)
    if status is NcgStatus.S6:
        window = (20, 1800)
    dates = _backwards(rng, gaps, window, NCG_FIRST_DAY, REFERENCE_DATE)
    return History(tuple(c.value for c in codes), dates)


def damage_amount(rng: random.Random, constructive: bool) -> Decimal:
    """A schadebedrag in euros: mostly a few thousand, a long tail, constructive far higher."""
    value = rng.lognormvariate(8.3, 0.85) * (3.5 if constructive else 1.0)
    return Decimal(min(round(value / 5) * 5, 185_000)).quantize(Decimal("0.01"))
