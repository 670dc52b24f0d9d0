"""Anchoring the choice logs outside themselves, and the access log's own hash chain.

Pure: no database. A dossier's choice log ends in a head row (last number and hash). Someone
with the file could cut the tail and copy the previous entry's number and hash into the head:
the chain would still be whole. So every recorded choice also writes an *anchor* into the
access log — the dossier, the new head (number and hash) and a running digest over every
head anchored so far — and the access log is itself one hash chain. ``verify_anchors`` then
finds a cut tail (the anchor names an entry that is gone) and a head moved back (the last
anchor is further on). The running digest is printed on the resident's receipt and summary
letter: a copy on paper that no rewrite of the database can match again.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from buddy_desk.choices.rules import GENESIS_HASH, ChainProblem, ChoiceEntry, canonical_time
from buddy_desk.core.formatting import check_code

# Verwerkingenlogging fields every access-log row shares (the consent gate's views too)
ACTIVITY_ID = "buddy-desk/gegevensuitwisseling-img-ncg"
PROCESSING_NAME = "Samenwerking IMG en NCG bij schade en versterking (GUO)"
RETENTION = "P7Y"
CONFIDENTIALITY = "vertrouwelijk"
ANCHOR_ACTION = "Vastleggen"
ANCHOR_HANDLING = "Keuze van de bewoner vastleggen in het keuzelogboek"
ANCHOR_PURPOSE = "Keuzelogboek verankeren"
ANCHOR_DATA = "keuzelogboek"

ACCESS_DOMAIN = "buddy-desk/access-log/v1"
WIPE_DOMAIN = "buddy-desk/wipe/v1"
HEADS_DOMAIN = "buddy-desk/heads/v1"
# the columns of an access-log row outside its hash: the row id and the hash itself
UNHASHED = frozenset({"id", "entry_hash"})


@dataclass(frozen=True, slots=True)
class AccessHead:
    """The end of the access log's chain, kept in its own row (``access_log_head``)."""

    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    heads_digest: str = GENESIS_HASH


@dataclass(frozen=True, slots=True)
class AccessProblem:
    seq: int | None  # the access-log row (chain number) where the chain breaks
    reason: str  # Dutch, for the user


def next_heads_digest(previous: str, dossier_id: int, seq: int, head_hash: str) -> str:
    """The running digest once dossier ``dossier_id``'s head moves to (``seq``, ``head_hash``)."""
    text = f"{HEADS_DOMAIN}\n{previous}\n{dossier_id}\n{seq}\n{head_hash}"
    return hashlib.sha256(text.encode()).hexdigest()


def short_digest(digest: str) -> str:
    """The first 16 hex digits in groups of four (``core.formatting.check_code``)."""
    return check_code(digest)


def matches_digest(digest: str, given: str) -> bool:
    """``given`` (full or short form, any case and spacing) names ``digest``."""
    wanted = "".join(given.split()).replace("-", "").lower()
    return len(wanted) >= 16 and digest.startswith(wanted)


def anchor_values(
    dossier_id: int,
    seq: int,
    head_hash: str,
    *,
    at: datetime,
    user: str,
    organisation: str | None,
    system: str,
    new_id: Callable[[], str] | None = None,
) -> dict[str, object]:
    """The columns of an anchor row (before ``seal_access``): dossier ``dossier_id``'s choice
    log now ends at entry ``seq`` with ``head_hash``. ``consent_seq`` 0: no consent involved."""
    make = new_id or (lambda: str(uuid.uuid4()))
    return {
        "actie_id": make(),
        "actie_naam": ANCHOR_ACTION,
        "handeling_naam": ANCHOR_HANDLING,
        "verwerking_naam": PROCESSING_NAME,
        "verwerking_id": make(),
        "verwerkingsactiviteit_id": ACTIVITY_ID,
        "vertrouwelijkheid": CONFIDENTIALITY,
        "bewaartermijn": RETENTION,
        "uitvoerder": organisation or "-",
        "systeem": system,
        "gebruiker": user,
        "gebruiker_rol": None,
        "gegevensbron": "GUO",
        "doel": ANCHOR_PURPOSE,
        "tijdstip": at,
        "tijdstip_registratie": at,
        "dossier_id": dossier_id,
        "objecttype": "dossier",
        "soorten_gegevens": ANCHOR_DATA,
        "consent_seq": 0,
        "anchor_seq": seq,
        "anchor_hash": head_hash,
    }


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return canonical_time(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def access_row_hash(values: Mapping[str, object]) -> str:
    """SHA-256 over every column of an access-log row but its id and hash."""
    data = {k: _canonical(v) for k, v in values.items() if k not in UNHASHED}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{ACCESS_DOMAIN}\n{text}".encode()).hexdigest()


def wipe_hash(values: Mapping[str, object]) -> str:
    """SHA-256 over a wipe record (``models.access_log.AccessLogWipe``) but its id and hash."""
    data = {k: _canonical(v) for k, v in values.items() if k not in {"id", "record_hash"}}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{WIPE_DOMAIN}\n{text}".encode()).hexdigest()


def seal_access(
    values: Mapping[str, object], head: AccessHead
) -> tuple[dict[str, object], AccessHead]:
    """The row linked after ``head`` (and, for an anchor, the digest moved on); the new head.

    ``values`` holds the row's columns; an anchor row has ``anchor_seq`` and ``anchor_hash``.
    """
    row = dict(values)
    row["chain_seq"] = head.last_seq + 1
    row["prev_hash"] = head.last_hash
    digest = head.heads_digest
    anchor_seq, anchor_hash = row.get("anchor_seq"), row.get("anchor_hash")
    if isinstance(anchor_seq, int) and isinstance(anchor_hash, str):
        digest = next_heads_digest(digest, int(str(row["dossier_id"])), anchor_seq, anchor_hash)
        row["heads_digest"] = digest
    else:
        row["anchor_seq"] = row["anchor_hash"] = row["heads_digest"] = None
    row["entry_hash"] = access_row_hash(row)
    return row, AccessHead(head.last_seq + 1, str(row["entry_hash"]), digest)


@dataclass(frozen=True, slots=True)
class AccessVerdict:
    problems: tuple[AccessProblem, ...]
    anchors: dict[int, list[tuple[int, str]]]  # dossier → (seq, hash) anchored, in order
    # every running digest with the head it moved to (dossier, seq), oldest first
    digests: tuple[tuple[str, int, int], ...]


def verify_access_chain(
    rows: Sequence[Mapping[str, object]], head: AccessHead | None
) -> AccessVerdict:
    """Check the access log (rows in stored order) against its head row."""
    problems: list[AccessProblem] = []
    anchors: dict[int, list[tuple[int, str]]] = {}
    digests: list[tuple[str, int, int]] = []
    prev, digest = GENESIS_HASH, GENESIS_HASH
    last_seq = 0
    for index, row in enumerate(rows, start=1):
        seq = row.get("chain_seq")
        if seq != index:
            problems.append(
                AccessProblem(
                    seq if isinstance(seq, int) else None,
                    f"regel {seq} staat op plaats {index}: een regel is verwijderd of verplaatst",
                )
            )
            break
        if row.get("prev_hash") != prev:
            problems.append(AccessProblem(index, "verwijst niet naar de vorige regel"))
            break
        if access_row_hash(row) != row.get("entry_hash"):
            problems.append(AccessProblem(index, "inhoud is gewijzigd na het vastleggen"))
            break
        anchor_seq, anchor_hash = row.get("anchor_seq"), row.get("anchor_hash")
        if isinstance(anchor_seq, int) and isinstance(anchor_hash, str):
            dossier = int(str(row["dossier_id"]))
            digest = next_heads_digest(digest, dossier, anchor_seq, anchor_hash)
            if row.get("heads_digest") != digest:
                problems.append(AccessProblem(index, "de lopende controlecode klopt niet"))
                break
            anchors.setdefault(dossier, []).append((anchor_seq, anchor_hash))
            digests.append((digest, dossier, anchor_seq))
        prev = str(row["entry_hash"])
        last_seq = index
    if not problems:
        end = AccessHead(last_seq, prev, digest)
        if head is None and rows:
            problems.append(AccessProblem(None, "het kopregister van het inzagelogboek ontbreekt"))
        elif head is not None and head != end:
            problems.append(
                AccessProblem(
                    head.last_seq,
                    f"het logboek eindigt bij regel {last_seq}, maar regel {head.last_seq} is "
                    "vastgelegd: de laatste regel(s) zijn verwijderd of gewijzigd",
                )
            )
    return AccessVerdict(tuple(problems), anchors, tuple(digests))


def verify_anchors(
    dossier_id: int,
    entries: Sequence[ChoiceEntry],
    head: tuple[int, str] | None,
    anchored: Sequence[tuple[int, str]],
) -> list[ChainProblem]:
    """Check a dossier's choice log against what the access log anchored of it.

    ``entries`` in sequence order; ``anchored`` the (seq, hash) pairs in the order written.
    """
    by_seq = {e.seq: e.entry_hash for e in entries}
    for seq, digest in anchored:
        if by_seq.get(seq) != digest:
            return [
                ChainProblem(
                    dossier_id,
                    seq,
                    "deze regel is vastgelegd en verankerd in het inzagelogboek, maar ontbreekt "
                    "of is gewijzigd: de keten is ingekort of herschreven",
                )
            ]
    last_entry = (entries[-1].seq, entries[-1].entry_hash) if entries else None
    last_anchor = tuple(anchored[-1]) if anchored else None
    if last_entry is not None and last_anchor != last_entry:
        return [
            ChainProblem(
                dossier_id,
                last_entry[0],
                "de laatste regel is niet verankerd in het inzagelogboek: "
                "buiten Buddy Desk toegevoegd of vervangen",
            )
        ]
    if head is not None and last_anchor is not None and tuple(head) != last_anchor:
        return [ChainProblem(dossier_id, head[0], "het kopregister wijkt af van het anker")]
    return []
