"""Reading a big file in a process of its own, while this one matches and saves what it has
read: the reader and the database writes each take about half of an import, and one Python
process runs only one of them at a time. Measured on 100,000 cards, reading beside the writes
instead of before them takes the import from ~2,300 to ~4,000 cards/s.

The child reads with the same reader (imports_sources.items) and sends what it read in
batches, pickled as soon as they are read (some 600 bytes a card, a sixth of the objects),
through a queue bounded at QUEUE_BATCHES: it starts while this process still indexes the
stored contacts and reads on meanwhile, a long way ahead, in bounded memory. It only ever
reads the file. It is a fresh interpreter ("spawn"), safe to start
from any thread of the window. If this process stops reading (a Cancel, an error), the child
is ended; if this process dies, the child's next send fails and it ends too.

The child is forked when this process runs one thread (the command line: instant, nothing to
import again) and spawned otherwise (the window, whose other threads a fork would copy in
whatever state they are); a spawned child imports the main module again, so a script must
keep its work under `if __name__ == "__main__":`. A child that cannot start is no error: the
file is then read here, as a small one is."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import queue as queues
import threading
import time
from collections.abc import Generator, Iterator
from typing import Any

from app.services.imports_plan import FileSummary, ImportOptions
from app.services.imports_sources import Counted, Item, items

# Files smaller than this are read in this process: starting a child costs a few tenths of
# a second, what reading some 10,000 cards takes.
PARALLEL_BYTES = 4 << 20
BATCH = 500
QUEUE_BATCHES = 400  # 200,000 cards, 120 MB pickled at most
_POLL_SECONDS = 0.5


class ReaderStopped(Exception):
    """The reading process ended without finishing the file (killed, out of memory)."""


class Reading(Iterator[Item]):
    """A file's records as they are read; close() stops the reading (and its process),
    whether or not any record was asked for."""

    def __init__(self, records: Generator[Item, None, None], child: _Child | None = None):
        self._records = records
        self._child = child

    def __next__(self) -> Item:
        return next(self._records)

    def close(self) -> None:
        self._records.close()
        if self._child is not None:
            self._child.close()


def read_items(summary: FileSummary, counter: list[Counted], options: ImportOptions,
               compare: bool = True) -> Reading:
    """As imports_sources.items; a big file's reading process starts at once (so it reads
    while the caller still works on other things: the stored contacts' index)."""
    if summary.size < PARALLEL_BYTES:
        return Reading(items(summary, counter, options, compare))
    child = _Child(summary, options, compare)
    return Reading(_from_child(child, summary, counter, options, compare), child)


class _Child:
    def __init__(self, summary: FileSummary, options: ImportOptions, compare: bool):
        single = threading.active_count() == 1
        ctx: Any = mp.get_context("fork" if single and "fork" in mp.get_all_start_methods()
                                  else "spawn")
        self.queue: Any = ctx.Queue(maxsize=QUEUE_BATCHES)
        self.process = ctx.Process(target=_read_in_child,
                                   args=(summary, options, compare, self.queue),
                                   daemon=True, name="rolodeck-import-reader")
        self.closed = False
        self.process.start()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.queue.close()
        self.queue.cancel_join_thread()


def _from_child(child: _Child, summary: FileSummary, counter: list[Counted],
                options: ImportOptions, compare: bool) -> Generator[Item, None, None]:
    """What the child reads; if it could not even start (a script without a main guard,
    no processes allowed), the file is read here instead."""
    progress = Counted(None)
    started = False
    try:
        counter[:] = [progress]
        while True:
            kind, payload, done = _next(child.queue, child.process)
            if kind == "items":
                started = True
                progress.done = done
                yield from pickle.loads(payload)
            elif kind == "end":
                summary.records, summary.detail = payload.records, payload.detail
                summary.error = payload.error
                return
            else:
                raise ReaderStopped(payload)
    except ReaderStopped:
        if started:
            raise
        child.close()
        yield from items(summary, counter, options, compare)
    finally:
        counter.clear()
        child.close()


def _next(q: Any, child: Any) -> tuple[str, Any, int]:
    while True:
        try:
            return q.get(timeout=_POLL_SECONDS)
        except queues.Empty:
            if not child.is_alive():
                try:  # what it sent just before it ended
                    return q.get(timeout=_POLL_SECONDS)
                except queues.Empty:
                    raise ReaderStopped(
                        f"the process reading the file stopped (exit status "
                        f"{child.exitcode}) before the end") from None


def _read_in_child(summary: FileSummary, options: ImportOptions, compare: bool,
                   q: Any) -> None:
    gc.disable()  # a spawned child starts with it on; its objects make no cycles
    _end_with_parent()
    counter: list[Counted] = []
    batch: list[Item] = []
    try:
        for item in items(summary, counter, options, compare):
            batch.append(item)
            if len(batch) >= BATCH:
                q.put(("items", _packed(batch), counter[0].done if counter else 0))
                batch = []
        q.put(("items", _packed(batch), summary.size))
        q.put(("end", summary, summary.size))
    except Exception as exc:  # told to the importing process, which reports it
        q.put(("fault", f"{type(exc).__name__}: {exc}", 0))


def _end_with_parent() -> None:
    """End this process when the importing one is gone (killed, crashed): a forked child
    holds the queue's read end itself, so its pipe never breaks and a full queue would keep
    it waiting for ever, holding the file and the database open."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="rolodeck-parent-watch").start()


def _packed(batch: list[Item]) -> bytes:
    return pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
