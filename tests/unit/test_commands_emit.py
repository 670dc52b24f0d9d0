"""``commands.emit``: the one way a command prints its result."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from buddy_desk.commands import EXIT_FAILED, emit


def test_json_or_text_and_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    data = {"adres": "Hoofdstraat 1, Ten Boer", "ok": False}
    assert emit(argparse.Namespace(json=True), data, "tekst", code=EXIT_FAILED) == EXIT_FAILED
    out = capsys.readouterr().out
    assert json.loads(out) == data
    assert emit(argparse.Namespace(json=False), data, "tekst") == 0
    assert capsys.readouterr().out == "tekst\n"
    assert emit(argparse.Namespace(), data, lambda: print("a\nb")) == 0  # no --json option
    assert capsys.readouterr().out == "a\nb\n"


def test_a_console_that_cannot_encode_still_gets_one_whole_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp1252")  # a Windows console
    monkeypatch.setattr("sys.stdout", console)
    data = {"straat": "Ō-weg → 3", "bewoner": "Ærøskøbing"}
    emit(argparse.Namespace(json=True), data, "")
    console.flush()
    assert json.loads(raw.getvalue().decode("cp1252")) == data
