"""Reading a big export on the other core while the importer writes what it has read.

A child process (``python -m buddy_desk.importing.parallel KIND``, the file on its standard
input) parses the file with ``exports.stream_*_export`` and sends it chunk by chunk,
pickled, over its standard output; the importer takes a chunk, writes it, and meanwhile the
child parses the next. Rows travel packed by column (``importing.row_transport``). Small
files and frozen builds are read in this process, and so is any file whose child process
cannot be started.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import buddy_desk
from buddy_desk.errors import BuddyDeskError
from buddy_desk.importing.exports import (
    ExportKind,
    ExportStream,
    Rejection,
    stream_img_export,
    stream_ncg_export,
)
from buddy_desk.importing.row_transport import pack, unpack
from buddy_desk.importing.table import ExportRefused, Table

log = logging.getLogger(__name__)

# below this a second process costs more than it saves (~80 ms to start one)
PARALLEL_FROM_BYTES = 512 * 1024
_SOURCE_VARIABLE = "BUDDY_DESK_IMPORT_SOURCE"

Chunk = tuple[list[Any], list[Rejection]]


def stream_export(kind: ExportKind, data: bytes, source: str) -> ExportStream[Any]:
    """The export read in this process."""
    if kind is ExportKind.NCG:
        return stream_ncg_export(data, source)
    return stream_img_export(data, source)


def can_read_in_parallel() -> bool:
    """A frozen build has no interpreter to start the reader with."""
    return not getattr(sys, "frozen", False)


@contextmanager
def open_export(
    kind: ExportKind, data: bytes, source: str, *, parallel: bool | None = None
) -> Iterator[ExportStream[Any]]:
    """The export as a stream of chunks, read by a child process when that pays off.

    Read here, a file that is not such an export raises ``ExportRefused`` at once; read by
    a child, when its table or first chunk is asked for. Leaving the block stops the child.
    """
    if parallel is None:
        parallel = len(data) >= PARALLEL_FROM_BYTES and can_read_in_parallel()
    reader = _ChildReader.start(kind, data, source) if parallel else None
    if reader is None:
        yield stream_export(kind, data, source)
        return
    try:
        yield ExportStream(kind, reader.table, reader.chunks())
    finally:
        reader.close()


class _ReaderGoneError(Exception):
    pass


class _ChildReader:
    def __init__(
        self, process: subprocess.Popen[bytes], kind: ExportKind, data: bytes, source: str
    ) -> None:
        self._process = process
        assert process.stdout is not None
        self._out: IO[bytes] = process.stdout
        self.kind = kind
        self.data = data
        self.source = source
        self._table: Table | None = None
        self._here: ExportStream[Any] | None = None  # read in this process after all

    @classmethod
    def start(cls, kind: ExportKind, data: bytes, source: str) -> _ChildReader | None:
        env = dict(os.environ)
        # the child imports buddy_desk from where this process did
        package_root = str(Path(buddy_desk.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        # the file's name goes by the environment, not the command line that `ps` shows
        env[_SOURCE_VARIABLE] = source
        try:
            process = subprocess.Popen(
                # -S: no site-packages to set up, the parser needs only the standard library
                [sys.executable, "-S", "-m", __name__, kind.value],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # file contents never reach a log
                env=env,
            )
        except OSError as exc:
            log.warning("import: no reader process (%s); reading in this process", exc.strerror)
            return None
        threading.Thread(
            target=_feed, args=(process.stdin, data), name="import-feed", daemon=True
        ).start()
        return cls(process, kind, data, source)

    def _receive(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = pickle.load(self._out)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise _ReaderGoneError() from None
        if message[0] == "refused":
            raise ExportRefused(message[1], message[2])
        if message[0] == "error":
            raise BuddyDeskError(
                f"{self.source}: het bestand kon niet worden gelezen ({message[1]})."
            )
        return message

    def table(self) -> Table:
        if self._table is None:
            try:
                self._table = self._receive()[1]
            except _ReaderGoneError:
                # it never got going (no interpreter, no module): read it here
                log.warning("import: the reader process did not start; reading in this process")
                self._here = stream_export(self.kind, self.data, self.source)
                self._table = self._here.table
        return self._table

    def chunks(self) -> Iterator[Chunk]:
        self.table()
        if self._here is not None:
            yield from self._here.chunks
            return
        while True:
            try:
                message = self._receive()
            except _ReaderGoneError:
                raise BuddyDeskError(
                    f"{self.source}: het lezen van het bestand is onverwacht gestopt; "
                    "er is niets gewijzigd. Probeer het opnieuw."
                ) from None
            if message[0] == "end":
                return
            _, rows, rejections = message
            yield unpack(self.kind, rows), [Rejection(*r) for r in rejections]

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._out.close()
        self._process.wait(timeout=10)


def _feed(stdin: IO[bytes] | None, data: bytes) -> None:
    assert stdin is not None
    try:
        stdin.write(data)
        stdin.close()
    except OSError:
        pass  # the reader stopped early (a refused header, or a cancel)


def _child_main(argv: list[str]) -> int:
    """The reader process: the file from standard input, pickled chunks to standard output."""
    gc.disable()  # a short life with a hundred thousand rows: reference counting suffices
    kind, source = ExportKind(argv[0]), os.environ.get(_SOURCE_VARIABLE, "export")
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        stream = stream_export(kind, data, source)
        send(("table", stream.table))
        for rows, rejections in stream.chunks:
            send(
                (
                    "chunk",
                    pack(kind, rows),
                    [(r.line, r.field, r.reason) for r in rejections],
                )
            )
        send(("end",))
    except ExportRefused as exc:
        send(("refused", exc.source, exc.reason))
    except BrokenPipeError:
        return 0  # the importer stopped (cancelled, or failed): nobody is listening
    except Exception as exc:  # reported to the importer, which raises it
        send(("error", type(exc).__name__))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
