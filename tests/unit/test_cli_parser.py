"""Every feature's commands fit into one parser (options every command shares are not
declared twice) and each says what it does."""

from __future__ import annotations

import argparse

import pytest

from buddy_desk.cli import build_parser


def test_every_command_builds_and_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {"dossiers", "letter", "choices", "plan", "import", "pairs", "journal"} <= set(
        sub.choices
    )
    for name, command in sub.choices.items():
        assert command.format_help(), name
    args = parser.parse_args(["letter", "5", "--out", "x.pdf", "--user", "anna"])
    assert args.user == "anna"
