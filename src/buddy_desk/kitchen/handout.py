"""The kitchen-table content as a printable handout (HTML for a Qt text document → PDF).

Same words as the screen, in the same order, so what the resident saw is what they keep.
Pure: builds a string; the UI prints it.
"""

from __future__ import annotations

from datetime import date
from html import escape

from buddy_desk.core.formatting import dutch_date
from buddy_desk.i18n import in_language, tr
from buddy_desk.kitchen.rules import ChoiceFact, KitchenContent, StepState, Track

_MARK = {StepState.DONE: "✓", StepState.CURRENT: "●", StepState.FUTURE: "○"}


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _track(track: Track) -> str:
    parts = [f"<h2>{escape(track.title)}</h2>"]
    if track.steps:
        items = []
        for step in track.steps:
            label = escape(step.label)
            if step.state is StepState.CURRENT:
                label = f"<b>{label}</b>"
            items.append(f"{_MARK[step.state]} {label}")
        parts.append("<p>" + " &nbsp;→&nbsp; ".join(items) + "</p>")
    rows = [(tr("kitchen.label.now"), track.now)]
    if track.since:
        rows.append(("", track.since))
    if track.next:
        rows.append((tr("kitchen.label.next"), track.next))
    if track.when:
        rows.append((tr("kitchen.label.when"), track.when))
    parts.append(
        "<table cellpadding='3'>"
        + "".join(
            f"<tr><td width='28%'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows
        )
        + "</table>"
    )
    return "".join(parts)


def _choice_item(ch: ChoiceFact) -> str:
    when = tr("kitchen.choice.made_on", date=dutch_date(ch.made_on), channel=ch.channel.lower())
    return f"<li><b>{escape(ch.subject)}</b>: {escape(ch.answer)} ({escape(when)})</li>"


def handout_html(content: KitchenContent, today: date) -> str:
    """The handout in Dutch (the resident's language for these texts)."""
    with in_language("nl"):
        return _html(content, today)


def _html(c: KitchenContent, today: date) -> str:
    parts = [
        "<html><body style='font-size:12pt'>",
        f"<h1>{escape(c.heading)}</h1>",
        f"<p><b>{escape(c.address_line)}</b><br/>{escape(c.place_line)}</p>",
        _p(c.intro),
    ]
    if c.safety:
        parts.append(f"<p><b>{escape(c.safety)}</b></p>")
    parts += [_track(t) for t in c.tracks]
    parts.append(f"<h2>{escape(c.together_title)}</h2>")
    parts += [_p(t) for t in c.together]
    parts.append(f"<h2>{escape(tr('kitchen.section.appointments'))}</h2>")
    if c.appointments:
        parts.append(
            "<ul>"
            + "".join(f"<li><b>{escape(a.when)}</b>: {escape(a.what)}</li>" for a in c.appointments)
            + "</ul>"
        )
    else:
        parts.append(_p(tr("kitchen.appointments.none")))
    parts.append(f"<h2>{escape(tr('kitchen.section.choices'))}</h2>")
    parts.append(f"<h3>{escape(tr('kitchen.choices.made'))}</h3>")
    if c.choices_made:
        parts.append("<ul>" + "".join(_choice_item(ch) for ch in c.choices_made) + "</ul>")
    else:
        parts.append(_p(tr("kitchen.choices.none")))
    parts.append(f"<h3>{escape(tr('kitchen.choices.open'))}</h3>")
    if c.choices_open:
        parts.append(
            "<ul>" + "".join(f"<li>{escape(o.subject)}</li>" for o in c.choices_open) + "</ul>"
        )
    else:
        parts.append(_p(tr("kitchen.choices.open_none")))
    parts.append(f"<h2>{escape(c.contacts_title)}</h2>")
    for card in c.contacts:
        lines = [f"<b>{escape(card.organisation.value)} — {escape(card.role)}</b>"]
        lines.append(escape(card.name) if card.name else escape(card.missing))
        lines += [escape(x) for x in (card.phone, card.email) if x]
        parts.append("<p>" + "<br/>".join(lines) + "</p>")
    parts.append(f"<h2>{escape(tr('kitchen.glossary.title'))}</h2>")
    parts.append(
        "<table cellpadding='3'>"
        + "".join(
            f"<tr><td width='28%'><b>{escape(term)}</b></td><td>{escape(text)}</td></tr>"
            for term, text in c.glossary
        )
        + "</table>"
    )
    parts.append(f"<p><i>{escape(tr('kitchen.printed', date=dutch_date(today)))}</i></p>")
    parts.append("</body></html>")
    return "".join(parts)
