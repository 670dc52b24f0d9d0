"""The shell: menus from one actions table, a status bar, and tabs (list, workspaces, dossiers).

It routes and nothing more: screens live in ``ui/<feature>/``; features plug in through
``ui/extensions`` (workspaces, dossier sections and actions, menu actions).
"""

from __future__ import annotations

import importlib
import logging
import sys
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from buddy_desk.errors import BuddyDeskError, NotFoundError
from buddy_desk.i18n import current_language, set_language, tr
from buddy_desk.ui import messages
from buddy_desk.ui.actions import ACTIONS, MENUS, ActionSpec, Shortcut
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.list_view import DossierListView
from buddy_desk.ui.extensions import MenuAction, UiRegistry, Workspace
from buddy_desk.ui.profile import window_title
from buddy_desk.ui.qt_translations import apply_qt_language
from buddy_desk.ui.settings import AppSettings, save_settings, save_settings_soon
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.accessible import retranslate_accessibility
from buddy_desk.ui.widgets.idle import when_idle
from buddy_desk.ui.widgets.lazy_page import LazyPage, focus_first_child

if TYPE_CHECKING:
    from buddy_desk.core.summaries import DossierDetail
    from buddy_desk.ui.dossiers.decisions import Decisions
    from buddy_desk.ui.dossiers.dossier_view import DossierView

_DOSSIER_VIEW = "buddy_desk.ui.dossiers.dossier_view"

log = logging.getLogger(__name__)


def _apply_qt_language_now() -> None:
    apply_qt_language(current_language())
    # its LanguageChange to every widget within this turn, not with the next piece of work
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


class MainWindow(QMainWindow):
    dossier_opened = Signal(int)
    """A dossier tab was opened or brought to the front; arg: dossier id."""

    def __init__(
        self,
        ctx: AppContext,
        settings: AppSettings | None = None,
        registry: UiRegistry | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings or AppSettings()
        self.registry = registry or UiRegistry()
        self.log_path: str | None = None
        self._dossiers: dict[int, DossierView] = {}
        self._loading: set[int] = set()  # dossiers whose data is being read to open them
        self._workspaces: list[tuple[Workspace, LazyPage]] = []
        self._menus: dict[str, QMenu] = {}
        self._actions: dict[str, tuple[ActionSpec | MenuAction, QAction]] = {}

        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspaceTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.setCentralWidget(self.tabs)
        self.list_view = DossierListView(ctx)
        self._add_fixed_tab(self.list_view)
        for workspace in self.registry.workspaces:
            widget = LazyPage(workspace.id, partial(workspace.factory, ctx))
            self._workspaces.append((workspace, widget))
            self._add_fixed_tab(widget)
        self._build_menus()
        self.statusBar().setSizeGripEnabled(True)
        self.warmed_up = False

        ctx.events.open_dossier_requested.connect(self.request_dossier)
        ctx.events.language_changed.connect(self._on_events_language_changed)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.aboutToQuit.connect(self.flush_all)
        self._restore_geometry()
        self.retranslate()
        self.list_view.reload()
        # the first page is read and shown with SQLAlchemy Core only; the ORM, the models
        # and the services behind the dossier view load on a worker once it is there (off
        # the path to a usable window, yet ready before the first dossier opens), then the
        # status bar's widgets and the dossier tab's Qt modules, then the workspaces' heavy
        # Qt-free modules (ui/warmup.py)
        self.list_view.rows_loaded.connect(self._on_list_view_rows_loaded)

    def _on_list_view_rows_loaded(self, *_args: object) -> None:
        from buddy_desk.ui.warmup import after_paint

        self.list_view.rows_loaded.disconnect(self._on_list_view_rows_loaded)
        after_paint(self.list_view.table.viewport(), self._warm_up)

    def _warm_up(self) -> None:
        from buddy_desk.core.gc_pause import resume_after_start
        from buddy_desk.ui.warmup import warm_up

        resume_after_start()  # the first page has painted (``buddy_desk.__main__`` paused it)
        warm_up(self.ctx.tasks, on_done=self._on_start_modules_loaded)

    def _on_start_modules_loaded(self, _result: None) -> None:
        from shiboken6 import isValid

        from buddy_desk.ui.warmup import WORKSPACE_MODULES, warm_up

        if not isValid(self):  # closed and deleted while the modules loaded
            return
        for status_widget in self.registry.status_widgets:
            self.statusBar().addPermanentWidget(status_widget.factory(self.ctx))
        QTimer.singleShot(0, self, self._import_dossier_view)
        warm_up(
            self.ctx.tasks, modules=WORKSPACE_MODULES, on_done=self._on_workspace_modules_loaded
        )

    def _on_workspace_modules_loaded(self, _result: None) -> None:
        from buddy_desk.ui.warmup import import_one_by_one

        # a dossier's tabs first: a dossier is what a user opens first
        modules = [s.module for s in self.registry.dossier_sections if s.module is not None]
        modules += [w.module for w in self.registry.workspaces if w.module is not None]
        import_one_by_one(modules, then=self._keep_collections_quiet)

    def _keep_collections_quiet(self) -> None:
        from shiboken6 import isValid

        from buddy_desk.ui.heap import QuietCollector

        if isValid(self):
            self.collector = QuietCollector(self)  # start-up is done: what it made stays

    def _import_dossier_view(self) -> None:
        importlib.import_module(_DOSSIER_VIEW)  # Qt classes: on the GUI thread, after a paint
        self.warmed_up = True  # the start path is complete: a dossier opens without waiting

    # -- building ---------------------------------------------------------------------------
    def _add_fixed_tab(self, widget: QWidget) -> None:
        index = self.tabs.addTab(widget, "")
        self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, None)
        self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.LeftSide, None)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for menu_id, _key in MENUS:
            self._menus[menu_id] = bar.addMenu("")
        languages = QActionGroup(self)
        feature_items = sorted(self.registry.menu_actions, key=lambda a: (a.menu, a.order))
        for spec in ACTIONS:
            action = self._make_action(spec.id, spec.shortcuts, spec.checkable)
            action.triggered.connect(lambda _c=False, s=spec: s.handler(self))
            if spec.separator_before:
                self._menus[spec.menu].addSeparator()
            self._menus[spec.menu].addAction(action)
            self._actions[spec.id] = (spec, action)
            if spec.id.startswith("view.lang."):
                languages.addAction(action)
                action.setChecked(spec.id.endswith(current_language()))
        quit_action = self._actions["file.quit"][1]
        for i, item in enumerate(feature_items):
            menu = self._menus.get(item.menu, self._menus["tools"])
            action = self._make_action(item.id, (item.shortcut,) if item.shortcut else (), False)
            action.triggered.connect(lambda _c=False, it=item: self._run_menu_action(it))
            first_of_menu = i == 0 or feature_items[i - 1].menu != item.menu
            if menu is self._menus["file"]:
                # feature entries (Importeren…) belong above Afsluiten, as in every desktop app
                if first_of_menu:
                    menu.insertSeparator(quit_action)
                menu.insertAction(quit_action, action)
            else:
                if first_of_menu:
                    menu.addSeparator()
                menu.addAction(action)
            self._actions[item.id] = (item, action)
        for i, (workspace, widget) in enumerate(self._workspaces):
            action = self._make_action(
                f"workspace.{workspace.id}",
                (workspace.shortcut,) if workspace.shortcut else (),
                False,
            )
            action.triggered.connect(lambda _c=False, w=widget: self.show_workspace(w))
            self._menus["view"].insertAction(self._actions["view.reload"][1], action)
            self._actions[f"workspace.{workspace.id}"] = (
                MenuAction("view", workspace.id, workspace.title_key, lambda c, p: None, order=i),
                action,
            )
        self._menus["tools"].menuAction().setVisible(not self._menus["tools"].isEmpty())

    def _make_action(
        self, action_id: str, shortcuts: tuple[Shortcut, ...], checkable: bool
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(action_id)
        action.setCheckable(checkable)
        keys: list[QKeySequence] = []
        for s in shortcuts:
            for key in [QKeySequence(s)] if isinstance(s, str) else QKeySequence.keyBindings(s):
                if key not in keys:
                    keys.append(key)
        if keys:
            action.setShortcuts(keys)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _run_menu_action(self, item: MenuAction) -> None:
        try:
            item.handler(self.ctx, self)
        except BuddyDeskError as exc:
            messages.show_error(self, tr("ui.error.action_title"), str(exc))

    def retranslate(self) -> None:
        for menu_id, key in MENUS:
            self._menus[menu_id].setTitle(tr(key))
        for spec, action in self._actions.values():
            action.setText(tr(spec.text_key))
        self.tabs.setTabText(0, tr("ui.tab.list"))
        for workspace, widget in self._workspaces:
            self.tabs.setTabText(self.tabs.indexOf(widget), tr(workspace.title_key))
        self.update_title()

    def update_title(self) -> None:
        self.setWindowTitle(window_title(self.ctx.user, self.ctx.db_label))

    # -- dossier tabs -----------------------------------------------------------------------
    def request_dossier(self, dossier_id: int) -> None:
        """Open a dossier as a user asks for it (the list, a workspace, a dialog): its data is
        read on a worker, its tab is built when the data is there (``dossier_opened``)."""
        if dossier_id in self._dossiers:
            self.open_dossier(dossier_id)  # already open: to the front
            return
        if dossier_id in self._loading:
            return  # a second click while the first one loads
        self._await_dossier_view()
        from buddy_desk.ui.dossiers.data import load_view

        self._loading.add(dossier_id)
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        ctx = self.ctx

        def done(loaded: tuple[DossierDetail, Decisions]) -> None:
            view = self._new_dossier_view(dossier_id, loaded)
            if view is None:
                self._loaded(dossier_id)
                return
            # the tab is added and laid out once the window has had a turn: building and
            # showing it in one go kept the window from painting for longer than a frame
            when_idle(self, lambda: self._front_new_tab(view))

        def failed(exc: BaseException) -> None:
            self._loaded(dossier_id)
            messages.show_error(self, tr("ui.error.open_title"), str(exc))

        ctx.ops.read(
            lambda _uow: load_view(ctx, dossier_id),
            on_done=done,
            on_error=failed,
            parent=self,
            quick=True,
        )

    def _await_dossier_view(self) -> None:
        if _DOSSIER_VIEW not in sys.modules:  # opened before the warm-up got there: it waits
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
            try:
                importlib.import_module(_DOSSIER_VIEW)
            finally:
                QApplication.restoreOverrideCursor()

    def open_dossier(
        self, dossier_id: int, loaded: tuple[DossierDetail, Decisions] | None = None
    ) -> DossierView | None:
        """The dossier's tab, opened now (its data read here unless ``loaded``) and in front."""
        view = self._dossiers.get(dossier_id)
        if view is None:
            view = self._new_dossier_view(dossier_id, loaded)
        if view is None:
            return None
        self._front(view)
        return view

    def _new_dossier_view(
        self, dossier_id: int, loaded: tuple[DossierDetail, Decisions] | None
    ) -> DossierView | None:
        self._await_dossier_view()
        from buddy_desk.ui.dossiers.dossier_view import DossierView

        try:
            return DossierView(self.ctx, dossier_id, self.registry, loaded=loaded)
        except NotFoundError as exc:
            messages.show_error(self, tr("ui.error.open_title"), str(exc))
            return None

    def _loaded(self, dossier_id: int) -> None:
        """The read ``request_dossier`` started is over (opened or not)."""
        self._loading.discard(dossier_id)
        QApplication.restoreOverrideCursor()

    def _front_new_tab(self, view: DossierView) -> None:
        self._loaded(view.dossier_id)
        opened = self._dossiers.get(view.dossier_id)
        if opened is not None and opened is not view:  # opened directly meanwhile (a tool)
            view.deleteLater()
            view = opened
        self._front(view)

    def _front(self, view: DossierView) -> None:
        """``view``'s tab in front (added first if it is new)."""
        if view.dossier_id not in self._dossiers:
            self._dossiers[view.dossier_id] = view
            index = self.tabs.addTab(view, view.tab_title)
            self.tabs.setTabToolTip(index, view.tab_title)
            close = QToolButton()
            close.setObjectName("tabClose")
            close.setText("×")
            text_size.set_points(close, 13)
            close.setAutoRaise(True)
            close.setToolTip(tr("ui.action.close_tab") + " (Ctrl+W)")
            close.clicked.connect(lambda _c=False, v=view: self.close_tab(self.tabs.indexOf(v)))
            self.tabs.tabBar().setTabButton(index, QTabBar.ButtonPosition.RightSide, close)
            view.title_changed.connect(lambda title, v=view: self._on_view_title_changed(v, title))
        self.tabs.setCurrentWidget(view)
        self.dossier_opened.emit(view.dossier_id)

    def open_dossiers(self) -> dict[int, DossierView]:
        return dict(self._dossiers)

    def close_tab(self, index: int) -> bool:
        widget = self._dossier_tab(index)
        if widget is None:
            return False
        if not widget.flush_notes():
            messages.show_error(self, tr("ui.error.notes_title"), tr("ui.error.notes_not_saved"))
            return False
        self._dossiers.pop(widget.dossier_id, None)
        self.tabs.removeTab(index)
        widget.deleteLater()
        return True

    def _dossier_tab(self, index: int) -> DossierView | None:
        widget = self.tabs.widget(index)
        return next((v for v in self._dossiers.values() if v is widget), None)

    def current_dossier_id(self) -> int | None:
        """The dossier whose tab is in front, if a dossier tab is."""
        view = self._dossier_tab(self.tabs.currentIndex())
        return view.dossier_id if view is not None else None

    def close_current_tab(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def cycle_tabs(self, step: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def _on_view_title_changed(self, view: DossierView, title: str) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, title)

    # -- commands ---------------------------------------------------------------------------
    def show_list(self) -> None:
        self.show_workspace(self.list_view)

    def show_workspace(self, page: QWidget) -> None:
        """Bring a page to the front and move the keyboard focus onto it."""
        self.tabs.setCurrentWidget(page)
        if isinstance(page, LazyPage):
            page.content()
        focus_first_child(page)

    def focus_search(self) -> None:
        self.show_list()
        self.list_view.focus_search()

    def focus_notes(self) -> None:
        view = self._dossier_tab(self.tabs.currentIndex())
        if view is not None:
            view.show_notes()

    def reload_list(self) -> None:
        self.ctx.events.dossiers_reloaded.emit()

    def set_language(self, language: str) -> None:
        if language == current_language():
            return
        set_language(language)
        self.settings.language = language
        save_settings_soon(self.settings)
        self.ctx.events.language_changed.emit(language)
        # Qt's own catalog (standard buttons) in a turn of its own, after the views: installing
        # it sends every widget of the app a LanguageChange, 10–35 ms on the full demo database
        when_idle(self, _apply_qt_language_now)

    def change_profile(self) -> None:
        from buddy_desk.dossiers.profiles import list_accounts
        from buddy_desk.ui.profile_dialog import ask_profile

        profile = ask_profile(list_accounts(self.ctx.new_uow()), self.ctx.user, self)
        if profile is None:
            return
        self.ctx.user = profile
        self.settings.profile = profile
        save_settings(self.settings)
        self.list_view.mine_check.setEnabled(profile.supervisor_id is not None)
        self.list_view.retranslate()
        self.update_title()
        # the consent gate depends on the organisation: show the list and open dossiers anew
        self.list_view.reload()
        for dossier_id in self.open_dossiers():
            self.ctx.events.dossier_changed.emit(dossier_id)
        log.info("profile changed (supervisor linked: %s)", profile.supervisor_id is not None)

    def request_quit(self) -> None:
        self.close()

    def show_log_location(self) -> None:
        messages.show_info(self, tr("ui.action.show_log"), self.log_path or tr("ui.log.none"))

    def show_about(self) -> None:
        from buddy_desk import __version__

        messages.show_info(self, tr("ui.action.about"), tr("ui.about", version=__version__))

    # -- closing ----------------------------------------------------------------------------
    def flush_all(self) -> bool:
        """Save every open dossier's notes; False if any could not be saved."""
        # a list, not a generator: every view must try to save, even after one fails
        return all([view.flush_notes() for view in self._dossiers.values()])  # noqa: C419

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.flush_all():
            messages.show_error(self, tr("ui.error.notes_title"), tr("ui.error.notes_not_saved"))
            event.ignore()
            return
        self.settings.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        save_settings(self.settings)
        self.ctx.close()
        event.accept()

    def _restore_geometry(self) -> None:
        if self.settings.geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.geometry.encode("ascii")))
        else:
            self.resize(1366, 768)

    def _on_events_language_changed(self, language: str) -> None:
        for spec, action in self._actions.values():
            if spec.id.startswith("view.lang."):
                action.setChecked(spec.id.endswith(language))
        self.retranslate()
        for _workspace, page in self._workspaces:
            page.follow_language()
        # names set once by views that are kept, not rebuilt; every widget of the app is
        # walked, once the window has painted the switch
        when_idle(self, retranslate_accessibility)
