"""The files an export writes: one file moved into place when complete, or a file per contact
in a chosen folder, all of them or none; and file names made from what contacts hold.

A contact's name can hold anything a card can: `/`, `..`, `\\`, NUL, line breaks, a right-
to-left override, the bytes of a name that was not UTF-8, `CON`, a thousand letters. A file
name made from it must land in the chosen folder whatever it holds, open on Windows and
macOS as well as here, and never be taken for another one by a file system that ignores
case or Unicode normalisation (two `Ada Lovelace` become `Ada Lovelace.vcf` and
`Ada Lovelace-2.vcf`)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from app.domain.errors import ValidationError
from db.errors import shown

# Windows refuses these as a file's name before its first dot, whatever follows ("nul.vcf").
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
                       *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
# Not allowed on Windows (the first nine), or read as a URL's fragment, query or escape
# when the name is put in a link.
_REPLACED = frozenset('/\\:*?"<>|#%')
# Most file systems allow 255 bytes in a name; this leaves room for "-12345" and ".vcard",
# and for a path that must stay under Windows' 260 characters in a usual folder.
MAX_STEM_BYTES = 120
_TEMP_PREFIX = ".rolodeck-export-"


class ExportError(ValidationError):
    """The export cannot be written; nothing was left behind."""


class ExportExists(ExportError):
    """Files of the names the export would write are there already; `paths` names them.
    Nothing was written: ask, then export again with replace."""

    def __init__(self, message: str, paths: list[Path]):
        super().__init__(message)
        self.paths = paths


def safe_stem(text: str) -> str:
    """`text` as a file name without its extension: no separator or character a file system
    or a link reads as something else, no control or invisible character, no dot or space
    at its ends, not a name Windows reserves, at most MAX_STEM_BYTES; "" when nothing is
    left of it."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        kind = unicodedata.category(ch)
        if ch in _REPLACED or kind == "Cs":  # Cs: a byte that was not UTF-8
            out.append("_")
        elif ch.isspace() or kind == "Cc":  # a line break or tab, NUL and the like
            out.append(" ")
        elif kind[0] != "C":  # Cf: direction overrides, zero-width marks; Co, Cn
            out.append(ch)
    stem = " ".join("".join(out).split()).strip(" .-")
    raw = stem.encode("utf-8")
    if len(raw) > MAX_STEM_BYTES:
        stem = raw[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(" .-")
    head, dot, rest = stem.partition(".")
    if head.rstrip(" ").upper() in _RESERVED:
        stem = f"{head}_{dot}{rest}"
    return stem


class Names:
    """Unique names in one folder: a second `Ada Lovelace` gets `-2`, a third `-3`; names
    that differ only in case or Unicode normalisation count as the same."""

    def __init__(self, extension: str):
        self.extension = extension
        self._taken: set[str] = set()

    @staticmethod
    def _key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    def take(self, stem: str) -> str:
        name, n = f"{stem}{self.extension}", 2
        while self._key(name) in self._taken:
            name, n = f"{stem}-{n}{self.extension}", n + 1
        self._taken.add(self._key(name))
        return name


def inside(folder: Path, name: str) -> Path:
    """folder/name, refused unless it is a plain name right inside `folder`."""
    if (not name or name in (".", "..") or "/" in name or "\0" in name
            or (os.sep != "/" and os.sep in name) or (os.altsep and os.altsep in name)):
        raise ExportError(f"{shown(name)} cannot be a file name")
    path = folder / name
    if path.parent != folder:
        raise ExportError(f"{shown(name)} cannot be a file name")
    return path


class FolderBatch:
    """A file per contact in `folder`: each written under a temporary name in a hidden folder
    inside it, then all moved to their names at once by place(). Until then, and if
    placing fails half-way, the folder holds what it held (discard() tidies up)."""

    def __init__(self, folder: Path, extension: str, replace: bool):
        if not folder.is_dir():
            what = "a file, not a folder" if folder.exists() else "not there"
            raise ExportError(f"{shown(folder)} is {what}; choose the folder to write the "
                              "files in")
        self.folder, self.replace = folder, replace
        # One sync for thousands of small files instead of an fsync each (seconds, not
        # minutes); where there is no sync(), each file is synced as it is written.
        self.sync_each = not hasattr(os, "sync")
        self.names = Names(extension)
        self.files: list[tuple[str, Path]] = []  # (temporary file, where it goes)
        self.existing: list[Path] = []
        try:
            self.temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=folder))
        except OSError as exc:
            raise ExportError(f"Cannot write in {shown(folder)}: {reason(exc)}") from None

    def add(self, stem: str, data: bytes) -> Path:
        """Write one file (OSError when it cannot be); returns where it will go."""
        target = inside(self.folder, self.names.take(stem))
        if target.is_dir():
            raise ExportError(f"{shown(target)} is a folder; it was left as it is and "
                              "nothing was written")
        if os.path.lexists(target):
            self.existing.append(target)
        part = str(self.temp / f"{len(self.files)}.part")
        with open(part, "xb") as out:
            out.write(data)
            if self.sync_each:
                out.flush()
                os.fsync(out.fileno())
        self.files.append((part, target))
        return target

    def place(self) -> list[Path]:
        """Every file to its name; ExportExists, before any is moved, when some are there
        and replace was not asked. On a failure half-way the ones moved go again (and what
        they replaced comes back)."""
        if self.existing and not self.replace:
            first = self.existing[0].name
            more = len(self.existing) - 1
            raise ExportExists(
                f"{shown(first)}{f' and {more:,} more' if more else ''} already "
                f"exist{'s' if not more else ''} in {shown(self.folder)}; choose another "
                "folder, or replace them (--force)", list(self.existing))
        if not self.sync_each:
            os.sync()
        placed: list[tuple[Path, Path | None]] = []
        try:
            for n, (part, target) in enumerate(self.files):
                backup = None
                if self.replace and os.path.lexists(target):
                    backup = self.temp / f"{n}.old"
                    os.rename(target, backup)
                try:
                    place_new(part, target)
                except BaseException:
                    if backup is not None:
                        os.rename(backup, target)
                    raise
                placed.append((target, backup))
        except BaseException:
            for target, backup in reversed(placed):
                _quietly(os.unlink, target)
                if backup is not None:
                    _quietly(os.rename, backup, target)
            raise
        sync_folder(self.folder)
        return [target for _, target in self.files]

    def discard(self) -> None:
        """The hidden folder and what is left in it (the temporary files, what was
        replaced)."""
        shutil.rmtree(self.temp, ignore_errors=True)


def place_new(part: str, target: Path) -> None:
    """Move a finished file to `target`, which must not exist: by a hard link, which fails if
    a file of that name appeared meanwhile; on a file system without them, check, then
    move."""
    try:
        os.link(part, target)
    except FileExistsError:
        raise ExportError(f"{shown(target)} appeared while the export was written; it was "
                          "left as it is") from None
    except OSError:
        if os.path.lexists(target):
            raise ExportError(f"{shown(target)} already exists; it was left as it is"
                              ) from None
        os.replace(part, target)
    else:
        os.unlink(part)


def place_file(part: str, target: Path, replace: bool) -> None:
    """The finished single file into place: over an existing one only when asked."""
    if replace:
        os.replace(part, target)
    else:
        place_new(part, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """The new names themselves on disk (POSIX), so a power cut cannot lose finished files."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _quietly(step: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(OSError):
        step(*args)


_REASONS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EFBIG: "the file is larger than this disk or account allows",
            errno.EROFS: "the disk is read-only", errno.ENAMETOOLONG: "the name is too long",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied"}


def reason(exc: OSError) -> str:
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__
