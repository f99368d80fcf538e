"""The window over 100,000 contacts and 1,000,000 history items: start to the first rows
painted (a whole process, timed from outside; the rest of the window is built just after),
the longest frame while the list is scrolled top to bottom and walked A to Z, and resident
memory once it has been scrolled end to end.

A frame here is the longest the GUI thread went without turning its event loop: a 0 ms
heartbeat timer runs all through the scrolling, and the biggest gap between two of its beats
is the longest the window could not have painted or taken a key.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, big_database, median, report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

START_RUNS = 5
SCROLL_STEPS = 120  # thumb positions from top to bottom, each a screen of rows not yet read
STEP_MS = 16  # one step per 60 Hz frame, as a fast drag of the thumb gives


def start_ms(path: Path) -> float:
    """Spawn to the window's word that its first rows are painted (ROLODECK_REPORT_START
    makes it print one line then), on the installed byte code as `make run` leaves it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("ROLODECK_DB", "PYTHONDONTWRITEBYTECODE")}
    env["ROLODECK_REPORT_START"] = "1"
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(path)],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as window:
        assert window.stdout is not None
        line = window.stdout.readline()
        elapsed = (time.perf_counter() - started) * 1000
        window.kill()
    if "first rows painted" not in line:
        raise RuntimeError(f"the window did not say it had painted: {line!r}")
    return elapsed


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Heartbeat:
    def __init__(self, app):
        from PySide6.QtCore import QTimer

        self.app = app
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0)


def run_for(app, seconds: float, until=None) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if until is not None and until():
            return
        time.sleep(0.0005)


def in_window(path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.services.registry import Services
    from ui.app import application
    from ui.main_window import MainWindow
    from ui.screenshot import wait_until

    app = application()
    assert isinstance(app, QApplication)
    services = Services.open(path)
    window = MainWindow(services)
    window.resize(1280, 800)
    window.show()
    try:
        wait_until(window.settled, 60)
        gc.freeze()  # as ui.app.run_gui does once the window is up
        pauses: list[float] = []
        started: list[float] = []
        gc.callbacks.append(lambda phase, _info: started.append(time.perf_counter())
                            if phase == "start" else pauses.append(
                                (time.perf_counter() - started[-1]) * 1000))
        table = window.contacts.table
        bar = table.verticalScrollBar()
        beat = Heartbeat(app)

        beat.start()
        for step in range(1, SCROLL_STEPS + 1):
            bar.setValue(bar.maximum() * step // SCROLL_STEPS)
            run_for(app, STEP_MS / 1000)
        run_for(app, 10, window.settled)
        scroll = beat.stop()
        beat_gaps = list(beat.gaps)

        beat.start()
        for letter in "abcdefghijklmnopqrstuvwxyz#":
            window.contacts.jump_to_letter(letter)
            run_for(app, 5, lambda: not window.reads.busy and window.settled())
        letters = beat.stop()
        print(f"# collector: {len(pauses)} runs, longest {max(pauses, default=0):.1f} ms",
              file=sys.stderr)
        report("scroll_longest_frame", scroll, "ms", "<", 32)
        report("letter_jump_longest_frame", letters, "ms", "<", 32)
        print(f"# scroll: {len(beat_gaps)} beats, median gap {median(beat_gaps):.2f} ms",
              file=sys.stderr)
        report("rss_after_scrolling_end_to_end", rss_mb(), "MB", "<", 250)
    finally:
        window.close()
        services.close()


def main() -> None:
    path = big_database()
    start_ms(path)  # the first start reads the file into the page cache, as a boot would not
    starts = [start_ms(path) for _ in range(START_RUNS)]
    report("start_to_first_rows_painted", median(starts), "ms", "<", 1000)
    in_window(path)


if __name__ == "__main__":
    main()
