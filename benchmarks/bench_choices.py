"""Choice log figures: record a choice (commit incl. fsync), open a gated dossier, verify all.

Targets: recording a choice ≤ 100 ms (it happens at the kitchen table, while the resident
waits), the consent-gated dossier load ≤ 150 ms (the dossier view's budget), verify-log over
every chain of the full-scale demo ≤ 5 s.
"""

from __future__ import annotations

from itertools import count

from sqlalchemy import select

from benchmarks.harness import BenchContext, BenchResult, measure


def run(ctx: BenchContext) -> list[BenchResult]:
    from buddy_desk.choices.rules import Actor, Channel, ChoiceType
    from buddy_desk.choices.service.consent import view_dossier
    from buddy_desk.choices.service.log import NewChoice, record_choice, verify_log
    from buddy_desk.core.phases import Organisation
    from buddy_desk.models.choices import ChoiceLogHead
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork

    path = ctx.fresh_copy("choices")
    engine = open_database(f"sqlite:///{path}", create=False)
    try:
        uow = UnitOfWork(engine)
        with uow:
            dossiers = list(uow.session.scalars(select(ChoiceLogHead.dossier_id).limit(50)))
        if not dossiers:
            return [BenchResult.info("keuzes: geen demodossiers met keuzes", 0, "")]
        actor = Actor("bench", "Bench", Organisation.NCG, "supervisor")
        turn = count()
        values = ("gelijktijdig", "na_elkaar")

        def record() -> None:
            n = next(turn)
            record_choice(
                uow,
                dossiers[n % len(dossiers)],
                NewChoice(ChoiceType.JOINT_INSPECTION, values[n % 2], Channel.PHONE),
                actor,
            )

        rec = measure(record, repeat=30)
        view = measure(lambda: view_dossier(uow, dossiers[0], actor), repeat=20)
        verify = measure(lambda: verify_log(uow), repeat=3)
        entries = verify_log(uow).entries
    finally:
        engine.dispose()
    return [
        BenchResult.at_most("keuzes: keuze vastleggen (mediaan)", rec.median_ms, "ms", 100),
        BenchResult.at_most(
            "keuzes: dossier laden met toestemmingscontrole", view.median_ms, "ms", 150
        ),
        BenchResult.at_most(f"keuzes: verify-log, {entries} regels", verify.median_ms, "ms", 5000),
    ]
