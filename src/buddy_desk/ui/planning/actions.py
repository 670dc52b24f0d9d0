"""Appointment actions shared by the Planning workspace and the dossier's Afspraken tab."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from buddy_desk.i18n import tr
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service.output import export_appointments
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_folder
from buddy_desk.ui.messages import show_error, show_info
from buddy_desk.ui.planning.dialogs import CancelDialog, MoveDialog

log = logging.getLogger(__name__)


def ask_export(ctx: AppContext, appointment_ids: Sequence[int], parent: QWidget) -> None:
    """Ask for a folder, then write the files off the GUI thread (~100 ms per appointment)."""
    chosen = ask_folder(parent, tr("planning.export.choose"))
    if chosen is None:
        return
    folder = str(chosen)
    ids = list(appointment_ids)

    def done(written: list[Path]) -> None:
        show_info(
            parent,
            tr("planning.export.done_title"),
            tr("planning.export.done", count=len(written), folder=folder),
        )

    def failed(exc: BaseException) -> None:
        show_error(parent, tr("planning.export.failed"), str(exc))

    viewer = viewer_of(ctx.user)
    ctx.ops.read(
        lambda uow: export_appointments(uow, ids, Path(folder), viewer=viewer),
        on_done=done,
        on_error=failed,
        parent=parent,
    )


def _landed(
    ctx: AppContext, appointment_id: int, parent: QWidget, on_done: Callable[[], None] | None
) -> Callable[[object], None]:
    def landed(_info: object) -> None:
        if on_done is not None:
            on_done()
        ask_export(ctx, [appointment_id], parent)

    return landed


def move_appointment(
    ctx: AppContext,
    appointment_id: int,
    parent: QWidget,
    on_done: Callable[[], None] | None = None,
) -> bool:
    """Ask where to, then move off the GUI thread; ``on_done`` once it landed. True if asked."""
    info = svc.get_appointment(ctx.new_uow(), appointment_id)
    dialog = MoveDialog(info, svc.list_experts(ctx.new_uow()), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    request, user = dialog.result_value(), ctx.user.username
    ctx.ops.write(
        lambda uow: svc.move(
            uow, appointment_id, request.start, request.reason, experts=request.experts, user=user
        ),
        dossiers=[info.dossier_id],
        on_done=_landed(ctx, appointment_id, parent, on_done),
        parent=parent,
        title=tr("planning.move.failed"),
    )
    return True


def cancel_appointment(
    ctx: AppContext,
    appointment_id: int,
    parent: QWidget,
    on_done: Callable[[], None] | None = None,
) -> bool:
    """Ask why, then cancel off the GUI thread; ``on_done`` once it landed. True if asked."""
    dialog = CancelDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    reason, user = dialog.reason.text(), ctx.user.username
    ctx.ops.write(
        lambda uow: svc.cancel(uow, appointment_id, reason, user=user),
        dossiers=lambda info: [info.dossier_id],
        on_done=_landed(ctx, appointment_id, parent, on_done),
        parent=parent,
        title=tr("planning.cancel.failed"),
    )
    return True
