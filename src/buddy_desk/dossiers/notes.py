"""Combining two versions of the conversation notes after both buddies edited them."""

from __future__ import annotations


def my_addition(base: str, mine: str) -> str:
    """What I wrote on top of the version I started from; all of ``mine`` if I changed it.

    Appending is the usual edit, and repeating the shared start in a merge would double it on
    every conflict.
    """
    if base and mine.startswith(base):
        return mine[len(base) :].strip("\n")
    return mine.strip("\n")


def merge_notes(base: str, theirs: str, mine: str, heading: str) -> str:
    """Their text, then ``heading`` on a line of its own, then my part of ``mine``."""
    addition = my_addition(base, mine)
    if not addition.strip():
        return theirs
    top = theirs.rstrip("\n")
    return f"{top}\n\n{heading}\n{addition}" if top else f"{heading}\n{addition}"
