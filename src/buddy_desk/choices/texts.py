"""Human labels for choice-log entries, in the current language (``buddy_desk.i18n``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from buddy_desk.choices.rules import (
    OPTIONS,
    ChoiceEntry,
    ChoiceState,
    ChoiceType,
    DocumentCategory,
    EntryKind,
)
from buddy_desk.core.event_texts import render, render_value
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.formatting import AMSTERDAM
from buddy_desk.i18n import tr

LOCAL = AMSTERDAM  # the choice log's times are Groningen's wall-clock times


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    if value is None:
        return ""
    fmt = "%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M"
    return value.astimezone(LOCAL).strftime(fmt)


def local_date(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%d-%m-%Y") if value else ""


def to_utc(local: datetime) -> datetime:
    """A wall-clock time entered in the Netherlands, as an aware UTC datetime."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=LOCAL)
    return local.astimezone(UTC)


def type_label(choice_type: ChoiceType) -> str:
    return tr(f"choices.type.{choice_type.value}")


def explanation(choice_type: ChoiceType, version: str | None = None) -> str:
    """What we explain to the resident; with ``version``, the text of that version."""
    key = f"choices.type.{choice_type.value}.explanation"
    if version is not None and (archived := tr(f"{key}@{version}")) != f"{key}@{version}":
        return archived
    return tr(key)


def option_label(choice_type: ChoiceType, value: str) -> str:
    if choice_type is ChoiceType.FREE_TEXT or value not in OPTIONS[choice_type]:
        return value
    return tr(f"choices.option.{choice_type.value}.{value}")


def option_help(choice_type: ChoiceType, value: str) -> str:
    key = f"choices.option.{choice_type.value}.{value}.help"
    text = tr(key)
    return "" if text == key else text


def categories_label(categories: tuple[DocumentCategory, ...]) -> str:
    return ", ".join(tr(f"choices.category.{c.value}") for c in categories)


def value_label(entry: ChoiceEntry) -> str:
    """The chosen value as the resident would say it, with its qualifiers."""
    return str(render_value(value_text(entry)))


def value_text(entry: ChoiceEntry) -> Any:
    """``value_label`` as a stored, translatable value (``core/event_texts.py``)."""
    value: Any = entry.value
    if entry.choice_type is not ChoiceType.FREE_TEXT and entry.value in OPTIONS[entry.choice_type]:
        value = event_text(f"choices.option.{entry.choice_type.value}.{entry.value}")
    if entry.choice_type is ChoiceType.DATA_SHARING and entry.direction is not None:
        direction = event_text(f"choices.direction.{entry.direction.value}")
        value = event_text("choices.timeline.directed", direction=direction, value=value)
    if entry.only_if_no_delay:
        qualifier = event_text("choices.only_if_no_delay.short")
        value = event_text("choices.timeline.qualified", value=value, qualifier=qualifier)
    return value


def summary_event(entry: ChoiceEntry) -> tuple[str, dict[str, Any]]:
    """``entry_summary`` as a key with values, for the timeline."""
    return f"choices.summary.{entry.kind.value}", {
        "type": event_text(f"choices.type.{entry.choice_type.value}"),
        "value": value_text(entry),
        "seq": entry.refers_to_seq or "",
    }


def entry_summary(entry: ChoiceEntry) -> str:
    """One line for timelines and lists: 'Keuze vastgelegd: Gezamenlijke opname — …'."""
    key, params = summary_event(entry)
    return render(key, params, key)


def state_label(state: ChoiceState, *, dated: bool = True) -> str:
    """The current stand of a choice; ``dated=False`` leaves out the withdrawal date (a
    letter shows it in its own date column)."""
    if state.withdrawal is not None:
        text = (
            tr("choices.state.withdrawn", date=local_date(state.withdrawal.effective_from))
            if dated
            else tr("choices.state.withdrawn.undated")
        )
        direction = state.current.direction
        if state.choice_type is ChoiceType.DATA_SHARING and direction is not None:
            # a withdrawn consent names its direction, as a given one does
            text = f"{tr(f'choices.direction.{direction.value}')}: {text}"
        return text
    return value_label(state.current)


def kind_label(kind: EntryKind) -> str:
    return tr(f"choices.kind.{kind.value}")
