"""The resident's choices (*de keuze van de bewoner is leidend*): types, options, rules.

Pure: no database, no Qt. The choice log is an append-only list of ``ChoiceEntry`` per
dossier. A correction or a withdrawal is a new entry that points (``refers_to_seq``) at the
entry it changes. ``current_states`` folds the entries into the current state of every choice
with its history; ``consent_active`` answers the one question the consent gate asks.

Tamper evidence: every entry carries ``entry_hash`` = SHA-256 over a canonical JSON form of
its fields plus the previous entry's hash (``prev_hash``), so the entries of a dossier form a
chain. Timestamps enter the hash as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (microseconds, which
both SQLite and PostgreSQL store exactly), never in a database-specific text form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import ValidationError

GENESIS_HASH = "0" * 64
HASH_DOMAIN = "buddy-desk/choice-log/v1"
NOTE_MAX = 2000
FREE_TEXT_MAX = 500
FORM_REFERENCE_MAX = 100
PURPOSE_MAX = 200
CLOCK_SKEW = timedelta(minutes=5)


class ChoiceType(StrEnum):
    DATA_SHARING = "toestemming_gegevens"
    JOINT_INSPECTION = "gezamenlijke_opname"
    REPAIR_IN_STRENGTHENING = "herstel_in_versterking"
    PAYMENT_FOR_REPAIR = "vergoeding_voor_herstel"
    STRENGTHEN_OR_REBUILD = "versterken_of_nieuwbouw"
    JOINT_EVEN_IF_SLOWER = "samen_ook_als_trager"
    FIRST_CONTACT = "eerste_aanspreekpunt"
    FREE_TEXT = "vrije_keuze"


class EntryKind(StrEnum):
    RECORD = "vastgelegd"
    CORRECTION = "correctie"
    WITHDRAWAL = "intrekking"


class Channel(StrEnum):
    KITCHEN_TABLE = "keukentafel"
    PHONE = "telefoon"
    LETTER = "brief"
    FORM = "formulier"


class ConsentMethod(StrEnum):
    SIGNED_FORM = "getekend_formulier"
    VERBAL = "mondeling"


class Direction(StrEnum):
    """Who shares with whom: IMG→NCG lets NCG see IMG's case; NCG→IMG the other way."""

    IMG_TO_NCG = "IMG_NCG"
    NCG_TO_IMG = "NCG_IMG"

    @property
    def source(self) -> Organisation:
        return Organisation.IMG if self is Direction.IMG_TO_NCG else Organisation.NCG

    @property
    def recipient(self) -> Organisation:
        return self.source.other

    @classmethod
    def towards(cls, viewer: Organisation) -> Direction:
        """The direction that lets ``viewer`` see the other organisation's data."""
        return cls.NCG_TO_IMG if viewer is Organisation.IMG else cls.IMG_TO_NCG


class ConsentValue(StrEnum):
    REQUESTED = "aangevraagd"
    GIVEN = "gegeven"
    ASSESSED = "beoordeeld"  # the given consent was checked (GUO assessment form): still valid


ACTIVE_CONSENT = frozenset({ConsentValue.GIVEN.value, ConsentValue.ASSESSED.value})


class DocumentCategory(StrEnum):
    """What a data-sharing consent covers (GUO: which documents may be shared)."""

    CASE_DETAILS = "zaakgegevens"  # status, phase history, dates, contact person
    DAMAGE_REPORT = "schademelding"
    INSPECTION_REPORT = "opnamerapport"
    ASSESSMENT_REPORT = "schaderapport"  # IMG advice report with the amount
    DECISION = "besluit"  # the beschikking and the amount paid
    STRENGTHENING_ADVICE = "versterkingsadvies"
    BUILDING_PLAN = "bouwplan"  # planvorming / uitvoeringsplan


class JointInspection(StrEnum):
    NO = "geen"
    SIMULTANEOUS = "gelijktijdig"
    SEQUENTIAL = "na_elkaar"
    COMBINED = "gecombineerd"
    WITHIN_TWO_DAYS = "binnen_twee_dagen"  # the urgent pilot: at most two days apart

    @property
    def is_joint(self) -> bool:
        return self is not JointInspection.NO


YES, NO = "ja", "nee"

OPTIONS: dict[ChoiceType, tuple[str, ...]] = {
    ChoiceType.DATA_SHARING: tuple(v.value for v in ConsentValue),
    ChoiceType.JOINT_INSPECTION: tuple(v.value for v in JointInspection),
    ChoiceType.REPAIR_IN_STRENGTHENING: (YES, NO),
    ChoiceType.PAYMENT_FOR_REPAIR: (YES, NO),
    ChoiceType.STRENGTHEN_OR_REBUILD: ("versterken", "sloop_nieuwbouw"),
    ChoiceType.JOINT_EVEN_IF_SLOWER: (YES, NO),
    ChoiceType.FIRST_CONTACT: (Organisation.IMG.value, Organisation.NCG.value),
    ChoiceType.FREE_TEXT: (),
}

# The explanation text shown while recording has a version; an entry stores the version the
# resident was shown. Change a text in resources/i18n/*/choices.json → bump its version here.
EXPLANATION_VERSIONS: dict[ChoiceType, str] = {t: f"{t.value}/2026-11" for t in ChoiceType}
# Texts rewritten to say only what the sources say (no "niets terug te betalen"), and the
# joint inspection's text naming "binnen twee dagen"; a receipt of an older entry still
# prints the text that was explained then.
EXPLANATION_VERSIONS.update(
    {
        t: f"{t.value}/2026-12"
        for t in (
            ChoiceType.PAYMENT_FOR_REPAIR,
            ChoiceType.REPAIR_IN_STRENGTHENING,
            ChoiceType.STRENGTHEN_OR_REBUILD,
            ChoiceType.JOINT_INSPECTION,
        )
    }
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who records a choice or views a dossier (from the user profile)."""

    username: str
    display_name: str = ""
    organisation: Organisation | None = None
    role: str | None = None

    @property
    def signature(self) -> str:
        """How the log names the recorder: the name a resident recognises, and the username."""
        if self.display_name and self.display_name != self.username:
            return f"{self.display_name} ({self.username})"[:120]
        return self.username[:120]


@dataclass(frozen=True, slots=True)
class ChoiceEntry:
    """One line of a dossier's choice log, as stored (and hashed)."""

    dossier_id: int
    seq: int
    kind: EntryKind
    choice_type: ChoiceType
    value: str
    made_at: datetime
    recorded_at: datetime
    recorded_by: str
    recorded_by_org: str | None
    channel: Channel
    note: str | None = None
    form_reference: str | None = None
    explanation_version: str | None = None
    direction: Direction | None = None
    purpose: str | None = None
    categories: tuple[DocumentCategory, ...] = ()
    method: ConsentMethod | None = None
    only_if_no_delay: bool | None = None
    effective_from: datetime | None = None
    refers_to_seq: int | None = None
    prev_hash: str = GENESIS_HASH
    entry_hash: str = ""


def entry_from_row(row: Any) -> ChoiceEntry:
    """An entry from a stored row: the ORM's ``ChoiceLogEntry`` or a Core row of its table
    (categories are stored comma-separated)."""
    return ChoiceEntry(
        dossier_id=row.dossier_id,
        seq=row.seq,
        kind=row.kind,
        choice_type=row.choice_type,
        value=row.value,
        made_at=row.made_at,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        recorded_by_org=row.recorded_by_org,
        channel=row.channel,
        note=row.note,
        form_reference=row.form_reference,
        explanation_version=row.explanation_version,
        direction=row.direction,
        purpose=row.purpose,
        categories=tuple(DocumentCategory(c) for c in row.categories.split(","))
        if row.categories
        else (),
        method=row.method,
        only_if_no_delay=row.only_if_no_delay,
        effective_from=row.effective_from,
        refers_to_seq=row.refers_to_seq,
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
    )


def canonical_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime in the choice log")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_payload(entry: ChoiceEntry) -> bytes:
    """The exact bytes the hash covers: every field but the hash itself, in a fixed form."""
    data = {
        "dossier_id": entry.dossier_id,
        "seq": entry.seq,
        "kind": entry.kind.value,
        "choice_type": entry.choice_type.value,
        "value": entry.value,
        "made_at": canonical_time(entry.made_at),
        "recorded_at": canonical_time(entry.recorded_at),
        "recorded_by": entry.recorded_by,
        "recorded_by_org": entry.recorded_by_org,
        "channel": entry.channel.value,
        "note": entry.note,
        "form_reference": entry.form_reference,
        "explanation_version": entry.explanation_version,
        "direction": entry.direction.value if entry.direction else None,
        "purpose": entry.purpose,
        "categories": sorted(c.value for c in entry.categories),
        "method": entry.method.value if entry.method else None,
        "only_if_no_delay": entry.only_if_no_delay,
        "effective_from": canonical_time(entry.effective_from),
        "refers_to_seq": entry.refers_to_seq,
        "prev_hash": entry.prev_hash,
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{HASH_DOMAIN}\n{text}".encode()


def entry_hash(entry: ChoiceEntry) -> str:
    return hashlib.sha256(canonical_payload(entry)).hexdigest()


def seal(entry: ChoiceEntry, prev_hash: str) -> ChoiceEntry:
    """The entry with its chain link and hash filled in."""
    linked = replace(entry, prev_hash=prev_hash, entry_hash="")
    return replace(linked, entry_hash=entry_hash(linked))


@dataclass(frozen=True, slots=True)
class ChainProblem:
    dossier_id: int
    seq: int | None  # the entry where the chain breaks (None: the chain as a whole)
    reason: str  # Dutch, for the user


def verify_chain(
    dossier_id: int,
    entries: Sequence[ChoiceEntry],
    head: tuple[int, str] | None,
) -> list[ChainProblem]:
    """Check one dossier's chain (entries in stored order) against its head (last seq, hash).

    Detects a changed entry (hash mismatch), a removed or reordered entry (sequence gap or a
    broken link), and a removed last entry (the head, kept in its own table, points further).
    """
    problems: list[ChainProblem] = []
    prev = GENESIS_HASH
    for index, entry in enumerate(entries, start=1):
        if entry.seq != index:
            problems.append(
                ChainProblem(
                    dossier_id,
                    entry.seq,
                    f"volgnummer {entry.seq} staat op plaats {index}: "
                    "een regel is verwijderd of verplaatst",
                )
            )
            return problems
        if entry.prev_hash != prev:
            problems.append(
                ChainProblem(
                    dossier_id,
                    entry.seq,
                    "verwijst niet naar de vorige regel: regels zijn verwijderd of verwisseld",
                )
            )
            return problems
        if entry_hash(entry) != entry.entry_hash:
            problems.append(
                ChainProblem(dossier_id, entry.seq, "inhoud is gewijzigd na het vastleggen")
            )
            return problems
        prev = entry.entry_hash
    last = (entries[-1].seq, entries[-1].entry_hash) if entries else None
    if head is None and last is not None:
        problems.append(ChainProblem(dossier_id, None, "het kopregister van deze keten ontbreekt"))
    elif head is not None and last != head:
        problems.append(
            ChainProblem(
                dossier_id,
                head[0],
                f"de keten eindigt bij regel {last[0] if last else 0}, maar regel {head[0]} "
                "is vastgelegd: de laatste regel(s) zijn verwijderd of gewijzigd",
            )
        )
    return problems


# --- current state ---------------------------------------------------------------------------


class StateStatus(StrEnum):
    VALID = "geldig"
    WITHDRAWN = "ingetrokken"


@dataclass(frozen=True, slots=True)
class ChoiceKey:
    """What one 'current state' is about: the type, per direction for consent; each
    free-text choice is its own key (its first entry's number)."""

    choice_type: ChoiceType
    direction: Direction | None = None
    free_text_seq: int | None = None


@dataclass(frozen=True, slots=True)
class ChoiceState:
    """The current state of one choice, with every entry that shaped it (oldest first)."""

    key: ChoiceKey
    status: StateStatus
    current: ChoiceEntry  # the latest record as corrected (what is in force, unless withdrawn)
    record_seq: int  # the original record ``current`` descends from
    withdrawal: ChoiceEntry | None
    history: tuple[ChoiceEntry, ...] = field(default=())

    @property
    def choice_type(self) -> ChoiceType:
        return self.key.choice_type

    @property
    def value(self) -> str | None:
        return self.current.value if self.status is StateStatus.VALID else None

    @property
    def consent_active(self) -> bool:
        return (
            self.key.choice_type is ChoiceType.DATA_SHARING
            and self.status is StateStatus.VALID
            and self.current.value in ACTIVE_CONSENT
        )


def _key(entry: ChoiceEntry, record_seq: int) -> ChoiceKey:
    if entry.choice_type is ChoiceType.DATA_SHARING:
        return ChoiceKey(entry.choice_type, entry.direction)
    if entry.choice_type is ChoiceType.FREE_TEXT:
        return ChoiceKey(entry.choice_type, None, record_seq)
    return ChoiceKey(entry.choice_type)


def record_of(entries: Iterable[ChoiceEntry]) -> dict[int, int]:
    """Map every entry's seq to the original record it belongs to (corrections and
    withdrawals point at an entry; follow the pointers back to a record)."""
    root: dict[int, int] = {}
    for e in sorted(entries, key=lambda x: x.seq):
        if e.kind is EntryKind.RECORD or e.refers_to_seq is None:
            root[e.seq] = e.seq
        else:
            root[e.seq] = root.get(e.refers_to_seq, e.refers_to_seq)
    return root


def current_states(entries: Iterable[ChoiceEntry]) -> list[ChoiceState]:
    """Fold a dossier's log into the current state of each choice (ordered by type)."""
    ordered = sorted(entries, key=lambda x: x.seq)
    root = record_of(ordered)
    content: dict[int, ChoiceEntry] = {}  # record seq → latest corrected content
    withdrawn: dict[int, ChoiceEntry] = {}
    by_record: dict[int, list[ChoiceEntry]] = {}
    for e in ordered:
        r = root[e.seq]
        by_record.setdefault(r, []).append(e)
        if e.kind is EntryKind.WITHDRAWAL:
            withdrawn[r] = e
        elif r in content or e.kind is EntryKind.RECORD:
            content[r] = e
    latest: dict[ChoiceKey, int] = {}
    history: dict[ChoiceKey, list[ChoiceEntry]] = {}
    for r in sorted(content):
        key = _key(content[r], r)
        latest[key] = r
        history.setdefault(key, []).extend(by_record[r])
    states = [
        ChoiceState(
            key=key,
            status=StateStatus.WITHDRAWN if r in withdrawn else StateStatus.VALID,
            current=content[r],
            record_seq=r,
            withdrawal=withdrawn.get(r),
            history=tuple(sorted(history[key], key=lambda x: x.seq)),
        )
        for key, r in latest.items()
    ]
    type_order = list(ChoiceType)
    return sorted(
        states,
        key=lambda s: (
            type_order.index(s.key.choice_type),
            s.key.direction.value if s.key.direction else "",
            s.key.free_text_seq or 0,
        ),
    )


def consent_for(states: Iterable[ChoiceState], direction: Direction) -> ChoiceState | None:
    for s in states:
        if s.key == ChoiceKey(ChoiceType.DATA_SHARING, direction):
            return s
    return None


def consent_active(entries: Iterable[ChoiceEntry], direction: Direction) -> ChoiceState | None:
    """The data-sharing consent in force for ``direction``, or None (no consent: withhold)."""
    state = consent_for(current_states(entries), direction)
    return state if state is not None and state.consent_active else None


# --- disclosure: what a viewer may see of the other organisation -----------------------------
#
# The one rule every output applies (the dossier view and list, letters, exports, samenloop,
# signals, planning). Own organisation: everything. The other organisation: only the document
# categories a data-sharing consent *in force* in the direction other → viewer covers. Always
# (the signalling minimum, seed 000 §"signalerende functie"): that the other organisation has a
# process at this address and whether it still runs, and the buddy coupled to the dossier.
# A viewer without an organisation (no profile) is "other" to both organisations.

SOURCE_CATEGORIES: dict[Organisation, frozenset[DocumentCategory]] = {
    Organisation.IMG: frozenset(
        {
            DocumentCategory.CASE_DETAILS,
            DocumentCategory.DAMAGE_REPORT,
            DocumentCategory.INSPECTION_REPORT,
            DocumentCategory.ASSESSMENT_REPORT,
            DocumentCategory.DECISION,
        }
    ),
    Organisation.NCG: frozenset(
        {
            DocumentCategory.CASE_DETAILS,
            DocumentCategory.INSPECTION_REPORT,
            DocumentCategory.STRENGTHENING_ADVICE,
            DocumentCategory.BUILDING_PLAN,
        }
    ),
}


class WithholdReason(StrEnum):
    NO_PROFILE = "geen_profiel"  # no organisation known: both sides are withheld
    NO_CONSENT = "geen_toestemming"  # never given, or only requested
    WITHDRAWN = "ingetrokken"
    NOT_COVERED = "niet_in_toestemming"  # consent in force, but not for these categories
    NO_CASE_DETAILS = "zonder_zaakgegevens"  # consent in force, but not for the case itself


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What a viewer of organisation ``viewer`` may see of ``source``'s data in one dossier."""

    viewer: Organisation | None
    source: Organisation
    categories: frozenset[DocumentCategory]
    consent: ChoiceState | None = None  # the consent in force that allows it (other side only)
    reason: WithholdReason | None = None  # why (some) categories are withheld

    @property
    def own(self) -> bool:
        return self.viewer is self.source

    @property
    def case_details(self) -> bool:
        """Phase, case number, dates, contact: the *zaakgegevens* category."""
        return DocumentCategory.CASE_DETAILS in self.categories

    def allows(self, category: DocumentCategory) -> bool:
        return category in self.categories

    @property
    def withheld(self) -> frozenset[DocumentCategory]:
        return SOURCE_CATEGORIES[self.source] - self.categories

    @property
    def discloses(self) -> bool:
        """True when this shows another organisation's data (which must be logged)."""
        return not self.own and bool(self.categories)


def disclosure(
    states: Iterable[ChoiceState], viewer: Organisation | None, source: Organisation
) -> Disclosure:
    """Apply the rule above to one dossier's current choice states."""
    everything = SOURCE_CATEGORIES[source]
    if viewer is source:
        return Disclosure(viewer, source, everything)
    if viewer is None:
        return Disclosure(None, source, frozenset(), reason=WithholdReason.NO_PROFILE)
    state = consent_for(states, Direction.towards(viewer))
    if state is None or not state.consent_active:
        withdrawn = state is not None and state.status is StateStatus.WITHDRAWN
        reason = WithholdReason.WITHDRAWN if withdrawn else WithholdReason.NO_CONSENT
        return Disclosure(viewer, source, frozenset(), reason=reason)
    allowed = frozenset(state.current.categories) & everything
    if DocumentCategory.CASE_DETAILS not in allowed:
        # a report or a decision hangs on a case whose phase and number may not be shown:
        # without *zaakgegevens* nothing of that side is shown (never more than consented)
        return Disclosure(viewer, source, frozenset(), reason=WithholdReason.NO_CASE_DETAILS)
    return Disclosure(
        viewer,
        source,
        allowed,
        consent=state,
        reason=None if allowed == everything else WithholdReason.NOT_COVERED,
    )


def visible_group(
    ncg_status: NcgStatus | None,
    img_phase: ImgPhase | None,
    img: Disclosure,
    ncg: Disclosure,
) -> frozenset[CollaborationGroup]:
    """The collaboration groups the viewer may see: one when it is known, several when it
    is only known to be one of these, none when there is no group.

    The group is computed from both phases, so it can give away the other side's phase
    (for an IMG viewer every group names NCG's status; for an NCG viewer B and C tell IMG's
    phase apart). Rule: a side whose *zaakgegevens* are withheld counts as "some running
    phase" (the signalling minimum says whether it runs); the viewer sees the set of groups
    that fits every such phase. So the group never reveals more than the phases shown.
    """
    return _visible_group(ncg_status, img_phase, img.case_details, ncg.case_details)


def options_label(options: Iterable[str]) -> str:
    """How a set of possible groups is shown: "B/C" for two; nothing for one (the group
    itself is shown) or for more (it would say no more than "unknown")."""
    values = sorted({str(o) for o in options})
    return "/".join(values) if len(values) == 2 else ""


@cache  # a few hundred combinations; the list asks for ~30,000 rows
def _visible_group(
    ncg_status: NcgStatus | None, img_phase: ImgPhase | None, img_shown: bool, ncg_shown: bool
) -> frozenset[CollaborationGroup]:
    img_options: tuple[ImgPhase | None, ...] = (img_phase,)
    ncg_options: tuple[NcgStatus | None, ...] = (ncg_status,)
    if not img_shown and img_phase is not None:
        img_options = tuple(p for p in ImgPhase if p.is_running == img_phase.is_running)
    if not ncg_shown and ncg_status is not None:
        ncg_options = tuple(s for s in NcgStatus if s.is_running == ncg_status.is_running)
    groups = {collaboration_group(n, i) for n in ncg_options for i in img_options}
    return frozenset(g for g in groups if g is not None)


# --- validation of a new entry ---------------------------------------------------------------


def validate_new(existing: Sequence[ChoiceEntry], new: ChoiceEntry) -> None:
    """Raise ValidationError (Dutch, naming the field) if ``new`` may not be appended."""
    if new.recorded_by.strip() == "":
        raise ValidationError("vastgelegd door", "onbekend; kies eerst een gebruikersprofiel")
    if new.made_at > new.recorded_at + CLOCK_SKEW:
        raise ValidationError("datum keuze", "ligt in de toekomst")
    if new.made_at.year < 2012:
        raise ValidationError("datum keuze", "ligt vóór 2012; controleer de datum")
    if new.note is not None and len(new.note) > NOTE_MAX:
        raise ValidationError("notitie", f"is langer dan {NOTE_MAX} tekens")
    if new.form_reference is not None and len(new.form_reference) > FORM_REFERENCE_MAX:
        raise ValidationError("formulierkenmerk", f"is langer dan {FORM_REFERENCE_MAX} tekens")
    by_seq = {e.seq: e for e in existing}
    if new.kind is EntryKind.RECORD:
        if new.refers_to_seq is not None:
            raise ValidationError("verwijzing", "een nieuwe keuze verwijst niet naar een regel")
        _validate_content(existing, new)
        return
    if new.refers_to_seq is None or new.refers_to_seq not in by_seq:
        raise ValidationError("verwijzing", f"regel {new.refers_to_seq} bestaat niet")
    target = by_seq[new.refers_to_seq]
    root = record_of([*existing, new])
    record = by_seq[root[target.seq]]
    states = current_states(existing)
    state = next(s for s in states if s.record_seq == record.seq or record in s.history)
    if target.kind is EntryKind.WITHDRAWAL:
        raise ValidationError(
            "verwijzing", "een intrekking kan niet worden gecorrigeerd; leg de keuze opnieuw vast"
        )
    if new.choice_type is not record.choice_type:
        raise ValidationError("soort keuze", "moet gelijk blijven aan de oorspronkelijke keuze")
    if new.kind is EntryKind.CORRECTION:
        if record.seq in {s.record_seq for s in states if s.withdrawal is not None}:
            raise ValidationError("verwijzing", "deze keuze is ingetrokken")
        if record.choice_type is ChoiceType.DATA_SHARING and new.direction is not record.direction:
            raise ValidationError("richting", "een correctie kan de richting niet wijzigen")
        _validate_content([e for e in existing if root.get(e.seq) != record.seq], new)
        return
    # withdrawal
    if state.record_seq != record.seq:
        raise ValidationError("verwijzing", "deze keuze is al vervangen door een latere keuze")
    if state.withdrawal is not None:
        raise ValidationError("verwijzing", "deze keuze is al ingetrokken")
    if new.effective_from is None:
        raise ValidationError("ingangsdatum", "ontbreekt")
    if new.effective_from > new.recorded_at:
        raise ValidationError(
            "ingangsdatum", "een intrekking geldt direct; een datum in de toekomst kan niet"
        )
    if new.effective_from < record.made_at:
        raise ValidationError("ingangsdatum", "ligt vóór de keuze die wordt ingetrokken")


def _validate_content(others: Sequence[ChoiceEntry], new: ChoiceEntry) -> None:
    t = new.choice_type
    if t is ChoiceType.FREE_TEXT:
        if not new.value.strip():
            raise ValidationError("keuze", "beschrijf de keuze van de bewoner")
        if len(new.value) > FREE_TEXT_MAX:
            raise ValidationError("keuze", f"is langer dan {FREE_TEXT_MAX} tekens")
    elif new.value not in OPTIONS[t]:
        raise ValidationError(
            "keuze", f"'{new.value}' is geen optie; kies uit {', '.join(OPTIONS[t])}"
        )
    if t is ChoiceType.JOINT_INSPECTION and new.only_if_no_delay and new.value == "geen":
        raise ValidationError(
            "alleen als niet langer wachten", "past niet bij 'geen gezamenlijke opname'"
        )
    if t is not ChoiceType.DATA_SHARING:
        contradiction = contradiction_with(current_states(others), new)
        if contradiction is not None:
            raise ValidationError(contradiction.field, contradiction.reason)
        if new.direction or new.categories or new.purpose:
            raise ValidationError("toestemming", "alleen bij toestemming voor gegevensdeling")
        return
    if new.direction is None:
        raise ValidationError("richting", "kies IMG→NCG of NCG→IMG")
    if not (new.purpose or "").strip():
        raise ValidationError("doel", "beschrijf waarvoor de gegevens gedeeld worden")
    if len(new.purpose or "") > PURPOSE_MAX:
        raise ValidationError("doel", f"is langer dan {PURPOSE_MAX} tekens")
    if not new.categories:
        raise ValidationError("documentsoorten", "kies minstens één soort gegevens")
    if new.method is None:
        raise ValidationError("wijze", "kies getekend formulier of mondeling")
    if new.method is ConsentMethod.SIGNED_FORM and not (new.form_reference or "").strip():
        raise ValidationError("formulierkenmerk", "vul het kenmerk van het getekende formulier in")
    if not new.explanation_version:
        raise ValidationError("versie toelichting", "ontbreekt")
    if new.value == ConsentValue.ASSESSED.value and new.kind is EntryKind.RECORD:
        state = consent_for(current_states(others), new.direction)
        if state is None or not state.consent_active:
            raise ValidationError(
                "keuze", "er is geen geldige toestemming in deze richting om te beoordelen"
            )


# --- choices that contradict each other ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contradiction:
    field: str  # the field of the new entry, as the dialog and the CLI name it
    reason: str  # Dutch: what it contradicts and what to do


# Dutch names for messages (rules stay free of the i18n catalogs)
_TYPE_NAMES = {
    ChoiceType.DATA_SHARING: "toestemming gegevensdeling",
    ChoiceType.JOINT_INSPECTION: "gezamenlijke opname",
    ChoiceType.REPAIR_IN_STRENGTHENING: "schadeherstel meenemen in de versterking",
    ChoiceType.PAYMENT_FOR_REPAIR: "schadevergoeding gebruiken voor herstel onder regie van NCG",
    ChoiceType.STRENGTHEN_OR_REBUILD: "versterken of slopen en nieuw bouwen",
    ChoiceType.JOINT_EVEN_IF_SLOWER: "gezamenlijke aanpak, ook als het langer duurt",
    ChoiceType.FIRST_CONTACT: "eerste aanspreekpunt",
    ChoiceType.FREE_TEXT: "vrije keuze",
}


ONLY_IF_NO_DELAY = "alleen_als_niet_later"  # a joint-inspection choice with that condition

CONFLICTS: tuple[tuple[tuple[ChoiceType, str], tuple[ChoiceType, str], str], ...] = (
    (
        (ChoiceType.REPAIR_IN_STRENGTHENING, NO),
        (ChoiceType.PAYMENT_FOR_REPAIR, YES),
        "herstel onder regie van NCG kan alleen als het herstel in de versterking wordt meegenomen",
    ),
    (
        (ChoiceType.REPAIR_IN_STRENGTHENING, YES),
        (ChoiceType.STRENGTHEN_OR_REBUILD, "sloop_nieuwbouw"),
        "bij slopen en nieuw bouwen wordt het huis niet versterkt",
    ),
    (
        (ChoiceType.JOINT_INSPECTION, ONLY_IF_NO_DELAY),
        (ChoiceType.JOINT_EVEN_IF_SLOWER, YES),
        "'alleen als niet langer wachten' en 'samen, ook als het langer duurt' sluiten elkaar uit",
    ),
)
"""Pairs of choices that cannot both be in force, with why (Dutch)."""


def _tokens(choice_type: ChoiceType, value: str, no_delay: bool) -> set[tuple[ChoiceType, str]]:
    found = {(choice_type, value)}
    if choice_type is ChoiceType.JOINT_INSPECTION and no_delay and value != JointInspection.NO:
        found.add((choice_type, ONLY_IF_NO_DELAY))
    return found


def _pair_contradiction(
    new: set[tuple[ChoiceType, str]], other: set[tuple[ChoiceType, str]]
) -> str | None:
    for a, b, why in CONFLICTS:
        if (a in new and b in other) or (b in new and a in other):
            return why
    return None


def contradiction_with(states: Sequence[ChoiceState], new: ChoiceEntry) -> Contradiction | None:
    """The recorded choice in force that ``new`` contradicts, or None.

    Pairs that cannot both hold: repair not in the strengthening with the damage payment used
    for repair under NCG's direction; repair in the strengthening with demolition and new
    build; a joint inspection only if it means no longer wait with joint handling even if
    slower. The resident may change their mind: correct or withdraw the other choice first.
    """
    for other in states:
        if other.status is not StateStatus.VALID or other.choice_type is new.choice_type:
            continue
        if other.choice_type in (ChoiceType.DATA_SHARING, ChoiceType.FREE_TEXT):
            continue
        why = _pair_contradiction(
            _tokens(new.choice_type, new.value, bool(new.only_if_no_delay)),
            _tokens(other.choice_type, other.current.value, bool(other.current.only_if_no_delay)),
        )
        if why is None:
            continue
        told = other.current.value.replace("_", " ")
        return Contradiction(
            "keuze",
            f"past niet bij de vastgelegde keuze '{_TYPE_NAMES[other.choice_type]}: {told}' "
            f"(regel {other.current.seq}): {why}. Corrigeer of trek die keuze eerst in "
            "als de bewoner van gedachten is veranderd.",
        )
    return None


# --- what the recorded choices decide (planning, signals, letters, 'wat komt er nu') --------


@dataclass(frozen=True, slots=True)
class DecidedChoices:
    """The choices in force that other features act on; None: not decided (or withdrawn)."""

    joint_inspection: JointInspection | None = None
    only_if_no_delay: bool = False
    repair_in_strengthening: bool | None = None
    payment_for_repair: bool | None = None
    rebuild: bool | None = None  # True: demolition and new build; False: strengthening
    joint_even_if_slower: bool | None = None
    first_contact: Organisation | None = None

    @property
    def joint_declined(self) -> bool:
        return self.joint_inspection is JointInspection.NO

    @property
    def joint_chosen(self) -> bool:
        return self.joint_inspection is not None and self.joint_inspection.is_joint

    @property
    def may_wait_longer(self) -> bool:
        """May a joint inspection come later than the separate ones would? Only when the
        resident chose joint handling even if slower (DOMAIN: 'allowed when the resident
        chooses it'); never with 'only if no longer wait'."""
        return bool(self.joint_even_if_slower) and not self.only_if_no_delay


NOT_DECIDED = DecidedChoices()


def decided(states: Iterable[ChoiceState]) -> DecidedChoices:
    """Fold the current states into the decisions the rest of the app acts on."""
    found: dict[ChoiceType, ChoiceEntry] = {}
    for s in states:
        if s.status is StateStatus.VALID and s.choice_type not in (
            ChoiceType.DATA_SHARING,
            ChoiceType.FREE_TEXT,
        ):
            found[s.choice_type] = s.current

    def yes(t: ChoiceType) -> bool | None:
        e = found.get(t)
        return None if e is None else e.value == YES

    joint = found.get(ChoiceType.JOINT_INSPECTION)
    rebuild = found.get(ChoiceType.STRENGTHEN_OR_REBUILD)
    contact = found.get(ChoiceType.FIRST_CONTACT)
    return DecidedChoices(
        joint_inspection=JointInspection(joint.value) if joint else None,
        only_if_no_delay=bool(joint and joint.only_if_no_delay),
        repair_in_strengthening=yes(ChoiceType.REPAIR_IN_STRENGTHENING),
        payment_for_repair=yes(ChoiceType.PAYMENT_FOR_REPAIR),
        rebuild=None if rebuild is None else rebuild.value == "sloop_nieuwbouw",
        joint_even_if_slower=yes(ChoiceType.JOINT_EVEN_IF_SLOWER),
        first_contact=Organisation(contact.value) if contact else None,
    )
