"""Decide, before writing anything, what every demo dossier is: category, phases, flags, pair.

Planning first lets the generator guarantee minimum counts (every group A–F, every flag kind,
a few combination dossiers without a buddy pair) at any scale before rows are produced.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import StrEnum

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import AdviceOutcome, FlagKind, ImgPhase, NcgStatus
from buddy_desk.demo.context import BuddyPair
from buddy_desk.demo.places import TOWNS, AddressBook, Town

# The NCG address file, August 2021 (evaluation): 26,800 addresses.
NCG_ADDRESSES = 26_800
COMBINATION = 1_400  # running at both
SETTLED_DAMAGE = 7_700  # damage report settled at IMG
IMG_ONLY = 4_200  # damage-only IMG dossiers outside the NCG file
IMG_SUPERVISORS = 150
NCG_SUPERVISORS = 120

MIN_PER_GROUP = 3
MIN_COMBINATION = 6 * MIN_PER_GROUP + 6
MIN_PER_FLAG = {
    FlagKind.AOS: 2,
    FlagKind.URGENT: 3,
    FlagKind.BIJZONDERE_SITUATIE: 3,
    FlagKind.SCHRIJNEND: 2,
    FlagKind.VASTGELOPEN: 2,
}

GROUP_WEIGHTS = {
    CollaborationGroup.A: 10,
    CollaborationGroup.B: 6,
    CollaborationGroup.C: 10,
    CollaborationGroup.D: 28,
    CollaborationGroup.E: 31,
    CollaborationGroup.F: 15,
}
_RUNNING_IMG = (
    ImgPhase.VOORBEREIDING,
    ImgPhase.OPNAME,
    ImgPhase.ZIENSWIJZE,
    ImgPhase.BESCHIKKING,
    ImgPhase.UITVOERING,
)
_RUNNING_IMG_WEIGHTS = (30, 25, 15, 15, 15)
# NCG status of addresses that are not running at IMG
_NCG_STATUS_WEIGHTS = {
    NcgStatus.S1_2: 17,
    NcgStatus.S2_1: 13,
    NcgStatus.S3_1: 20,
    NcgStatus.S4_1: 10,
    NcgStatus.S4_2: 8,
    NcgStatus.S5_1: 6,
    NcgStatus.S5_2: 7,
    NcgStatus.S6: 19,
}


_BEFORE_ADVICE = frozenset({NcgStatus.S1_2, NcgStatus.S2_1, NcgStatus.S3_1})
_NO_FLAGS: frozenset[FlagKind] = frozenset()


class Category(StrEnum):
    COMBINATION = "combination"
    SETTLED = "settled"
    NCG_ONLY = "ncg_only"
    IMG_ONLY = "img_only"


@dataclass(slots=True)
class DossierPlan:
    id: int
    category: Category
    town: Town
    ncg_status: NcgStatus | None
    img_phase: ImgPhase | None  # the leading IMG case
    earlier_img_cases: int  # settled IMG cases before the leading one
    advies: AdviceOutcome | None
    group: CollaborationGroup | None
    # one shared empty set for the many dossiers without a flag (an empty set per plan was
    # a fifth of the plan's memory: ~70 MB at scale 10)
    flags: frozenset[FlagKind] = _NO_FLAGS
    img_supervisor_id: int | None = None
    ncg_supervisor_id: int | None = None

    @property
    def img_running(self) -> bool:
        return self.img_phase is not None and self.img_phase.is_running

    @property
    def ncg_running(self) -> bool:
        return self.ncg_status is not None and self.ncg_status.is_running


@dataclass(frozen=True)
class SupervisorPlan:
    img_ids: tuple[int, ...]
    ncg_ids: tuple[int, ...]
    pairs_by_gemeente: dict[str, tuple[BuddyPair, ...]]
    all_pairs: tuple[BuddyPair, ...]


@dataclass(frozen=True)
class Counts:
    combination: int
    settled: int
    ncg_only: int
    img_only: int
    img_supervisors: int
    ncg_supervisors: int

    @classmethod
    def for_scale(cls, scale: float) -> Counts:
        combination = max(round(COMBINATION * scale), MIN_COMBINATION)
        settled = max(round(SETTLED_DAMAGE * scale), 1)
        ncg_only = max(round(NCG_ADDRESSES * scale) - combination - settled, 1)
        return cls(
            combination=combination,
            settled=settled,
            ncg_only=ncg_only,
            img_only=max(round(IMG_ONLY * scale), 2),
            img_supervisors=max(round(IMG_SUPERVISORS * scale), 6),
            ncg_supervisors=max(round(NCG_SUPERVISORS * scale), 5),
        )

    @property
    def dossiers(self) -> int:
        return self.combination + self.settled + self.ncg_only + self.img_only


def _advies(rng: random.Random, status: NcgStatus) -> AdviceOutcome | None:
    if status in _BEFORE_ADVICE:
        return None
    if status is NcgStatus.S6 and rng.random() < 0.4:
        return AdviceOutcome.MEETS_NORM
    return AdviceOutcome.DEMOLITION_NEW_BUILD if rng.random() < 0.14 else AdviceOutcome.MEASURES


def _combination_phases(
    rng: random.Random, group: CollaborationGroup
) -> tuple[NcgStatus, ImgPhase]:
    img = rng.choices(_RUNNING_IMG, _RUNNING_IMG_WEIGHTS)[0]
    match group:
        case CollaborationGroup.A:
            return NcgStatus.S1_2, img
        case CollaborationGroup.B:
            return NcgStatus.S2_1, rng.choice((ImgPhase.VOORBEREIDING, ImgPhase.OPNAME))
        case CollaborationGroup.C:
            return NcgStatus.S2_1, rng.choices(_RUNNING_IMG[2:], (4, 4, 2))[0]
        case CollaborationGroup.D:
            return NcgStatus.S3_1, img
        case CollaborationGroup.E:
            return rng.choice((NcgStatus.S4_1, NcgStatus.S4_2)), img
        case CollaborationGroup.F:
            return rng.choice((NcgStatus.S5_1, NcgStatus.S5_2)), img
    raise AssertionError(group)  # pragma: no cover


def _earlier_cases(rng: random.Random, share: float) -> int:
    if rng.random() >= share:
        return 0
    return 2 if rng.random() < 0.2 else 1


def plan_dossiers(rng: random.Random, counts: Counts, book: AddressBook) -> list[DossierPlan]:
    categories = (
        [Category.COMBINATION] * counts.combination
        + [Category.SETTLED] * counts.settled
        + [Category.NCG_ONLY] * counts.ncg_only
        + [Category.IMG_ONLY] * counts.img_only
    )
    rng.shuffle(categories)
    groups = [g for g in CollaborationGroup for _ in range(MIN_PER_GROUP)]
    groups += rng.choices(
        list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()), k=counts.combination - len(groups)
    )
    rng.shuffle(groups)
    ncg_statuses, ncg_weights = list(_NCG_STATUS_WEIGHTS), list(_NCG_STATUS_WEIGHTS.values())
    plans: list[DossierPlan] = []
    for index, category in enumerate(categories, start=1):
        town = book.draw_town(rng)
        ncg: NcgStatus | None = None
        img: ImgPhase | None = None
        group: CollaborationGroup | None = None
        earlier = 0
        if category is Category.COMBINATION:
            group = groups.pop()
            ncg, img = _combination_phases(rng, group)
            earlier = _earlier_cases(rng, 0.2)
        elif category is Category.SETTLED:
            ncg = rng.choices(ncg_statuses, ncg_weights)[0]
            img = ImgPhase.AFGEROND
            earlier = _earlier_cases(rng, 0.25)
        elif category is Category.NCG_ONLY:
            ncg = rng.choices(ncg_statuses, ncg_weights)[0]
        else:
            running = rng.random() < 0.55
            img = (
                rng.choices(_RUNNING_IMG, _RUNNING_IMG_WEIGHTS)[0] if running else ImgPhase.AFGEROND
            )
            earlier = _earlier_cases(rng, 0.15)
        advies = _advies(rng, ncg) if ncg is not None else None
        plans.append(DossierPlan(index, category, town, ncg, img, earlier, advies, group))
    _plan_flags(rng, plans)
    return plans


def _plan_flags(rng: random.Random, plans: list[DossierPlan]) -> None:
    for p in plans:
        combo = p.category is Category.COMBINATION
        if p.img_running:
            if rng.random() < 0.003:
                p.flags |= {FlagKind.AOS, FlagKind.URGENT}
            elif rng.random() < 0.04:
                p.flags |= {FlagKind.URGENT}
        if p.ncg_running and rng.random() < (0.06 if combo else 0.02):
            p.flags |= {FlagKind.BIJZONDERE_SITUATIE}
        if (combo or p.img_running or p.ncg_running) and rng.random() < (0.02 if combo else 0.002):
            p.flags |= {FlagKind.SCHRIJNEND}
        if (combo or p.img_running or p.ncg_running) and rng.random() < (0.03 if combo else 0.003):
            p.flags |= {FlagKind.VASTGELOPEN}
    combos = [p for p in plans if p.category is Category.COMBINATION]
    have = Counter(kind for p in plans for kind in p.flags)
    for kind, minimum in MIN_PER_FLAG.items():
        missing = minimum - have[kind]
        if missing > 0:
            for p in rng.sample([p for p in combos if kind not in p.flags], missing):
                p.flags |= {kind}
                if kind is FlagKind.AOS:
                    p.flags |= {FlagKind.URGENT}


def plan_supervisors(rng: random.Random, counts: Counts) -> SupervisorPlan:
    """Supervisor ids (IMG first) and stable buddy pairs, each pair serving one gemeente."""
    img_ids = tuple(range(1, counts.img_supervisors + 1))
    ncg_ids = tuple(
        range(counts.img_supervisors + 1, counts.img_supervisors + 1 + counts.ncg_supervisors)
    )
    shuffled_ncg = list(ncg_ids)
    rng.shuffle(shuffled_ncg)
    pairs = tuple(
        BuddyPair(img_id, shuffled_ncg[i % len(shuffled_ncg)]) for i, img_id in enumerate(img_ids)
    )
    weights: dict[str, float] = defaultdict(float)
    for town in TOWNS:
        weights[town.gemeente] += town.weight
    gemeenten = sorted(weights)
    by_gemeente: dict[str, list[BuddyPair]] = {g: [] for g in gemeenten}
    # every gemeente gets at least one pair, the rest by weight
    for i, pair in enumerate(pairs):
        g = (
            gemeenten[i]
            if i < len(gemeenten)
            else rng.choices(gemeenten, [weights[g] for g in gemeenten])[0]
        )
        by_gemeente[g].append(pair)
    return SupervisorPlan(
        img_ids, ncg_ids, {g: tuple(v) for g, v in by_gemeente.items() if v}, pairs
    )


def assign_supervisors(
    rng: random.Random, plans: list[DossierPlan], sups: SupervisorPlan
) -> set[int]:
    """Set the buddy pair / single supervisor per dossier; returns the deliberately unpaired."""
    combos = [p for p in plans if p.category is Category.COMBINATION]
    unpaired = {p.id for p in rng.sample(combos, max(2, round(len(combos) * 0.008)))}
    for p in plans:
        local = sups.pairs_by_gemeente.get(p.town.gemeente) or sups.all_pairs
        pair = rng.choice(local)
        if p.category is Category.COMBINATION:
            if p.id in unpaired:
                # not coupled yet: sometimes nobody, sometimes only NCG's bewonersbegeleider
                p.ncg_supervisor_id = pair.ncg_supervisor_id if p.id % 2 else None
                continue
            p.img_supervisor_id = pair.img_supervisor_id
            p.ncg_supervisor_id = pair.ncg_supervisor_id
            continue
        if p.img_running:
            p.img_supervisor_id = pair.img_supervisor_id
        if p.ncg_running and p.ncg_status is not NcgStatus.S1_2:
            p.ncg_supervisor_id = pair.ncg_supervisor_id
    return unpaired
