"""The coordinator-editable letter templates: shipped set is complete; mistakes are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buddy_desk.documents.templates import SCHEMA, TemplateError, load_templates_from
from buddy_desk.resources import resource

SHIPPED = resource("letters", "nl")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "nl"
    shutil.copytree(SHIPPED, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_templates_have_every_block() -> None:
    templates = load_templates_from(SHIPPED)
    assert set(SCHEMA) <= set(templates.blocks)
    assert templates.glossary(), "the glossary explains the jargon the letter uses"


def test_lines_are_joined_and_blank_lines_make_paragraphs(folder: Path) -> None:
    (folder / "extra.txt").write_text(
        "# comment\n[woord.proef]\nProef: een eerste regel\nen een tweede.\n\nNieuwe alinea.\n",
        encoding="utf-8",
    )
    block = load_templates_from(folder).blocks["woord.proef"]
    assert block.paragraphs == ("Proef: een eerste regel en een tweede.", "Nieuwe alinea.")


def test_unknown_placeholder_names_file_line_block_and_placeholder(folder: Path) -> None:
    _edit(folder / "algemeen.txt", "Geachte {naam},", "Geachte {naaam},")
    with pytest.raises(TemplateError) as err:
        load_templates_from(folder)
    message = str(err.value)
    assert "algemeen.txt" in message
    assert "regel" in message
    assert "[aanhef.naam]" in message
    assert "{naaam}" in message
    assert "{naam}" in message  # says what is allowed


def test_missing_block_is_named(folder: Path) -> None:
    _edit(folder / "samen.txt", "[samen.groep.C]", "[samen.groep.X]")
    with pytest.raises(TemplateError, match=r"samen\.groep\.X"):
        load_templates_from(folder)
    _edit(folder / "samen.txt", "[samen.groep.X]", "# [samen.groep.C] weg\n[woord.x]\nX: y")
    with pytest.raises(TemplateError, match=r"ontbreken blokken: \[samen\.groep\.C\]"):
        load_templates_from(folder)


def test_duplicate_block_names_both_places(folder: Path) -> None:
    (folder / "dubbel.txt").write_text("[onderwerp]\nNog een onderwerp\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load_templates_from(folder)
    assert "dubbel.txt" in str(err.value) and "algemeen.txt" in str(err.value)


def test_stray_brace_and_empty_block_are_refused(folder: Path) -> None:
    _edit(folder / "algemeen.txt", "Geachte bewoner(s),", "Geachte bewoner(s) {,")
    with pytest.raises(TemplateError, match="accolade"):
        load_templates_from(folder)


def test_empty_block_is_refused(folder: Path) -> None:
    _edit(folder / "algemeen.txt", "Geachte bewoner(s),", "")
    with pytest.raises(TemplateError, match=r"\[aanhef\.zonder_naam\]: het blok is leeg"):
        load_templates_from(folder)


def test_coordinator_change_reaches_the_letter(folder: Path) -> None:
    _edit(folder / "algemeen.txt", "Met vriendelijke groet,", "Hartelijke groet uit {woonplaats},")
    templates = load_templates_from(folder)
    text = templates.text(
        "groet", adres="a", postcode="p", woonplaats="Loppersum", datum="d", kenmerk="k"
    )
    assert text == "Hartelijke groet uit Loppersum,"
