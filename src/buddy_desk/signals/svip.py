"""Pure rules of the SVIP desk: the queue of information requests between IMG and NCG.

The Schade Versterking Informatie Punt answers questions "op dossierniveau" between the two
organisations, "binnen de kaders van de AVG"; the top three requests are a status exchange,
coupling the staff of both, and a request to speed up, "wat in sommige gevallen leidt tot
prioritering"; requests and their follow-up are logged (seed 000, SVIP passages). Sharing a
dossier's data needs the resident's consent (seed 004; the consent gate in ``choices``).

So an answer that carries the answering organisation's case data (a status, dates, what was
decided) may be given only while the resident's consent in the direction answerer → asker is
in force and covers case details. Naming the colleague to couple with is the organisations'
own staff data; the decision on a speed-up request (prioritised, or not) is the request's own
outcome — both may be answered without consent, but then only in those fixed words.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from buddy_desk.signals.rules import RequestKind

ANSWER_DAYS = 10
"""A request still unanswered this many days after it was asked is overdue (a house term:
the sources name no answer term for the SVIP)."""


class RequestOutcome(StrEnum):
    ANSWERED = "answered"
    NO_CONSENT = "no_consent"  # answered without sharing data: no consent in that direction
    PRIORITISED = "prioritised"  # a speed-up request on which IMG prioritised the damage case
    NOT_PRIORITISED = "not_prioritised"


class QueueState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ANSWERED = "answered"


def queue_state(asked_on: date, answered: bool, today: date) -> QueueState:
    if answered:
        return QueueState.ANSWERED
    if asked_on + timedelta(days=ANSWER_DAYS) < today:
        return QueueState.OVERDUE
    return QueueState.OPEN


def answer_carries_case_data(kind: RequestKind) -> bool:
    """A free-text answer to this kind tells the asker about the resident's case."""
    return kind is not RequestKind.COUPLING_STAFF
