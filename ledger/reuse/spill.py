"""Large texts kept in a file rather than in memory, fetched back when a page is rendered.

A parsed body's HTML and Markdown are most of what a build holds, yet only the worker rendering that
one page (or the data export) reads them. So parsing writes them to a spill file and keeps where
they are (``Stored``); the render workers, forked from the process that holds only those positions,
read them back. Each process appends to a file of its own (no locking), in one temporary folder the
first process made. Once the parse workers are done, that process opens every file and removes it
(``hold``): the texts stay readable through descriptors the render workers inherit, for as long as
the process lives (``serve`` keeps its records between builds), and nothing is left on disk however
it ends. Disk is page cache the kernel may drop, not a process's resident memory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, fields
from typing import NamedTuple

from ..model import Body

PREFIX = "ledger-spill-"
"""Spill folders are ``<temp>/ledger-spill-<pid of the owner>-<random>``."""
SMALL = 256
"""Texts shorter than this (in characters) stay in memory: a ``Stored`` costs about 100 bytes."""


class Stored(NamedTuple):
    """Where a text is: ``size`` UTF-8 bytes at ``offset`` in the spill file ``file``."""

    file: str
    offset: int
    size: int


_folder: str | None = None
_owner = 0
"""The process that made the folder (and removes it); forked workers write there too, never remove it."""
_writer: tuple[int, int, int, str] | None = None
"""(pid, file descriptor, next offset, path) of this process's own spill file."""
_readers: dict[str, int] = {}
"""Read descriptors by file, inherited by forked processes (``pread`` shares no position). File names are
never reused (pid and clock), so a descriptor always reads the file its ``Stored`` values were written to."""


def _remove(folder: str) -> None:
    if os.getpid() == _owner:
        shutil.rmtree(folder, ignore_errors=True)


def prepare() -> str:
    """The spill folder, made now if need be: call it before forking workers that ``store``, or each makes its own
    (and, leaving through ``os._exit``, never removes it)."""
    global _folder, _owner
    if _folder is None:
        _sweep()
        _folder, _owner = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"), os.getpid()
        atexit.register(_remove, _folder)
    return _folder


def _sweep() -> None:
    """Remove the spill folders of processes that are gone without removing theirs (killed, or ``os._exit``)."""
    temp = tempfile.gettempdir()
    for name in os.listdir(temp):
        owner = name.removeprefix(PREFIX).split("-")[0]
        if name.startswith(PREFIX) and owner.isdigit() and not alive(int(owner)):
            shutil.rmtree(os.path.join(temp, name), ignore_errors=True)


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running (or is another user's: not ours to judge); folders named after a
    process that is gone are left-overs (spill files here, staging folders in ``write``)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: not ours to judge
        return True
    return True


def store(text: str) -> str | Stored:
    """``text``, or where it was written if it is long enough to be worth the trip to the disk.

    Without a writable temporary folder, or with a full disk, the text stays in memory, as it always could.
    """
    global _writer
    if len(text) < SMALL:
        return text
    try:
        return _append(text.encode("utf-8"))
    except OSError:
        _writer = None  # a new file next time
        return text


def _append(data: bytes) -> Stored:
    global _writer
    pid = os.getpid()
    if _writer is None or _writer[0] != pid:
        path = os.path.join(prepare(), f"{pid}-{time.monotonic_ns()}")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        _writer = (pid, fd, 0, path)
    _, fd, offset, path = _writer
    written = 0
    while written < len(data):  # O_APPEND: lands at the end, which is ``offset`` (only this process writes here)
        written += os.write(fd, data[written:])
    _writer = (pid, fd, offset + len(data), path)
    return Stored(path, offset, len(data))


def hold() -> None:
    """Open every spill file of the folder for reading, then remove it (call when no worker writes any more).

    What was stored stays readable here and in processes forked from now on; nothing is left on disk.
    """
    if _folder is None or os.getpid() != _owner:
        return
    for name in os.listdir(_folder):
        path = os.path.join(_folder, name)
        if path not in _readers:
            _readers[path] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        os.unlink(path)  # this process's own file too: it keeps appending to it through its descriptor


def fetch(value: str | Stored) -> str:
    """The text ``store`` returned ``value`` for."""
    if isinstance(value, str):
        return value
    fd = _readers.get(value.file)
    if fd is None:
        fd = _readers[value.file] = os.open(value.file, os.O_RDONLY | os.O_CLOEXEC)
    data = os.pread(fd, value.size, value.offset)
    if len(data) != value.size:
        raise OSError(f"spill file {value.file} was cut short (the build's temporary folder was removed?)")
    return data.decode("utf-8")


@dataclass(frozen=True, slots=True)
class SpilledBody(Body):
    """A body whose long texts wait in the spill file (its ``markup`` and ``markdown`` are empty)."""

    where: tuple[str | Stored, str | Stored] = ("", "")
    """The HTML and the Markdown, or where they are (``store``)."""

    @property
    def html(self) -> str:
        return fetch(self.where[0])

    @property
    def text(self) -> str:
        return fetch(self.where[1])


def spilled(body: Body) -> Body:
    """``body`` with its long texts moved out of memory (``store``), and every other field as it was."""
    if isinstance(body, SpilledBody):
        return body
    kept = {f.name: getattr(body, f.name) for f in fields(Body)} | {"markup": "", "markdown": ""}
    return SpilledBody(**kept, where=(store(body.markup), store(body.markdown)))
