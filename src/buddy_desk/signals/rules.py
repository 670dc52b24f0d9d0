"""Rules that turn a dossier's state into signals for the buddy pair (DOMAIN.md, "Signals").

Pure functions over plain data: ``evaluate(facts, today)`` lists the signals a dossier should
have. Each proposal carries a ``(rule, ref)`` pair — the rule and what it is about (a case, an
observation, a group) — and the service creates a proposal only if that pair does not exist
yet on the dossier, open or done. So evaluating twice never duplicates, and a closed signal
does not come back unless something new (another case, another observation) appears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from buddy_desk.choices.rules import NOT_DECIDED, DecidedChoices
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation

HIDDEN_DAMAGE_LIMIT = Decimal("2500.00")
"""NCG takes hidden damage found during construction along up to about this amount."""

INSPECTION_TO_COME = frozenset({ImgPhase.VOORBEREIDING, ImgPhase.OPNAME})
"""IMG phases where its inspection has not been done yet (NCG's sighting can speed it up)."""

DUE_DAYS_DEFAULT = 14
DUE_DAYS_SOON = 5


class SignalState(StrEnum):
    OPEN = "open"
    DONE = "done"


class ObservationKind(StrEnum):
    NCG_DAMAGE_SEEN = "ncg_damage_seen"  # NCG inspection saw non-constructive damage
    HIDDEN_DAMAGE = "hidden_damage"  # contractor found hidden damage during construction


class RequestKind(StrEnum):
    STATUS_EXCHANGE = "status_exchange"
    COUPLING_STAFF = "coupling_staff"
    SPEED_UP = "speed_up"
    OTHER = "other"


class Rule(StrEnum):
    DAMAGE_ON_STRENGTHENING_ADDRESS = "damage_on_strengthening_address"
    STRENGTHENING_ON_DAMAGE_ADDRESS = "strengthening_on_damage_address"
    AOS_INFORM_NCG = "aos_inform_ncg"
    CONSTRUCTIVE_INFORM_NCG = "constructive_inform_ncg"
    POINT_TO_IMG = "point_to_img"
    ACCELERATED_INSPECTION = "accelerated_inspection"
    HIDDEN_DAMAGE_NCG = "hidden_damage_ncg"
    HIDDEN_DAMAGE_IMG = "hidden_damage_img"
    JOINT_INSPECTION = "joint_inspection"
    INCLUDE_DAMAGE_REPAIR = "include_damage_repair"
    REPAIR_IN_PLAN = "repair_in_plan"
    NCG_FINISHED_INFORM_IMG = "ncg_finished_inform_img"
    INTERVENTION_TEAM = "intervention_team"


# The consent gate: whose case details a rule's texts carry (zaak and fase: IMG's case; ncg:
# NCG's status; bedrag: hidden damage NCG's contractor found). A viewer who may not see that
# organisation's *zaakgegevens* gets the text with the values masked (signals.service).
RULE_SOURCES: dict[Rule, frozenset[Organisation]] = {
    Rule.DAMAGE_ON_STRENGTHENING_ADDRESS: frozenset({Organisation.IMG, Organisation.NCG}),
    Rule.STRENGTHENING_ON_DAMAGE_ADDRESS: frozenset({Organisation.IMG, Organisation.NCG}),
    Rule.CONSTRUCTIVE_INFORM_NCG: frozenset({Organisation.IMG}),
    Rule.ACCELERATED_INSPECTION: frozenset({Organisation.IMG}),
    Rule.INCLUDE_DAMAGE_REPAIR: frozenset({Organisation.IMG}),
    Rule.HIDDEN_DAMAGE_NCG: frozenset({Organisation.NCG}),
    Rule.HIDDEN_DAMAGE_IMG: frozenset({Organisation.NCG}),
    Rule.NCG_FINISHED_INFORM_IMG: frozenset({Organisation.NCG}),  # ncg_zaak: NCG's case number
}
# every value a rule's text uses
TEXT_VALUES = ("zaak", "fase", "ncg", "ncg_zaak", "bedrag", "reden")


@dataclass(frozen=True, slots=True)
class NcgFact:
    identificatie: str
    status: NcgStatus
    startdatum: date | None


@dataclass(frozen=True, slots=True)
class ImgFact:
    identificatie: str
    phase: ImgPhase
    startdatum: date | None
    constructive_damage: bool = False


@dataclass(frozen=True, slots=True)
class ObservationFact:
    kind: ObservationKind
    ref: str
    bedrag: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DossierFacts:
    dossier_id: int
    ncg: NcgFact | None
    img_cases: tuple[ImgFact, ...] = ()
    flags: frozenset[FlagKind] = frozenset()
    observations: tuple[ObservationFact, ...] = ()
    img_supervisor_id: int | None = None
    ncg_supervisor_id: int | None = None
    choices: DecidedChoices = NOT_DECIDED  # what the resident decided (the choice log)
    joint_booked: bool = False  # a joint inspection is booked (or done)

    @property
    def in_ncg_work_stock(self) -> bool:
        """The address is in NCG's work stock (a strengthening case that is not finished)."""
        return self.ncg is not None and self.ncg.status.is_running

    @property
    def running_img(self) -> tuple[ImgFact, ...]:
        return tuple(c for c in self.img_cases if c.phase.is_running)

    @property
    def leading_img(self) -> ImgFact | None:
        """The case the dossier shows first: a running one, then the most recent."""
        if not self.img_cases:
            return None
        return max(self.img_cases, key=lambda c: (c.phase.is_running, c.startdatum or date.min))

    @property
    def group(self) -> CollaborationGroup | None:
        lead = self.leading_img
        return collaboration_group(
            self.ncg.status if self.ncg else None, lead.phase if lead else None
        )

    def owner(self, organisation: Organisation) -> int | None:
        if organisation is Organisation.IMG:
            return self.img_supervisor_id
        return self.ncg_supervisor_id


@dataclass(frozen=True, slots=True)
class Proposal:
    """A signal a rule asks for. ``title_key``/``detail_key`` are i18n keys, filled with
    ``values``; the service renders them when it creates the signal."""

    rule: Rule
    ref: str
    organisation: Organisation
    owner_id: int | None
    due: date
    title_key: str
    detail_key: str
    values: dict[str, str] = field(default_factory=dict)


def _proposal(
    facts: DossierFacts,
    rule: Rule,
    ref: str,
    organisation: Organisation,
    due: date,
    variant: str = "",
    **values: str,
) -> Proposal:
    """``variant``: a suffix of the detail key when one rule says different things."""
    return Proposal(
        rule,
        ref,
        organisation,
        facts.owner(organisation),
        due,
        f"signal.rule.{rule.value}.title",
        f"signal.rule.{rule.value}.detail{variant}",
        dict(values),
    )


def samenloop_check(facts: DossierFacts, today: date) -> list[Proposal]:
    """At the start of each process, check whether the other runs at this address.

    The one that started later gets the signal: a damage report on an address already in
    the strengthening file → IMG checks with NCG; an address entering the strengthening file
    while damage is being handled → NCG checks with IMG.
    """
    ncg = facts.ncg
    if ncg is None or not ncg.status.is_running:
        return []
    due = today + timedelta(days=DUE_DAYS_DEFAULT)
    found = []
    for case in facts.running_img:
        img_later = (
            case.startdatum is None or ncg.startdatum is None or (case.startdatum >= ncg.startdatum)
        )
        rule = (
            Rule.DAMAGE_ON_STRENGTHENING_ADDRESS
            if img_later
            else Rule.STRENGTHENING_ON_DAMAGE_ADDRESS
        )
        org = Organisation.IMG if img_later else Organisation.NCG
        found.append(
            _proposal(
                facts,
                rule,
                case.identificatie,
                org,
                due,
                zaak=case.identificatie,
                ncg=ncg.status.value,
                fase=case.phase.value,
            )
        )
    return found


def constructive_damage(facts: DossierFacts, today: date) -> list[Proposal]:
    """IMG found constructive damage → IMG informs NCG; NCG advises the municipality to put
    the address in its plan *only if the address is not yet in NCG's work stock* (seed 002).
    An acute unsafe situation (AOS) means acting at once to secure safety, due today; data is
    shared with the resident's consent (seeds 000 and 004).

    Only for a running damage case: for a settled one NCG was informed back then."""
    aos = FlagKind.AOS in facts.flags
    variant = "" if facts.in_ncg_work_stock else "_not_in_stock"
    found = []
    if aos:
        found.append(_proposal(facts, Rule.AOS_INFORM_NCG, "AOS", Organisation.IMG, today, variant))
    due = today if aos else today + timedelta(days=DUE_DAYS_SOON)
    for case in facts.running_img:
        if case.constructive_damage:
            found.append(
                _proposal(
                    facts,
                    Rule.CONSTRUCTIVE_INFORM_NCG,
                    case.identificatie,
                    Organisation.IMG,
                    due,
                    variant,
                    zaak=case.identificatie,
                )
            )
    return found


def ncg_saw_damage(facts: DossierFacts, today: date) -> list[Proposal]:
    """NCG saw non-constructive damage → point the resident to IMG; IMG inspects sooner."""
    seen = [o for o in facts.observations if o.kind is ObservationKind.NCG_DAMAGE_SEEN]
    if not seen:
        return []
    due = today + timedelta(days=DUE_DAYS_DEFAULT)
    early = [c for c in facts.running_img if c.phase in INSPECTION_TO_COME]
    if early:
        return [
            _proposal(
                facts,
                Rule.ACCELERATED_INSPECTION,
                c.identificatie,
                Organisation.IMG,
                today + timedelta(days=DUE_DAYS_SOON),
                zaak=c.identificatie,
            )
            for c in early
        ]
    if facts.running_img:
        # IMG is past its inspection: the sources do not say the running case covers damage
        # seen later, so NCG points the resident to IMG all the same
        lead = facts.running_img[0]
        return [
            _proposal(
                facts,
                Rule.POINT_TO_IMG,
                o.ref,
                Organisation.NCG,
                due,
                "_after_inspection",
                zaak=lead.identificatie,
                fase=lead.phase.value,
            )
            for o in seen
        ]
    return [_proposal(facts, Rule.POINT_TO_IMG, o.ref, Organisation.NCG, due) for o in seen]


def hidden_damage(facts: DossierFacts, today: date) -> list[Proposal]:
    """Hidden damage found during construction: NCG up to €2,500, above that IMG."""
    due = today + timedelta(days=DUE_DAYS_SOON)
    found = []
    for obs in facts.observations:
        if obs.kind is not ObservationKind.HIDDEN_DAMAGE:
            continue
        amount = (
            "onbekend"
            if obs.bedrag is None
            else f"€ {obs.bedrag:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        )
        if obs.bedrag is not None and obs.bedrag > HIDDEN_DAMAGE_LIMIT:
            found.append(
                _proposal(
                    facts, Rule.HIDDEN_DAMAGE_IMG, obs.ref, Organisation.IMG, due, bedrag=amount
                )
            )
        else:
            found.append(
                _proposal(
                    facts,
                    Rule.HIDDEN_DAMAGE_NCG,
                    obs.ref,
                    Organisation.NCG,
                    due,
                    bedrag=amount,
                )
            )
    return found


def group_opportunity(facts: DossierFacts, today: date) -> list[Proposal]:
    """Group B → propose a joint inspection; group E → propose including damage repair.

    Not once the resident has answered the question (the choice log) or a joint inspection
    is booked: nothing left to propose. The joint-inspection proposal goes to the resident's
    first contact when they chose one (else IMG)."""
    group = facts.group
    lead = facts.leading_img
    if group not in (CollaborationGroup.B, CollaborationGroup.E) or facts.ncg is None or not lead:
        return []
    ref = f"{group.value}:{lead.identificatie}"
    due = today + timedelta(days=DUE_DAYS_DEFAULT)
    if group is CollaborationGroup.B:
        if facts.choices.joint_inspection is not None or facts.joint_booked:
            return []
        org = facts.choices.first_contact or Organisation.IMG
        return [_proposal(facts, Rule.JOINT_INSPECTION, ref, org, due, zaak=lead.identificatie)]
    if facts.choices.repair_in_strengthening is not None:
        return []
    return [
        _proposal(
            facts, Rule.INCLUDE_DAMAGE_REPAIR, ref, Organisation.NCG, due, zaak=lead.identificatie
        )
    ]


PLAN_STATUSES = frozenset({NcgStatus.S4_1, NcgStatus.S4_2, NcgStatus.S5_1})
"""NCG makes and prepares the plan: damage repair can still be taken into it (seed 001:
"schadeherstel kan hierin meegenomen worden als de bewoner dit wenst")."""


def repair_in_plan(facts: DossierFacts, today: date) -> list[Proposal]:
    """The resident wants the damage repair in the strengthening → NCG takes it into the plan
    (and notes when the resident uses the damage payment for repair under NCG's direction)."""
    ncg = facts.ncg
    if ncg is None or ncg.status not in PLAN_STATUSES or not facts.choices.repair_in_strengthening:
        return []
    if facts.choices.rebuild:
        return []  # demolition and new build: nothing is strengthened
    variant = "_with_payment" if facts.choices.payment_for_repair else ""
    due = today + timedelta(days=DUE_DAYS_DEFAULT)
    ref = f"herstel:{ncg.identificatie}"
    return [_proposal(facts, Rule.REPAIR_IN_PLAN, ref, Organisation.NCG, due, variant)]


def ncg_finished(facts: DossierFacts, today: date) -> list[Proposal]:
    """NCG finished the strengthening (status 6) → IMG is informed (seed 001, "Afronding:
    dit wordt ook gecommuniceerd naar IMG"), on an address where IMG has a damage case."""
    ncg = facts.ncg
    if ncg is None or ncg.status is not NcgStatus.S6 or not facts.img_cases:
        return []
    due = today + timedelta(days=DUE_DAYS_DEFAULT)
    return [
        _proposal(
            facts,
            Rule.NCG_FINISHED_INFORM_IMG,
            ncg.identificatie,
            Organisation.IMG,
            due,
            ncg_zaak=ncg.identificatie,
        )
    ]


def answered(facts: DossierFacts) -> dict[Rule, tuple[str, dict[str, str]]]:
    """Open signals the resident's choices have answered: rule → (outcome i18n key, values).
    The service closes them with that outcome."""
    found: dict[Rule, tuple[str, dict[str, str]]] = {}
    joint = facts.choices.joint_inspection
    if joint is not None:
        found[Rule.JOINT_INSPECTION] = ("signal.answered.joint", {"keuze": joint.value})
    repair = facts.choices.repair_in_strengthening
    if repair is not None:
        found[Rule.INCLUDE_DAMAGE_REPAIR] = (
            "signal.answered.repair_yes" if repair else "signal.answered.repair_no",
            {},
        )
    return found


def intervention_team(facts: DossierFacts, today: date) -> list[Proposal]:
    """A distressing (schrijnend) or stuck (vastgelopen) dossier → the intervention team."""
    org = Organisation.IMG if facts.img_cases or facts.ncg is None else Organisation.NCG
    due = today + timedelta(days=DUE_DAYS_SOON)
    return [
        _proposal(facts, Rule.INTERVENTION_TEAM, kind.value, org, due, reden=kind.value)
        for kind in sorted(facts.flags)
        if kind.needs_intervention_team
    ]


RULES: tuple[Callable[[DossierFacts, date], list[Proposal]], ...] = (
    samenloop_check,
    constructive_damage,
    ncg_saw_damage,
    hidden_damage,
    group_opportunity,
    repair_in_plan,
    ncg_finished,
    intervention_team,
)


def evaluate(facts: DossierFacts, today: date) -> list[Proposal]:
    """Every signal the rules ask for on this dossier (the service drops existing ones)."""
    return [p for rule in RULES for p in rule(facts, today)]
