"""A revoked laptop wipes itself: verify-log passes and says so; no resident's data is left
in the database file, its WAL or its backups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from buddy_desk.choices.service.log import record_choice, verify_log
from buddy_desk.cli import main as cli_main
from buddy_desk.dossiers.service import save_note
from buddy_desk.persistence.encryption import connect_file
from buddy_desk.persistence.schema import backup_sqlite, open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from buddy_desk.sync.wipe import copies_of, wal_size
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice, _held

pytestmark = pytest.mark.postgres
SECRETS = (b"Veenstra", b"Kippenhok", b"Teststraat")  # a resident, a note, a street


def _readable(file: Path) -> bytes:
    """What a reader with the laptop's key finds in ``file``: a database's decrypted
    content (every file is SQLCipher-encrypted, so its raw bytes prove nothing), or else
    its bytes."""
    try:
        conn = connect_file(file, read_only=True)
        try:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            rows = [repr(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables]
            return "\n".join(rows).encode()
        finally:
            conn.close()
    except Exception:  # not a database (a partial copy, the WAL): its raw bytes
        return file.read_bytes()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()]


def test_a_revoked_laptop_leaves_a_verifiable_empty_database(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "laptop"
    folder.mkdir()
    anna = enrol_laptop(team, folder, "anna")
    path = Path(str(anna.engine.url.database))
    # offline work: queued in the outbox, written to the WAL
    record_choice(
        anna, team.shared, _choice("Kippenhok achter het huis"), team.actor("anna"), now=T0
    )
    save_note(
        anna, team.shared, "Kippenhok lekt", team.actor("anna").username, base_updated_at=None
    )
    backup = backup_sqlite(path, "0008")  # what a migration leaves next to the file
    (folder / f"{path.name}.part").write_bytes(b"Veenstra half geschreven")
    assert all(s in _readable(backup) for s in SECRETS)
    assert verify_log(anna).ok

    service.revoke_user(team.url, team.secrets["anna_login"])
    with pytest.raises(service.RevokedError, match="ingetrokken"):
        service.sync(anna)

    assert _held(anna) == set()
    assert copies_of(path) == [] and not backup.exists()
    assert wal_size(path) == 0
    anna.engine.dispose()
    for file in _files(folder):
        content = file.read_bytes() + _readable(file)
        for secret in SECRETS:
            assert secret not in content, f"{secret!r} still in {file.name}"

    # the privacy officer checks the laptop: the log verifies and tells what happened
    url = f"sqlite:///{path}"
    capsys.readouterr()
    assert cli_main(["verify-log", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "GEWIST" in out and "laptop ingetrokken door de teamserver" in out
    assert "2 dossier(s)" in out and team.secrets["anna_login"] in out and "in orde" in out
    assert cli_main(["verify-log", "--db", url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["access_rows"] == 0
    (wipe,) = report["wipes"]
    assert wipe["intact"] and wipe["dossiers"] == 2 and wipe["access_rows"] > 0

    # the record of the wipe is sealed: changing it is reported
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE access_log_wipe SET dossiers = 0"))
    engine.dispose()
    assert cli_main(["verify-log", "--db", url]) == 1
    assert "FOUT  de vastlegging van het wissen is achteraf gewijzigd" in capsys.readouterr().out
    assert not verify_log(UnitOfWork(open_database(url))).ok
