"""Demo choice histories on the combination dossiers, hash-chained like real ones.

Most combination dossiers had a kitchen-table conversation: consent to share in both
directions (a few only requested so far, some later withdrawn and a few given again), the
joint-inspection form in group B (shares after the 2021 survey: simultaneous 43%, sequential
21%; 36% only if it does not mean a longer wait), repair-in-strengthening choices in group E,
a first contact organisation, now and then a correction or a free-text wish.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, delete, insert, select

from buddy_desk.choices.anchors import AccessHead, anchor_values, seal_access
from buddy_desk.choices.rules import (
    EXPLANATION_VERSIONS,
    GENESIS_HASH,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
    seal,
    validate_new,
)
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.context import DemoContext
from buddy_desk.models.access_log import AccessLogEntry, AccessLogHead
from buddy_desk.models.choices import ChoiceLogEntry, ChoiceLogHead, to_row_values
from buddy_desk.persistence.log_guards import guards_lifted

PURPOSES = (
    "Samen afhandelen van schade en versterking op dit adres",
    "Gezamenlijke opname plannen",
    "Schadeherstel meenemen in het versterkingsplan",
    "Eén overzicht van schade en versterking voor de bewoner",
)
FREE_TEXT = (
    "Liever geen afspraken op woensdagmiddag",
    "Bewoner wil dat de dochter bij gesprekken aanwezig is",
    "Post graag ook per e-mail",
    "Hond aanwezig; bel vooraf aan",
    "Bewoner wil eerst met de gemeente overleggen over sloop",
)
IMG_CATEGORIES = (
    DocumentCategory.DAMAGE_REPORT,
    DocumentCategory.INSPECTION_REPORT,
    DocumentCategory.ASSESSMENT_REPORT,
    DocumentCategory.DECISION,
)
NCG_CATEGORIES = (
    DocumentCategory.INSPECTION_REPORT,
    DocumentCategory.STRENGTHENING_ADVICE,
    DocumentCategory.BUILDING_PLAN,
)


class _Log:
    """One dossier's entries, appended in time order and validated like the service does."""

    def __init__(self, dossier_id: int) -> None:
        self.dossier_id = dossier_id
        self.entries: list[ChoiceEntry] = []
        self.prev = GENESIS_HASH

    def add(self, draft: ChoiceEntry) -> ChoiceEntry:
        draft = ChoiceEntry(
            **{
                **{f: getattr(draft, f) for f in draft.__dataclass_fields__},
                "dossier_id": self.dossier_id,
                "seq": len(self.entries) + 1,
            }
        )
        validate_new(self.entries, draft)
        entry = seal(draft, self.prev)
        self.entries.append(entry)
        self.prev = entry.entry_hash
        return entry


def _moment(day: datetime, rng: random.Random) -> datetime:
    # office hours, Dutch time ≈ UTC+1; stored as UTC
    return datetime.combine(day.date(), time(rng.randint(7, 15), rng.choice((0, 15, 30, 45))), UTC)


def _history(
    rng: random.Random,
    dossier_id: int,
    group: CollaborationGroup,
    who: list[tuple[str, Organisation]],
    today: datetime,
    year: int,
) -> _Log:
    log = _Log(dossier_id)
    talk = _moment(today - timedelta(days=rng.randint(20, 420)), rng)
    clock = [talk]

    def later(minutes: int, *, clock: list[datetime] = clock) -> datetime:
        clock[0] = min(clock[0] + timedelta(minutes=minutes), today - timedelta(minutes=5))
        return clock[0]

    def entry(
        kind: EntryKind,
        choice_type: ChoiceType,
        value: str,
        made_at: datetime,
        channel: Channel = Channel.KITCHEN_TABLE,
        **extra: object,
    ) -> ChoiceEntry:
        user, org = rng.choice(who)
        fields: dict[str, object] = {
            "dossier_id": dossier_id,
            "seq": 0,
            "kind": kind,
            "choice_type": choice_type,
            "value": value,
            "made_at": made_at,
            "recorded_at": later(rng.randint(2, 40)),
            "recorded_by": user,
            "recorded_by_org": org.value,
            "channel": channel,
            "explanation_version": EXPLANATION_VERSIONS[choice_type],
        }
        fields.update(extra)
        return log.add(ChoiceEntry(**fields))  # type: ignore[arg-type]

    no_delay = False
    consents: dict[Direction, ChoiceEntry] = {}
    for direction, own in (
        (Direction.IMG_TO_NCG, IMG_CATEGORIES),
        (Direction.NCG_TO_IMG, NCG_CATEGORIES),
    ):
        roll = rng.random()
        if roll < 0.08:
            continue
        value = "aangevraagd" if roll < 0.16 else "gegeven"
        signed = rng.random() < 0.6
        categories = (DocumentCategory.CASE_DETAILS, *rng.sample(own, rng.randint(1, len(own))))
        consents[direction] = entry(
            EntryKind.RECORD,
            ChoiceType.DATA_SHARING,
            value,
            talk,
            direction=direction,
            purpose=rng.choice(PURPOSES),
            categories=tuple(sorted(set(categories))),
            method=ConsentMethod.SIGNED_FORM if signed else ConsentMethod.VERBAL,
            form_reference=f"GUO-{year - rng.randint(0, 1)}-{rng.randint(1, 9999):04d}"
            if signed
            else None,
        )
    if group is CollaborationGroup.B or rng.random() < 0.15:
        roll = rng.random()
        form = (
            "gelijktijdig"
            if roll < 0.43
            else "na_elkaar"
            if roll < 0.64
            else "gecombineerd"
            if roll < 0.68
            else "binnen_twee_dagen"
            if roll < 0.72
            else "geen"
        )
        joint = entry(
            EntryKind.RECORD,
            ChoiceType.JOINT_INSPECTION,
            form,
            talk,
            only_if_no_delay=form != "geen" and rng.random() < 0.36,
        )
        no_delay = bool(joint.only_if_no_delay)
        if rng.random() < 0.08:  # recorded wrongly, corrected after a phone call
            other = rng.choice([v for v in ("gelijktijdig", "na_elkaar") if v != form])
            entry(
                EntryKind.CORRECTION,
                ChoiceType.JOINT_INSPECTION,
                other,
                talk,
                Channel.PHONE,
                refers_to_seq=joint.seq,
                note="Bewoner belde: keuze was verkeerd genoteerd",
            )
    if group is CollaborationGroup.E or rng.random() < 0.1:
        repair = rng.choice(("ja", "ja", "nee"))
        entry(EntryKind.RECORD, ChoiceType.REPAIR_IN_STRENGTHENING, repair, talk)
        if rng.random() < 0.5:
            # repair under NCG's direction only when the repair goes into the strengthening
            payment = rng.choice(("ja", "nee")) if repair == "ja" else rng.choice(("nee", "nee"))
            entry(EntryKind.RECORD, ChoiceType.PAYMENT_FOR_REPAIR, payment, talk)
    if group in {CollaborationGroup.B, CollaborationGroup.E} and rng.random() < 0.4:
        slower = rng.choice(("ja", "nee"))
        if no_delay:  # 'only if no longer wait' and 'even if slower' contradict each other
            slower = "nee"
        entry(EntryKind.RECORD, ChoiceType.JOINT_EVEN_IF_SLOWER, slower, talk)
    if rng.random() < 0.5:
        entry(EntryKind.RECORD, ChoiceType.FIRST_CONTACT, rng.choice(("IMG", "NCG")), talk)
    if rng.random() < 0.07:
        entry(EntryKind.RECORD, ChoiceType.FREE_TEXT, rng.choice(FREE_TEXT), talk)
    for direction, given in consents.items():
        if given.value != "gegeven" or rng.random() >= 0.1:
            continue
        # withdrawn by letter some weeks later; effective from the letter's date
        letter = min(clock[0] + timedelta(days=rng.randint(10, 90)), today - timedelta(days=2))
        if letter <= clock[0]:
            continue
        clock[0] = letter
        entry(
            EntryKind.WITHDRAWAL,
            ChoiceType.DATA_SHARING,
            given.value,
            letter,
            Channel.LETTER,
            direction=direction,
            refers_to_seq=given.seq,
            effective_from=letter,
            note="Intrekking per brief",
        )
        if rng.random() < 0.3:  # and given again after a new conversation
            clock[0] = min(clock[0] + timedelta(days=rng.randint(7, 40)), today - timedelta(days=1))
            entry(
                EntryKind.RECORD,
                ChoiceType.DATA_SHARING,
                "gegeven",
                clock[0],
                direction=direction,
                purpose=given.purpose,
                categories=(DocumentCategory.CASE_DETAILS,),
                method=ConsentMethod.VERBAL,
            )
    return log


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    today = datetime.combine(ctx.reference_date, time(0), UTC)
    entry_rows: list[dict[str, object]] = []
    head_rows: list[dict[str, object]] = []
    for dossier_id, group in sorted(ctx.combination.items()):
        pair = ctx.buddy_pairs.get(dossier_id)
        if pair is None or rng.random() < 0.12:  # no conversation yet
            continue
        img_user = ctx.supervisor_usernames.get(pair.img_supervisor_id, "img.demo")
        ncg_user = ctx.supervisor_usernames.get(pair.ncg_supervisor_id, "ncg.demo")
        who = [(img_user, Organisation.IMG), (ncg_user, Organisation.NCG)]
        log = _history(rng, dossier_id, group, who, today, ctx.reference_date.year)
        if not log.entries:
            continue
        entry_rows.extend(to_row_values(e) for e in log.entries)
        head_rows.append(
            {"dossier_id": dossier_id, "last_seq": len(log.entries), "last_hash": log.prev}
        )
    for start in range(0, len(entry_rows), 5000):
        conn.execute(insert(ChoiceLogEntry), entry_rows[start : start + 5000])
    if head_rows:
        conn.execute(insert(ChoiceLogHead), head_rows)
    _anchor(conn, head_rows, today, rng)


def _anchor(
    conn: Connection, head_rows: list[dict[str, object]], at: datetime, rng: random.Random
) -> None:
    """Anchor every demo head in the access log and (re)start its chain."""
    head = AccessHead()
    start = conn.execute(select(AccessLogHead)).first()
    if start is not None:
        head = AccessHead(start.last_seq, start.last_hash, start.heads_digest)
    rows: list[dict[str, object]] = []
    for h in head_rows:
        values = anchor_values(
            int(str(h["dossier_id"])),
            int(str(h["last_seq"])),
            str(h["last_hash"]),
            at=at,
            user="demo",
            organisation=None,
            system="Buddy Desk demo",
            new_id=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        sealed, head = seal_access(values, head)
        rows.append(sealed)
    for begin in range(0, len(rows), 5000):
        conn.execute(insert(AccessLogEntry), rows[begin : begin + 5000])
    with guards_lifted(conn):  # the head jumps over the whole batch, in this transaction
        conn.execute(delete(AccessLogHead))
        conn.execute(
            insert(AccessLogHead).values(
                id=1,
                last_seq=head.last_seq,
                last_hash=head.last_hash,
                heads_digest=head.heads_digest,
            )
        )
