"""Exporting contacts to a file: vCard 3.0 or 4.0, or CSV in Google's, Outlook's or
Rolodeck's own layout, streamed (a chunk of contacts at a time, in one read transaction, so
the file shows one state of the address book).

The file is written beside its destination under a temporary name and moved into place
only once it is complete and on disk: a failed or cancelled export leaves no half file,
and an existing file is replaced only when asked (`replace`), else left byte for byte."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from app.domain.contact import Contact
from app.domain.errors import ValidationError
from app.services.progress import CancelToken, Progress, no_progress
from db.database import Database
from db.errors import shown as _shown
from db.queries import directory as directory_queries
from db.repositories import contacts as repo

ExportFormat = Literal["vcard3", "vcard4", "csv-google", "csv-outlook", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("vcard3", "vcard4", "csv-google", "csv-outlook",
                                            "csv")
CHUNK = repo.MANY_CHUNK
PROGRESS_EVERY = 500


class ExportError(ValidationError):
    """The export file cannot be written; nothing was left behind."""


class _Unwritable(Exception):
    def __init__(self, fault: OSError):
        super().__init__(str(fault))
        self.fault = fault


def export_file(db: Database, path: Path, fmt: ExportFormat, ids: Sequence[int] | None = None,
                *, replace: bool = False, cancel: CancelToken | None = None,
                progress: Progress = no_progress) -> int:
    """Write the contacts `ids` (None: every contact not in the trash, in name order) to
    `path` as `fmt`; returns how many were written."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(f"'{fmt}' is not an export format; use one of "
                              f"{', '.join(EXPORT_FORMATS)}")
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise ExportError(f"{_shown(target)} is a folder; give the name of the file to write")
    if not folder.is_dir():
        raise ExportError(f"There is no folder {_shown(folder)} to write {_shown(target.name)} "
                          "in; create it first")
    if target.exists() and not replace:
        raise ExportError(f"{_shown(target)} already exists; choose another name, or replace "
                          "it (--force)")
    try:
        fd, part = tempfile.mkstemp(dir=folder, prefix=".rolodeck-export-", suffix=".part")
    except OSError as exc:
        raise ExportError(f"Cannot write in {_shown(folder)}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            written = _write(db, out, fmt, ids, cancel, progress)
        _place(part, target, replace)
    except (OSError, _Unwritable) as exc:
        fault = exc.fault if isinstance(exc, _Unwritable) else exc
        raise ExportError(f"Cannot write {_shown(target)}: {_reason(fault)}; nothing was "
                          "written") from None
    finally:
        if os.path.exists(part):
            os.unlink(part)
    return written


def _write(db: Database, out, fmt: ExportFormat, ids: Sequence[int] | None,
           cancel: CancelToken | None, progress: Progress) -> int:
    """The contacts into `out`, synced to disk; how many. A write fault is re-raised as the
    file's own (inside the read transaction an OSError would read as the database's)."""
    written = 0
    encoding = "utf-8-sig" if fmt in ("csv-google", "csv-outlook") else "utf-8"
    with db.read() as s:
        wanted = list(ids) if ids is not None else directory_queries.contact_ids(
            s.connection())
        contacts = _contacts(s, list(dict.fromkeys(wanted)), cancel, progress)
        try:
            for text in _texts(contacts, fmt):
                out.write(text.encode(encoding if not written else "utf-8", "surrogatepass"))
                written += 1
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise _Unwritable(exc) from None
    return written - 1 if fmt.startswith("csv") else written  # less the header row


def _texts(contacts: Iterator[Contact], fmt: ExportFormat) -> Iterator[str]:
    if fmt in ("vcard3", "vcard4"):
        from importers.vcard import write_vcards

        return write_vcards(contacts, "3.0" if fmt == "vcard3" else "4.0")
    from importers.csv import write_csv

    layout = {"csv-google": "google", "csv-outlook": "outlook"}.get(fmt, "rolodeck")
    return write_csv(contacts, layout)  # type: ignore[arg-type]


def _contacts(s, ids: list[int], cancel: CancelToken | None,
              progress: Progress) -> Iterator[Contact]:
    total = len(ids)
    for start in range(0, total, CHUNK):
        if cancel:
            cancel.raise_if_set()
        yield from repo.get_many(s, ids[start:start + CHUNK])
        progress(min(start + CHUNK, total), total)
    if not total:
        progress(0, 0)


def _place(part: str, target: Path, replace: bool) -> None:
    """Move the finished file into place: over an existing one only when asked; else by a
    link that fails if a file of that name appeared meanwhile."""
    if replace:
        os.replace(part, target)
    else:
        try:
            os.link(part, target)
        except FileExistsError:
            raise ExportError(f"{_shown(target)} appeared while the export was written; it "
                              "was left as it is") from None
        except OSError:  # a file system without hard links: check, then move
            if target.exists():
                raise ExportError(f"{_shown(target)} already exists; it was left as it is"
                                  ) from None
            os.replace(part, target)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """The new name itself on disk (POSIX), so a power cut cannot lose a finished file."""
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


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__
