"""Every file dialog of the app, built so that it never opens the database file.

Qt's own file dialog (and a platform's native one) reads files to draw them: the icon
provider sniffs each file's MIME type from its first bytes, so browsing the database's folder
opened and closed the database, which drops every SQLite lock this process holds
(``core/held_stores``). The dialogs made here are Qt's widget dialog (a native dialog runs
foreign code in our process), with an icon provider that decides by name only, with the held
database and its ``-wal``/``-shm``/``-journal`` files hidden, and a choice of one of those
files refused with a clear message.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFileIconProvider,
    QFileSystemModel,
    QStyle,
    QWidget,
)

from buddy_desk.core.held_stores import COMPANION_SUFFIXES, HeldStoreError, held_paths, refuse_held
from buddy_desk.i18n import tr
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.screen_fit import fit_to_screen


class Purpose(Enum):
    OPEN = "open"
    SAVE = "save"
    FOLDER = "folder"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file's kind and name; never reads a file's contents."""

    def __init__(self) -> None:
        super().__init__()
        style = QApplication.style()
        self._file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        self._link = style.standardIcon(QStyle.StandardPixmap.SP_FileLinkIcon)
        self._drive = style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def icon(self, what: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:
        if not isinstance(what, QFileInfo):
            return super().icon(what)
        if what.isRoot():
            return self._drive
        if what.isDir():
            return self._folder
        return self._link if what.isSymLink() else self._file

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return tr("files.type.folder")
        suffix = info.suffix()
        return tr("files.type.suffix", suffix=suffix.upper()) if suffix else tr("files.type.file")


class HideHeldStores(QSortFilterProxyModel):
    """Leaves the open database and its companion files out of the listing."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hidden = {
            str(p.with_name(p.name + suffix))
            for p in held_paths()
            for suffix in ("", *COMPANION_SUFFIXES)
        }

    def filterAcceptsRow(  # noqa: N802 (Qt's name)
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not isinstance(model, QFileSystemModel):
            return True
        return model.filePath(model.index(source_row, 0, source_parent)) not in self.hidden


class SafeFileDialog(QFileDialog):
    """The app's file dialog (see the module's docstring); use the functions below."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        purpose: Purpose,
        start: str = "",
        name_filter: str = "",
    ) -> None:
        super().__init__(parent, title, start, name_filter)
        self.setObjectName("fileDialog")
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.icons = NameOnlyIconProvider()  # kept alive here: Qt does not own it
        self.setIconProvider(self.icons)
        self.setProxyModel(HideHeldStores(self))
        fit_to_screen(self, text_size.scaled(720), text_size.scaled(460))
        if purpose is Purpose.SAVE:
            self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.setFileMode(QFileDialog.FileMode.AnyFile)
        elif purpose is Purpose.FOLDER:
            self.setFileMode(QFileDialog.FileMode.Directory)
            self.setOption(QFileDialog.Option.ShowDirsOnly, True)
        else:
            self.setFileMode(QFileDialog.FileMode.ExistingFile)

    def file_model(self) -> QFileSystemModel:
        model = self.findChild(QFileSystemModel)
        assert model is not None
        return model

    def chosen(self) -> Path | None:
        """The accepted path, or None (cancelled, or a file of the open database: said so)."""
        files = self.selectedFiles()
        if self.result() != QFileDialog.DialogCode.Accepted or not files:
            return None
        path = Path(files[0])
        try:
            refuse_held(path)
        except HeldStoreError as exc:
            from buddy_desk.ui.messages import show_error

            show_error(self.parentWidget(), tr("files.refused_title"), str(exc))
            return None
        return path


def _ask(dialog: SafeFileDialog) -> Path | None:
    dialog.exec()
    path = dialog.chosen()
    dialog.deleteLater()
    return path


def ask_open_file(
    parent: QWidget | None, title: str, start: str = "", name_filter: str = ""
) -> Path | None:
    """An existing file to read; None when cancelled."""
    return _ask(SafeFileDialog(parent, title, Purpose.OPEN, start, name_filter))


def ask_save_file(
    parent: QWidget | None, title: str, suggested: str = "", name_filter: str = ""
) -> Path | None:
    """Where to write (``suggested``: a file name or a full path); None when cancelled."""
    return _ask(SafeFileDialog(parent, title, Purpose.SAVE, suggested, name_filter))


def ask_folder(parent: QWidget | None, title: str, start: str = "") -> Path | None:
    """An existing folder; None when cancelled."""
    return _ask(SafeFileDialog(parent, title, Purpose.FOLDER, start))
