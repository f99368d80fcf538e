"""ui.system_check: the real ldd on this machine's installed plugins, and every decision on ldd
output captured here; nothing is ever installed (the installer is a recorder)."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui import system_check as sc

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="ldd and xcb are Linux's")
ROOT = Path(__file__).resolve().parents[2]
PACKAGE = sc.pyside_dir()

# `ldd PySide6/Qt/plugins/platforms/libqxcb.so` on Debian 12 without libxcb-icccm4 and
# libxcb-keysyms1 (middle trimmed); ldd names a missing library once per library needing it.
SITE = "/work/main/.venv/lib/python3.11/site-packages/PySide6/Qt/plugins/platforms/../../lib"
LDD_MISSING = f"""\
\tlinux-vdso.so.1 (0x00007f7b7344b000)
\tlibQt6XcbQpa.so.6 => {SITE}/libQt6XcbQpa.so.6 (0x00007f7b7337d000)
\tlibQt6Gui.so.6 => {SITE}/libQt6Gui.so.6 (0x00007f7b72800000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f7b72779000)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f7b73321000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f7b7331a000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f7b73312000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f7b71fb9000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7b7161e000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f7b7344d000)
"""
# The same after installing them (ldd-style, not captured: they were never installed here).
LDD_FINE = re.sub(r"(\S+) => not found", r"\1 => /lib/x86_64-linux-gnu/\1 (0x00007f7b71f00000)",
                  LDD_MISSING)
XCB = {"DISPLAY": ":0"}


class Machine:
    """What the checker sees of the system: ldd answers in turn, which tools exist, and a
    record of every command it asked to run, in order with what it said."""

    def __init__(self, *answers, tools=("apt-get", "sudo"), statuses=()):
        self.answers, self.tools, self.statuses = list(answers), tools, list(statuses)
        self.events: list = []

    def ldd(self, files):
        assert files and all(f.exists() for f in files)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def install(self, command):
        self.events.append(command)
        return self.statuses.pop(0) if self.statuses else (0, "")

    def checker(self, tmp_path, env=XCB, euid=0):
        return sc.Checker(env=env, stamp=tmp_path / ".system-ok", ldd=self.ldd,
                          install=self.install, euid=euid, package=PACKAGE,
                          which=lambda name: f"/usr/bin/{name}" if name in self.tools else None,
                          say=self.events.append)

    @property
    def commands(self):
        return [e for e in self.events if isinstance(e, list)]


def test_the_module_runs_before_qt_and_loads_none_of_it():
    code = ("import sys, ui.system_check; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_real_ldd_of_the_real_xcb_plugin_parses(tmp_path):
    files = sc.plugin_files(PACKAGE, "xcb")
    assert files[0].name == "libqxcb.so" and any(f.name.startswith("QtWidgets") for f in files)
    output = sc.run_ldd(files)
    # ldd follows the plugin into the Qt libraries it links, so their needs are covered too.
    assert "libQt6XcbQpa.so.6 => " in output and "libxcb.so.1" in output
    missing = sc.parse_ldd(output)
    assert len(missing) == len(set(missing))
    assert set(missing) == {line.split()[0] for line in output.splitlines()
                            if line.endswith("=> not found")}
    for soname in missing:  # ldd is right: the dynamic loader cannot find them either
        with pytest.raises(OSError):
            ctypes.CDLL(soname)
    ctypes.CDLL("libc.so.6")


def test_captured_output_gives_each_missing_library_once():
    assert sc.parse_ldd(LDD_MISSING) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert sc.parse_ldd(LDD_FINE) == []
    two_files = f"/a/libqxcb.so:\n{LDD_MISSING}/a/QtWidgets.abi3.so:\n\tlibEGL.so.1 => not found\n"
    assert sc.parse_ldd(two_files)[-1] == "libEGL.so.1"


@pytest.mark.parametrize(("manager", "root", "command"), [
    ("apt-get", True, ["apt-get", "install", "-y", "libxcb-icccm4", "libxcb-keysyms1"]),
    ("apt-get", False, ["sudo", "apt-get", "install", "libxcb-icccm4", "libxcb-keysyms1"]),
    ("dnf", True, ["dnf", "install", "-y", "libxcb-icccm.so.4()(64bit)",
                   "libxcb-keysyms.so.1()(64bit)"]),
    ("zypper", False, ["sudo", "zypper", "install", "libxcb-icccm.so.4()(64bit)",
                       "libxcb-keysyms.so.1()(64bit)"]),
    ("pacman", False, ["sudo", "pacman", "-S", "--needed", "xcb-util-wm", "xcb-util-keysyms"]),
    ("pacman", True, ["pacman", "-S", "--needed", "--noconfirm", "xcb-util-wm",
                      "xcb-util-keysyms"]),
])
def test_each_package_manager_gets_its_own_command(tmp_path, manager, root, command):
    machine = Machine(LDD_MISSING, LDD_FINE, tools=(manager, "sudo"))
    assert machine.checker(tmp_path, euid=0 if root else 1000).run([]) == 0
    assert machine.commands == [command]


def test_the_libraries_of_a_minimal_image_map_to_debian_packages():
    sonames = ["libxkbcommon-x11.so.0", "libxcb-image.so.0", "libxcb-render-util.so.0",
               "libxcb-shape.so.0", "libxcb-randr.so.0", "libxcb-cursor.so.0", "libEGL.so.1",
               "libGL.so.1", "libfontconfig.so.1", "libdbus-1.so.3", "libglib-2.0.so.0",
               "libgthread-2.0.so.0"]
    assert sc.packages_for("apt-get", sonames) == ([
        "libxkbcommon-x11-0", "libxcb-image0", "libxcb-render-util0", "libxcb-shape0",
        "libxcb-randr0", "libxcb-cursor0", "libegl1", "libgl1", "libfontconfig1",
        "libdbus-1-3", "libglib2.0-0"], [])


def test_as_root_it_says_what_then_installs_and_remembers(tmp_path):
    machine = Machine(LDD_MISSING, LDD_FINE)
    assert machine.checker(tmp_path).run(["--db", "/tmp/x.db"]) == 0
    assert machine.events == [
        "Rolodeck needs these system libraries: libxcb-icccm.so.4, libxcb-keysyms.so.1 "
        "(packages: libxcb-icccm4 libxcb-keysyms1)",
        "Installing them with apt-get…",
        ["apt-get", "install", "-y", "libxcb-icccm4", "libxcb-keysyms1"]]
    assert (tmp_path / ".system-ok").read_text().split()[-1] == "xcb"


def test_through_sudo_it_says_so_before_sudo_asks(tmp_path):
    machine = Machine(LDD_MISSING, LDD_FINE)
    assert machine.checker(tmp_path, euid=1000).run([]) == 0
    said, command = machine.events[-2:]
    assert command == ["sudo", "apt-get", "install", "libxcb-icccm4", "libxcb-keysyms1"]
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in said and "password" in said


def test_without_root_or_sudo_it_gives_the_command_and_fails(tmp_path):
    machine = Machine(LDD_MISSING, tools=("apt-get",))
    assert machine.checker(tmp_path, euid=1000).run([]) == 1
    assert machine.commands == []
    assert machine.events[-1].endswith("run as root: apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert not (tmp_path / ".system-ok").exists()


def test_apt_without_lists_is_updated_once_then_retried(tmp_path):
    lost = (100, "E: Unable to locate package libxcb-icccm4\n")
    machine = Machine(LDD_MISSING, LDD_FINE, statuses=[lost, (0, ""), (0, "")])
    assert machine.checker(tmp_path).run([]) == 0
    install = ["apt-get", "install", "-y", "libxcb-icccm4", "libxcb-keysyms1"]
    assert machine.commands == [install, ["apt-get", "update"], install]


def test_a_declined_install_is_not_retried_when_the_lists_are_there(tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    assert sc.apt_lacks_lists("", lists)
    (lists / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4").touch()
    assert not sc.apt_lacks_lists("Abort.\n", lists)
    assert sc.apt_lacks_lists("E: Package 'libgl1' has no installation candidate", lists)


def test_a_failed_install_ends_with_the_command(tmp_path):
    machine = Machine(LDD_MISSING, statuses=[(1, "")], tools=("dnf",))
    assert machine.checker(tmp_path).run([]) == 1
    assert machine.events[-1].startswith("Still missing: libxcb-icccm.so.4, libxcb-keysyms.so.1")
    assert "dnf install -y 'libxcb-icccm.so.4()(64bit)'" in machine.events[-1]


def test_an_unknown_library_is_named(tmp_path):
    odd = LDD_MISSING + "\tlibfrobnicate.so.3 => not found\n"
    machine = Machine(odd, LDD_FINE + "\tlibfrobnicate.so.3 => not found\n")
    assert machine.checker(tmp_path).run([]) == 1
    assert "No package is known here for libfrobnicate.so.3" in machine.events[1]
    assert machine.commands == [["apt-get", "install", "-y", "libxcb-icccm4", "libxcb-keysyms1"]]
    assert machine.events[-1] == ("Still missing: libfrobnicate.so.3. Install the packages of "
                                  "your distribution that provide them.")


def test_a_missing_qt_library_of_the_wheel_is_not_a_system_package(tmp_path):
    machine = Machine("\tlibQt6XcbQpa.so.6 => not found\n")
    assert machine.checker(tmp_path).run([]) == 1
    assert machine.commands == [] and "make clean run" in machine.events[-1]


def test_dry_run_touches_nothing(tmp_path):
    machine = Machine(LDD_MISSING)
    assert machine.checker(tmp_path).run([], dry_run=True) == 1
    assert machine.commands == []
    assert machine.events[-1] == "Would run: apt-get install -y libxcb-icccm4 libxcb-keysyms1"


def test_the_stamp_makes_a_second_run_skip_ldd(tmp_path):
    calls = []

    def real_ldd(files):
        calls.append(files)
        return sc.run_ldd(files)

    env = {"QT_QPA_PLATFORM": "offscreen"}  # the plugin these tests run on, so it is complete
    check = sc.Checker(env=env, stamp=tmp_path / ".system-ok", ldd=real_ldd, euid=1000,
                       which=lambda name: None, say=pytest.fail)
    assert check.run([]) == 0 and len(calls) == 1
    assert check.run([]) == 0 and len(calls) == 1
    assert check.run([], force=True) == 0 and len(calls) == 2
    # Keyed by the PySide6 version and the platform: passing offscreen says nothing of xcb.
    stamp = (tmp_path / ".system-ok").read_text()
    assert stamp.startswith("pyside6") and PACKAGE is not None
    assert not sc.Checker(env=XCB, stamp=tmp_path / ".system-ok").passed_before(
        check.key(["xcb"]))


def test_no_display_gets_one_line_and_no_qt_abort(tmp_path):
    machine = Machine(LDD_FINE)
    assert machine.checker(tmp_path, env={}).run(["--db", "/tmp/x.db"]) == 1
    assert machine.events == [sc.NO_DISPLAY]
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")}
    done = subprocess.run([sys.executable, "-m", "ui.system_check", "--stamp",
                           str(tmp_path / "stamp"), "--"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", sc.NO_DISPLAY + "\n")


def test_a_command_needs_no_window_and_no_check(tmp_path):
    machine = Machine(LDD_MISSING)
    assert machine.checker(tmp_path, env={}).run(["--db", "/tmp/x.db", "stats"]) == 0
    assert machine.events == []


def test_offscreen_from_the_command_line_passes_and_leaves_the_stamp(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "ui.system_check", "--stamp",
                           str(tmp_path / "stamp"), "--", "--db", str(tmp_path / "x.db")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "stamp").read_text().strip().endswith(" offscreen")


@pytest.mark.parametrize(("env", "platforms"), [
    ({"DISPLAY": ":0"}, ["xcb"]),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, ["wayland", "xcb"]),
    ({"XDG_SESSION_TYPE": "wayland"}, ["wayland", "xcb"]),
    ({"QT_QPA_PLATFORM": "wayland-egl;xcb:nograb", "DISPLAY": ":0"}, ["wayland-egl", "xcb"]),
    ({"QT_QPA_PLATFORM": "offscreen"}, ["offscreen"]),
])
def test_the_plugin_checked_is_the_one_qt_picks(env, platforms):
    assert sc.qt_platforms(env) == platforms


def test_a_wayland_session_falls_back_to_xwayland_like_qt(tmp_path):
    # Missing libwayland-cursor0 costs nothing while xcb works: Qt takes the next plugin.
    machine = Machine("\tlibwayland-cursor.so.0 => not found\n", LDD_FINE)
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert machine.checker(tmp_path, env=env).run([]) == 0
    assert machine.events == []


def test_the_real_installer_refuses_to_run_under_tests():
    with pytest.raises(RuntimeError):
        sc.run_install(["apt-get", "install", "-y", "libxcb-icccm4"])
