"""Every UI write goes through ``ctx.ops.write`` (``ui/operations.py``): off the GUI thread, one
error path, and ``dossier_changed`` emitted in that one place after the write committed.

A *write function* is a function of a feature (or of the shared, Qt-free code) that commits a
unit of work or asks it for writing — directly, or by calling another write function. In
``ui/`` such a call must sit in the job handed to ``ops.write`` (a lambda or a local function
passed to it), and nothing but ``ui/operations.py`` emits ``dossier_changed``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import buddy_desk

PACKAGE = Path(buddy_desk.__file__).resolve().parent

#: reads that commit only to log who saw what (the access log, disclosures): no dossier changes
READS: frozenset[str] = frozenset(
    {
        "buddy_desk.choices.service.consent.view_dossier",
        "buddy_desk.kitchen.service.kitchen_view",
        "buddy_desk.letters.service.summary_letter_for",
        "buddy_desk.attachments.service.open_document",
        "buddy_desk.samenloop.service.export_list",
        "buddy_desk.samenloop.service.export_query",
        "buddy_desk.planning.service.output.export_appointments",
    }
)

#: not moved yet (issue 10): each is a write on the GUI thread. Shrink this list; never grow it.
NOT_YET_MOVED: frozenset[str] = frozenset()

#: emits dossier_changed without a write: a new profile changes what the consent gate shows,
#: so every open dossier is shown anew (the data did not change)
NOT_A_WRITE: frozenset[str] = frozenset({"buddy_desk.ui.main_window.change_profile"})

ALLOWED = NOT_YET_MOVED | NOT_A_WRITE


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class _Module:
    name: str
    tree: ast.Module
    #: local name -> fully qualified name ("buddy_desk.x.service.f" or "buddy_desk.x.service")
    imports: dict[str, str] = field(default_factory=dict)


@cache
def _modules() -> dict[str, _Module]:
    found: dict[str, _Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        module = _Module(name, ast.parse(path.read_text(encoding="utf-8")))
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    module.imports[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
        found[name] = module
    return found


def _callee(module: _Module, call: ast.Call) -> str | None:
    """The qualified name a call resolves to through the module's imports, if it does."""
    func = call.func
    if isinstance(func, ast.Name):
        return module.imports.get(func.id, f"{module.name}.{func.id}")
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        base = module.imports.get(func.value.id)
        return f"{base}.{func.attr}" if base else None
    return None


def _commits(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in {"commit", "for_writing"}
        for n in ast.walk(function)
    )


@cache
def write_functions() -> frozenset[str]:
    """Qualified names of the Qt-free functions that write, found to a fixed point."""
    functions: dict[str, tuple[_Module, ast.FunctionDef]] = {}
    for module in _modules().values():
        if module.name.startswith(("buddy_desk.ui", "buddy_desk.cli")) or ".cli" in module.name:
            continue
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef):
                functions[f"{module.name}.{node.name}"] = (module, node)
    writes = {name for name, (_m, node) in functions.items() if _commits(node)}
    grew = True
    while grew:
        grew = False
        for name, (module, node) in functions.items():
            if name in writes:
                continue
            called = {_callee(module, c) for c in ast.walk(node) if isinstance(c, ast.Call)}
            if called & writes:
                writes.add(name)
                grew = True
    return frozenset(writes - READS)


def _runs_off_the_gui_thread(call: ast.Call) -> bool:
    """``ops.write(job …)``, ``ops.read(job …)``, or ``tasks.start(job …)`` (long work with
    progress and cancel, as imports and letter runs)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Attribute | ast.Name):
        return False
    owner = func.value.attr if isinstance(func.value, ast.Attribute) else func.value.id
    return (owner, func.attr) in {("ops", "write"), ("ops", "read"), ("tasks", "start")}


def _helpers(tree: ast.Module) -> set[str]:
    """Local functions that hand their first parameter on as the job (``self._write(job)``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        params = [a.arg for a in node.args.args if a.arg != "self"]
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and _runs_off_the_gui_thread(call)
                and call.args
                and isinstance(call.args[0], ast.Name)
                and params[:1] == [call.args[0].id]
            ):
                found.add(node.name)
    return found


def _jobs(tree: ast.Module) -> tuple[set[int], set[str]]:
    """The lambdas (by id) and the names of local functions run off the GUI thread."""
    helpers = _helpers(tree)
    lambdas: set[int] = set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if _runs_off_the_gui_thread(node) or called in helpers:
            job = node.args[0]
            if isinstance(job, ast.Lambda):
                lambdas.add(id(job))
                # a module function the job calls runs on the worker too (letters.run_request)
                names.update(
                    c.func.id
                    for c in ast.walk(job.body)
                    if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
                )
            elif isinstance(job, ast.Name):
                names.add(job.id)
    return lambdas, names


@dataclass
class _Checker:
    module: _Module
    writes: frozenset[str]
    found: list[str]

    def check(self) -> None:
        self.lambdas, self.job_names = _jobs(self.module.tree)
        self.visit(self.module.tree, False, "<module>")

    def visit(self, node: ast.AST, in_job: bool, where: str) -> None:
        if isinstance(node, ast.Lambda):
            in_job = in_job or id(node) in self.lambdas
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_job = in_job or node.name in self.job_names
            where = node.name
        elif isinstance(node, ast.Call):
            key = f"{self.module.name}.{where}"
            callee = _callee(self.module, node)
            if callee in self.writes and not in_job and key not in ALLOWED:
                self.found.append(f"{key} (line {node.lineno}) calls {callee} on the GUI thread")
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "emit"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "dossier_changed"
                and key not in ALLOWED
            ):
                self.found.append(f"{key} (line {node.lineno}) emits dossier_changed itself")
        for child in ast.iter_child_nodes(node):
            self.visit(child, in_job, where)


def violations() -> list[str]:
    found: list[str] = []
    for module in _modules().values():
        if module.name.startswith("buddy_desk.ui.") and module.name != "buddy_desk.ui.operations":
            _Checker(module, write_functions(), found).check()
    return found


def test_the_detector_knows_the_writes_it_must_catch() -> None:
    writes = write_functions()
    for name in (
        "buddy_desk.signals.service.close_signal",
        "buddy_desk.choices.service.log.record_choice",
        "buddy_desk.planning.service.booking.move",
        "buddy_desk.dossiers.service.save_note",
    ):
        assert name in writes, name
    assert "buddy_desk.signals.service.list_signals" not in writes


def test_the_detector_flags_a_write_on_the_gui_thread() -> None:
    source = (
        "from buddy_desk.signals.service import close_signal\n"
        "def ask(ctx):\n"
        "    close_signal(ctx.new_uow(), 1, 'x', 'me')\n"
        "    ctx.events.dossier_changed.emit(1)\n"
        "def fine(ctx):\n"
        "    ctx.ops.write(lambda uow: close_signal(uow, 1, 'x', 'me'), dossiers=[1])\n"
    )
    module = _Module("buddy_desk.ui.example", ast.parse(source))
    module.imports["close_signal"] = "buddy_desk.signals.service.close_signal"
    _modules()[module.name] = module
    try:
        flagged = [v for v in violations() if v.startswith("buddy_desk.ui.example.")]
    finally:
        del _modules()[module.name]
    assert flagged == [
        "buddy_desk.ui.example.ask (line 3) calls buddy_desk.signals.service.close_signal "
        "on the GUI thread",
        "buddy_desk.ui.example.ask (line 4) emits dossier_changed itself",
    ]


def test_ui_writes_go_through_ops_write() -> None:
    assert violations() == []


def test_the_not_yet_moved_list_holds_only_real_places() -> None:
    names = {
        f"{m.name}.{n.name}"
        for m in _modules().values()
        for n in ast.walk(m.tree)
        if isinstance(n, ast.FunctionDef)
    }
    assert names >= ALLOWED
