"""Before Qt loads: are the system libraries of the Qt platform plugin present?

`make run` runs `python -m ui.system_check -- ARGS` before main.py. Without libxcb-icccm4, say,
Qt aborts the process naming the plugin, not the library; here the library is named and, where
that can be done (as root, or through sudo after saying so), installed with the system package
manager. Only the standard library, and nothing slow before the stamp that lets a machine found
fine skip everything: this runs on every `make run`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

STAMP_NAME = ".system-ok"
NO_DISPLAY = ("rolodeck: no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY "
              "is set): run it in a desktop session, or with QT_QPA_PLATFORM=offscreen")

# Debian and Ubuntu package of each library the wheels' platform plugins and QtGui link,
# checked with apt-cache on bookworm. On Ubuntu 24.04 some are renamed (libglib2.0-0t64);
# the t64 packages provide the old names, so apt-get picks them.
APT = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0", "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0", "libGLdispatch.so.0": "libglvnd0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
    "libdrm.so.2": "libdrm2", "libgbm.so.1": "libgbm1", "libpng16.so.16": "libpng16-16",
    "libz.so.1": "zlib1g", "libzstd.so.1": "libzstd1", "libexpat.so.1": "libexpat1",
    "libXau.so.6": "libxau6", "libXdmcp.so.6": "libxdmcp6",
}
# Arch has no soname provides to ask for, so a table; libxcb-*.so not in it is in libxcb.
PACMAN = {
    "libxcb-cursor.so.0": "xcb-util-cursor", "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms", "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil", "libxcb-util.so.1": "xcb-util",
    "libxkbcommon.so.0": "libxkbcommon", "libxkbcommon-x11.so.0": "libxkbcommon-x11",
    "libX11.so.6": "libx11", "libX11-xcb.so.1": "libx11", "libGL.so.1": "libglvnd",
    "libEGL.so.1": "libglvnd", "libOpenGL.so.0": "libglvnd", "libGLX.so.0": "libglvnd",
    "libfontconfig.so.1": "fontconfig", "libfreetype.so.6": "freetype2",
    "libdbus-1.so.3": "dbus", "libglib-2.0.so.0": "glib2", "libgthread-2.0.so.0": "glib2",
    "libwayland-client.so.0": "wayland", "libwayland-cursor.so.0": "wayland",
    "libwayland-egl.so.1": "wayland", "libdrm.so.2": "libdrm", "libgbm.so.1": "mesa",
}
MANAGERS = ("apt-get", "dnf", "zypper", "pacman")  # the first one found is the system's
WHEEL = ("libQt6", "libpyside6", "libshiboken6", "libicu")  # shipped in PySide6's own Qt/lib
# What the plugin Qt picks links, beyond itself: QtWidgets (the app imports it) for every
# platform, and a shell integration for wayland, whose missing libraries only show on the
# first window.
EXTRA = {"wayland": ["plugins/wayland-shell-integration/libxdg-shell.so"]}


def qt_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt 6 tries, in its order (QGuiApplicationPrivate::
    createPlatformIntegration): QT_QPA_PLATFORM wins; a wayland session comes before xcb."""
    if env.get("QT_QPA_PLATFORM"):
        names = [part.split(":")[0].strip() for part in env["QT_QPA_PLATFORM"].split(";")]
        return [name for name in names if name]
    wayland = bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    return ["wayland", "xcb"] if wayland else ["xcb"]


def has_display(platform: str, env: Mapping[str, str]) -> bool:
    if platform == "xcb":
        return bool(env.get("DISPLAY"))
    if platform.startswith("wayland"):
        return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE") == "wayland"
    return True  # offscreen, minimal, vnc, eglfs...: nothing to connect to beforehand


def wants_window(main_args: list[str]) -> bool:
    """Whether main.py, given these arguments, opens the window rather than running a command
    (`make run ARGS=stats` needs no display): mirrors main.build_parser's two options."""
    rest = iter(main_args)
    for arg in rest:
        if arg == "--db":
            next(rest, None)
        elif arg in ("-h", "--help", "--version") or not arg.startswith("-"):
            return False
    return True


def pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds the package without running it
    if spec is None or spec.submodule_search_locations is None:  # None: a module, no package
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def pyside_version(package: Path) -> str:
    # The dist-info name is the version: importlib.metadata alone would take 80 ms here.
    names = sorted(p.name for p in package.parent.glob("[Pp]y[Ss]ide6*-*.dist-info"))
    return ",".join(names) or "unknown"


def plugin_files(package: Path, platform: str) -> list[Path]:
    qt = package / "Qt"
    base = "wayland" if platform.startswith("wayland") else platform
    plugin = qt / "plugins" / "platforms" / f"libq{base}.so"
    if not plugin.exists():
        return []  # not in this wheel: Qt's own message about it says more than ours could
    extra = [qt / p for p in EXTRA.get(base, [])] + sorted(package.glob("QtWidgets*.so"))
    return [plugin] + [f for f in extra if f.exists()]


def parse_ldd(output: str) -> list[str]:
    """The sonames ldd reports as `=> not found`, once each, in its order."""
    found = re.findall(r"^\s*(\S+)\s+=>\s+not found\s*$", output, re.MULTILINE)
    return list(dict.fromkeys(found))


def run_ldd(files: list[Path]) -> str:
    import subprocess

    # ldd resolves the whole tree, so the Qt libraries a plugin links (libQt6XcbQpa.so.6...)
    # are covered: their missing system libraries show under the plugin.
    try:
        result = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True,
                                timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""  # no ldd (not glibc?): nothing to say, and Qt will speak for itself
    return result.stdout + result.stderr


def packages_for(manager: str, sonames: list[str]) -> tuple[list[str], list[str]]:
    """(packages to install, sonames no package is known for)."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        if soname.startswith(WHEEL):
            package = None  # part of the wheel: the virtualenv is broken, not the system
        elif manager in ("dnf", "zypper"):
            # RPM provides every soname as a capability, so no table can be out of date.
            package = soname + ("()(64bit)" if sys.maxsize > 2**32 else "")
        elif manager == "pacman":
            package = PACMAN.get(soname) or ("libxcb" if soname.startswith("libxcb") else None)
        else:
            package = APT.get(soname) if manager == "apt-get" else None
        if package is None:
            unknown.append(soname)
        elif package not in packages:
            packages.append(package)
    return packages, unknown


def install_command(manager: str, packages: list[str], root: bool) -> list[str]:
    """As root nobody is asked, so the manager must not ask either; through sudo the user sees
    the manager's own question and answers it."""
    yes = {"apt-get": ["install", "-y"], "dnf": ["install", "-y"],
           "zypper": ["--non-interactive", "install"],
           "pacman": ["-S", "--needed", "--noconfirm"]}[manager]
    ask = {"pacman": ["-S", "--needed"]}.get(manager, ["install"])
    return [manager, *yes, *packages] if root else ["sudo", manager, *ask, *packages]


def run_install(command: list[str]) -> tuple[int, str]:
    """Runs it with the terminal's stdin and stdout (for sudo's password and the manager's
    question) and returns (status, stderr), stderr echoed, to tell an apt without lists."""
    import subprocess

    if "PYTEST_CURRENT_TEST" in os.environ:
        raise RuntimeError(f"a test tried to change the system: {command}")
    result = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(result.stderr)
    return result.returncode, result.stderr


def find_tool(name: str) -> str | None:
    import shutil  # 4 ms: only for the slow path

    return shutil.which(name)


def apt_lacks_lists(stderr: str, lists: Path = Path("/var/lib/apt/lists")) -> bool:
    """Whether a failed apt-get install wants an apt-get update: a fresh container has no
    lists at all; stale ones name packages no mirror has any more. A "no" to the question
    is neither."""
    empty = not any(lists.glob("*_Packages*")) if lists.is_dir() else True
    hint = re.search(r"Unable to locate package|no installation candidate|apt-get update", stderr)
    return empty or hint is not None


class Checker:
    """The check against one environment; what it runs and who it runs as are parameters so
    that tests exercise every branch without touching the system."""

    def __init__(self, env: Mapping[str, str] | None = None, stamp: Path | None = None,
                 ldd: Callable[[list[Path]], str] = run_ldd,
                 install: Callable[[list[str]], tuple[int, str]] = run_install,
                 which: Callable[[str], str | None] | None = None, euid: int | None = None,
                 package: Path | None = None, say: Callable[[str], None] | None = None):
        self.env = os.environ if env is None else env
        in_venv = sys.prefix != sys.base_prefix  # never leave a stamp in a system Python
        self.stamp = stamp or (Path(sys.prefix) / STAMP_NAME if in_venv else None)
        self.ldd, self.install, self.package = ldd, install, package or pyside_dir()
        self.which = which or find_tool
        self.euid = os.geteuid() if euid is None else euid
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))

    def missing(self, platforms: list[str]) -> list[str]:
        """What the first platform Qt can use lacks; [] when one of them has everything (Qt
        falls back to the next, as a wayland session falls back to XWayland)."""
        first: list[str] | None = None
        for platform in platforms:
            files = plugin_files(self._pyside(), platform)
            if not files or not has_display(platform, self.env):
                continue
            lacking = parse_ldd(self.ldd(files))
            if not lacking:
                return []
            first = lacking if first is None else first
        return first or []

    def key(self, platforms: list[str]) -> str:
        return f"{pyside_version(self._pyside())} {';'.join(platforms)}"

    def _pyside(self) -> Path:
        """PySide6's folder; run() checks nothing where there is none."""
        if self.package is None:
            raise RuntimeError("PySide6 is not installed, so there is nothing to check")
        return self.package

    def passed_before(self, key: str) -> bool:
        try:
            return self.stamp is not None and key in self.stamp.read_text().splitlines()
        except OSError:
            return False

    def remember(self, key: str) -> None:
        if self.stamp is not None and not self.passed_before(key):
            with self.stamp.open("a", encoding="utf-8") as out:
                out.write(key + "\n")

    def run(self, main_args: list[str], dry_run: bool = False, force: bool = False) -> int:
        if sys.platform != "linux" or self.package is None or not wants_window(main_args):
            return 0
        platforms = qt_platforms(self.env)
        if not any(has_display(p, self.env) for p in platforms):
            forced = self.env.get("QT_QPA_PLATFORM")
            self.say(NO_DISPLAY if not forced else f"rolodeck: QT_QPA_PLATFORM={forced}, but "
                     "its display is not set (DISPLAY for xcb, WAYLAND_DISPLAY for wayland)")
            return 1
        key = self.key(platforms)
        if not force and self.passed_before(key):
            return 0
        lacking = self.missing(platforms)
        if not lacking:
            self.remember(key)
            return 0
        return self.repair(platforms, key, lacking, dry_run)

    def repair(self, platforms: list[str], key: str, lacking: list[str], dry_run: bool) -> int:
        manager = next((m for m in MANAGERS if self.which(m)), None)
        packages, unknown = packages_for(manager or "", lacking)
        self.say(f"Rolodeck needs these system libraries: {', '.join(lacking)}"
                 + (f" (packages: {' '.join(packages)})" if packages else ""))
        if any(s.startswith(WHEEL) for s in unknown):
            self.say("PySide6's own libraries are missing from .venv: run `make clean run`.")
            return 1
        if unknown:
            self.say(f"No package is known here for {', '.join(unknown)}: install the one of "
                     "your distribution that provides it.")
        if manager is None or not packages:
            return 1
        import shlex

        root = self.euid == 0
        command = install_command(manager, packages, root)
        shown = shlex.join(command)
        if not root and not self.which("sudo"):
            self.say(f"To install them, run as root: {shlex.join(command[1:])}")
            return 1
        if dry_run:
            self.say(f"Would run: {shown}")
            return 1
        if root:
            self.say(f"Installing them with {manager}…")
        else:
            self.say(f"Installing them with `{shown}` (system packages need root); sudo may "
                     "ask for your password.")
        status, stderr = self.install(command)
        if status != 0 and manager == "apt-get" and apt_lacks_lists(stderr):
            self.say("The package lists are missing or stale: running apt-get update first.")
            update = ([] if root else ["sudo"]) + ["apt-get", "update"]
            if self.install(update)[0] == 0:
                status, stderr = self.install(command)
        still = self.missing(platforms) if status == 0 else lacking
        if still:
            known = packages_for(manager, still)[0]
            self.say(f"Still missing: {', '.join(still)}. "
                     + (f"To install them, run: {shown}" if known else
                        "Install the packages of your distribution that provide them."))
            return 1
        self.remember(key)
        return 0


def main(argv: list[str] | None = None) -> int:
    """python -m ui.system_check [--dry-run] [--force] [--stamp FILE] -- [main.py's arguments]"""
    argv = sys.argv[1:] if argv is None else argv
    cut = argv.index("--") if "--" in argv else len(argv)
    own, main_args = argv[:cut], argv[cut + 1:]
    if os.environ.get("ROLODECK_SKIP_SYSTEM_CHECK"):  # the way out should this check misjudge
        return 0
    stamp = Path(own[own.index("--stamp") + 1]) if "--stamp" in own[:-1] else None
    return Checker(stamp=stamp).run(main_args, dry_run="--dry-run" in own,
                                     force="--force" in own)


if __name__ == "__main__":
    sys.exit(main())
