"""Every command with ``--json`` prints exactly one JSON document, or nothing when it fails.

The commands are found by walking the parser of ``buddy-desk``, so a new command with ``--json``
fails ``test_every_json_command_has_an_example`` until it gets an example invocation here — and
from then on it is held to the same rule as the others.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shlex
from pathlib import Path

import pytest
from sqlalchemy import text

from buddy_desk.cli import build_parser, main
from buddy_desk.persistence.schema import open_database

#: a successful call of every command with --json; ``{name}`` is filled from the demo database
EXAMPLES: dict[str, str] = {
    "dossiers": "dossiers --limit 3",
    "choices show": "choices show {dossier}",
    "choices record": "--user {ncg_user} choices record {dossier} --type vergoeding_voor_herstel "
    "--value ja",
    "choices correct": "--user {ncg_user} choices correct {choice_dossier} {choice_seq} "
    "--value na_elkaar --reason 'verkeerd genoteerd'",
    "choices withdraw": "--user {ncg_user} choices withdraw {withdraw_dossier} "
    "{withdraw_seq} --reason 'brief van de bewoner'",
    "import": "import runs",
    "verify-log": "verify-log",
    "samenloop": "samenloop",
    "letters": "letters --dossier {dossier} --out {out}",
    "signals": "signals --dossier {dossier}",
    "svip": "svip",
    "pairs": "pairs",
    "outreach": "--user {ncg_user} outreach --limit 3",
    "signals evaluate": "signals evaluate",
    "signals add": "signals add {dossier} nabellen --org IMG",
    "signals close": "signals close {open_signal} --outcome gebeld",
    "signals request": "signals request {dossier} 'wat is de stand?' --kind status_exchange "
    "--from IMG",
    "signals answer": "signals answer {open_request} 'in behandeling'",
    "signals requests": "signals requests {dossier}",
    "svip answer": "svip answer {open_request_2} 'in behandeling'",
    "pairs list": "pairs list",
    "pairs couple": "--user {coordinator} pairs couple {dossier} --img {img_user} "
    "--ncg {ncg_user} --reason 'nieuw paar'",
    "pairs accept": "--user {coordinator} pairs accept {proposed}",
    "pairs history": "pairs history {dossier}",
    "pairs workload": "pairs workload",
    "kitchen": "--user {ncg_user} kitchen {dossier}",
    "outreach list": "--user {ncg_user} outreach list --limit 3",
    "outreach record": "outreach record {outreach_target} --outcome geen_gehoor",
    "outreach contacts": "outreach contacts {dossier}",
    "outreach letters": "--user {ncg_user} outreach letters --limit 1 --out {out} --no-record",
    "journal": "--user {ncg_user} journal {dossier}",
    "plan queue": "plan queue --limit 3",
    "plan propose": "plan propose {dossier} --form simultaneous --today 2026-11-26",
    "plan book": "plan book {unplanned} --form simultaneous --option 1 --today 2026-11-26",
    "plan move": "plan move {appointment} --start '2027-06-15 09:00' --reason 'bewoner belde'",
    "plan cancel": "plan cancel {appointment_2} --reason 'toch apart'",
    "plan week": "plan week --start 2026-11-30 --limit 2 --today 2026-11-26",
    "plan experts": "plan experts",
    "plan expert show": "plan expert show {expert}",
    "plan expert add": "plan expert add --name 'Nieuwe deskundige' --org IMG",
    "plan expert edit": "plan expert edit {expert} --phone 0501234567",
    "plan expert absence-add": "plan expert absence-add {expert} --from 2027-02-01 --to 2027-02-02",
    "plan expert absence-remove": "plan expert absence-remove {absence}",
    "plan settings": "plan settings",
    "enrol": "enrol --server {missing} --user {ncg_user} --secret geheim",
    "sync": "sync",
    "conflicts": "conflicts",
    "take": "take {dossier}",
    "paths": "paths",
}

#: commands that cannot succeed without a sync server or an enrolled laptop: they are held to
#: the failure half of the rule here (their success is tested in tests/integration/sync)
NEEDS_SERVER = {"enrol", "sync", "take", "conflicts"}
#: commands that do not open the database (so a missing one is no failure for them)
NO_DATABASE = {"paths"}


def json_commands() -> list[str]:
    """The commands of ``buddy-desk`` that accept ``--json``, as typed ("plan expert show")."""
    found: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        if any("--json" in a.option_strings for a in parser._actions):
            found.append(" ".join(path))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action._name_parser_map.items():
                    walk(sub, [*path, name])

    walk(build_parser(), [])
    return sorted(found)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A demo database and the ids the examples need."""
    folder = tmp_path_factory.mktemp("json")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    assert main(["demo", "--db", url, "--scale", "0.02", "--seed", "3"]) == 0
    engine = open_database(url)

    def one(sql: str, offset: int = 0) -> str:
        with engine.connect() as conn:
            return str(conn.execute(text(f"{sql} LIMIT 1 OFFSET {offset}")).scalar_one())

    booked = "SELECT id FROM inspection_appointment WHERE state = 'booked' ORDER BY id"
    open_requests = "SELECT id FROM information_request WHERE answer IS NULL ORDER BY id"
    joint = "FROM choice_log_entry WHERE choice_type = 'gezamenlijke_opname' ORDER BY dossier_id"
    values = {
        "db": url,
        "out": str(folder / "out"),
        "missing": str(folder / "no-server.sqlite"),
        "dossier": one(
            "SELECT d.id FROM dossier d WHERE d.id IN (SELECT dossier_id FROM org_case "
            "GROUP BY dossier_id HAVING COUNT(DISTINCT organisation) = 2) ORDER BY d.id"
        ),
        "unplanned": one(
            "SELECT d.id FROM dossier d WHERE d.id NOT IN "
            "(SELECT dossier_id FROM inspection_appointment) AND d.id IN (SELECT dossier_id "
            "FROM org_case GROUP BY dossier_id HAVING COUNT(DISTINCT organisation) = 2) "
            "AND d.id NOT IN (SELECT dossier_id FROM choice_log_entry) ORDER BY d.id"
        ),
        "choice_dossier": one(f"SELECT dossier_id {joint}"),
        "choice_seq": one(f"SELECT seq {joint}"),
        "withdraw_dossier": one(f"SELECT dossier_id {joint}", 1),
        "withdraw_seq": one(f"SELECT seq {joint}", 1),
        "outreach_target": one("SELECT dossier_id FROM outreach_contact ORDER BY id"),
        "open_signal": one("SELECT id FROM signal WHERE state = 'open' ORDER BY id"),
        "open_request": one(open_requests),
        "open_request_2": one(open_requests, 1),
        "appointment": one(booked),
        "appointment_2": one(booked, 1),
        "expert": one("SELECT id FROM inspection_expert ORDER BY id"),
        "absence": one("SELECT id FROM expert_absence ORDER BY id"),
        "ncg_user": one("SELECT username FROM supervisor WHERE organisation = 'NCG' ORDER BY id"),
        "img_user": one("SELECT username FROM supervisor WHERE organisation = 'IMG' ORDER BY id"),
        "coordinator": one(
            "SELECT username FROM supervisor WHERE role = 'coordinator' ORDER BY id"
        ),
    }
    engine.dispose()
    Path(values["out"]).mkdir()
    listed = io.StringIO()
    with contextlib.redirect_stdout(listed):
        assert main(["pairs", "list", "--json", "--db", url]) == 0
    proposed = [r for r in json.loads(listed.getvalue()) if r["proposal"]]
    values["proposed"] = str(proposed[0]["dossier_id"])
    return values


def _argv(command: str, values: dict[str, str], db: str) -> list[str]:
    return [*shlex.split(EXAMPLES[command].format(**values)), "--json", "--db", db]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_one_document_or_nothing(code: int, out: str, argv: list[str]) -> None:
    if code == 2:
        assert out == "", f"{' '.join(argv)} failed (exit 2) but printed on stdout: {out!r}"
        return
    json.loads(out)  # exactly one document: trailing text or a second document fails here


def test_every_json_command_has_an_example() -> None:
    commands = json_commands()
    assert len(commands) > 30  # the walk reaches nested commands (plan expert show, choices …)
    assert set(commands) - set(EXAMPLES) == set(), "add an example for the new command"
    assert set(EXAMPLES) - set(commands) == set(), "an example for a command that is gone"


@pytest.mark.parametrize("command", json_commands())
def test_json_output_is_one_document(
    command: str, demo: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _argv(command, demo, demo["db"])
    code, out, err = _run(argv, capsys)
    _assert_one_document_or_nothing(code, out, argv)
    if command in NEEDS_SERVER:
        assert code == 2, "without a server this command cannot succeed"
    else:
        assert code in (0, 1), f"{' '.join(argv)}: {err}"
        assert isinstance(json.loads(out), (dict, list))


@pytest.mark.parametrize("command", json_commands())
def test_json_failure_prints_nothing_on_stdout(
    command: str, demo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a database that is not there: every command fails before it has a result
    if command in NO_DATABASE:
        return
    missing = _argv(command, {**demo, "out": str(tmp_path)}, str(tmp_path / "gone" / "x.db"))
    code, out, err = _run(missing, capsys)
    assert (code, out) == (2, ""), " ".join(missing)
    assert err.startswith("buddy-desk: ") and err.count("\n") == 1  # one line on stderr
    # ids that do not exist: either a clear failure with nothing on stdout, or one document
    unknown = [("999999" if w.isdigit() else w) for w in _argv(command, demo, demo["db"])]
    code, out, _err = _run(unknown, capsys)
    _assert_one_document_or_nothing(code, out, unknown)
