"""Two imports of the same export at once take turns: no duplicate supervisor or address,
no integrity error for either of them. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.samples import write_exports
from buddy_desk.importing.service import import_file
from buddy_desk.models import Address, Supervisor
from buddy_desk.persistence.unit_of_work import UnitOfWork


def _counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Supervisor)).scalar_one(),
            conn.execute(select(func.count()).select_from(Address)).scalar_one(),
            conn.execute(select(func.count(func.distinct(Address.match_key)))).scalar_one(),
        )


@pytest.mark.slow
def test_two_imports_at_once_add_each_supervisor_and_address_once(
    engine: Engine, tmp_path: Path
) -> None:
    ncg, img = write_exports(tmp_path, 400, 400, seed=3)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(path: Path, kind: ExportKind) -> None:
        start.wait()
        try:
            import_file(UnitOfWork(engine), kind, path)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(ncg, ExportKind.NCG)),
        threading.Thread(target=run, args=(img, ExportKind.IMG)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    supervisors, addresses, distinct = _counts(engine)
    assert addresses == distinct
    with engine.connect() as conn:
        names = conn.execute(select(Supervisor.organisation, Supervisor.naam)).all()
    assert len(names) == len(set(names)) == supervisors
