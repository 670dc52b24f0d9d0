"""Appointment actions shared by the Planning workspace and the dossier's Afspraken tab."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from buddy_desk.errors import BuddyDeskError
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


def move_appointment(ctx: AppContext, appointment_id: int, parent: QWidget) -> bool:
    info = svc.get_appointment(ctx.new_uow(), appointment_id)
    dialog = MoveDialog(info, svc.list_experts(ctx.new_uow()), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    request = dialog.result_value()
    try:
        svc.move(
            ctx.new_uow(),
            appointment_id,
            request.start,
            request.reason,
            experts=request.experts,
            user=ctx.user.username,
        )
    except BuddyDeskError as exc:
        show_error(parent, tr("planning.move.failed"), str(exc))
        return False
    ctx.events.dossier_changed.emit(info.dossier_id)
    ask_export(ctx, [appointment_id], parent)
    return True


def cancel_appointment(ctx: AppContext, appointment_id: int, parent: QWidget) -> bool:
    dialog = CancelDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        info = svc.cancel(
            ctx.new_uow(), appointment_id, dialog.reason.text(), user=ctx.user.username
        )
    except BuddyDeskError as exc:
        show_error(parent, tr("planning.cancel.failed"), str(exc))
        return False
    ctx.events.dossier_changed.emit(info.dossier_id)
    ask_export(ctx, [appointment_id], parent)
    return True
