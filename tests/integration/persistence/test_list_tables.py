"""The Core declarations the start-up reads the list with (``persistence.list_tables``,
``choices.service.list_gate``) say what the models say, and read what the ORM reads."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, func, select

import buddy_desk.models.all_models  # noqa: F401
from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.list_gate import choice_log_entry, consent_entries
from buddy_desk.choices.service.log import NewChoice, _entries, record_choice, withdraw_choice
from buddy_desk.core.phases import Organisation
from buddy_desk.models.base import Base
from buddy_desk.persistence import list_tables
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

CORE_TABLES = [
    list_tables.address,
    list_tables.dossier,
    list_tables.dossier_listing,
    list_tables.dossier_search_word,
    choice_log_entry,
]


@pytest.mark.parametrize("core", CORE_TABLES, ids=lambda t: t.name)
def test_each_core_column_is_the_models_column(core: Table) -> None:
    model = Base.metadata.tables[core.name]
    for column in core.columns:
        assert column.name in model.columns, f"{core.name}.{column.name} is not in the model"
        declared = model.columns[column.name]
        assert column.nullable == declared.nullable, f"{core.name}.{column.name}: nullable"
        assert column.primary_key == declared.primary_key, f"{core.name}.{column.name}: key"
        core_type = getattr(column.type, "impl", column.type)
        model_type = getattr(declared.type, "impl", declared.type)
        assert type(core_type) is type(model_type), f"{core.name}.{column.name}: type"
        assert getattr(core_type, "length", None) == getattr(model_type, "length", None)
        enums = getattr(model_type, "enums", None)
        assert getattr(core_type, "enums", None) == enums, f"{core.name}.{column.name}"


def test_the_gate_reads_the_choice_log_as_the_orm_does(uow: UnitOfWork) -> None:
    dossier_id = make_dossier(uow)
    actor = Actor("zb.img", "Zaakbegeleider", Organisation.IMG)
    consent = NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        direction=Direction.IMG_TO_NCG,
        purpose="Samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.VERBAL,
    )
    entry = record_choice(uow, dossier_id, consent, actor)
    withdraw_choice(
        uow,
        dossier_id,
        entry.seq,
        actor,
        channel=Channel.KITCHEN_TABLE,
        effective_from=entry.made_at,
    )
    with uow:
        orm = [e for e in _entries(uow, dossier_id) if e.choice_type is ChoiceType.DATA_SHARING]
        assert orm, "the consent was recorded"
    with uow.reading() as conn:
        core = consent_entries(conn, [dossier_id])[dossier_id]
        assert conn.execute(select(func.count()).select_from(choice_log_entry)).scalar_one()
    assert core == orm


def test_a_pages_verdicts_read_only_that_pages_consents(uow: UnitOfWork) -> None:
    """The gate reads the consents of the page's dossiers by their (dossier, seq) key (from
    ten dossiers on, SQLite without statistics planned otherwise); with
    the kind of choice in the query, SQLite read every consent of the province through the
    kind's index for each page (47 ms a page at 310,000 dossiers, on every keystroke)."""
    from sqlalchemy import event

    actor = Actor("zb.img", "Zaakbegeleider", Organisation.IMG)
    consent = NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        direction=Direction.IMG_TO_NCG,
        purpose="Samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.VERBAL,
    )
    ids = [make_dossier(uow, straat=f"Kerkstraat {n}") for n in range(12)]
    joint = NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.PHONE)
    for dossier_id in ids:
        record_choice(uow, dossier_id, joint, actor)
        record_choice(uow, dossier_id, consent, actor)
    statements: list[tuple[str, object]] = []

    def seen(_conn: object, _cursor: object, sql: str, params: object, *_args: object) -> None:
        statements.append((sql, params))

    with uow.reading() as conn:
        every = consent_entries(conn, None)
        event.listen(conn.engine, "before_cursor_execute", seen)
        try:
            page = consent_entries(conn, ids[:10])
        finally:
            event.remove(conn.engine, "before_cursor_execute", seen)
        # the same consents as reading the whole log, only the data-sharing ones, in order
        assert page == {i: every[i] for i in ids[:10]}
        assert all(e.choice_type is ChoiceType.DATA_SHARING for i in ids for e in every[i])
        assert [len(page[i]) for i in ids[:10]] == [1] * 10
        if conn.dialect.name == "sqlite":
            (sql, params), *_ = statements
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)  # type: ignore[arg-type]
            )
            assert "(dossier_id=?)" in plan and "ix_choice_log_entry_type" not in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # the key's order is the log's order
