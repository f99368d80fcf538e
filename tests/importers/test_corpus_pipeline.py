"""Every file of the corpus (../shared/corpus, MANIFEST.tsv) through the whole import
pipeline, as the window and `rolodeck import` take it: planned into a fresh database (which
the plan must leave as it was), then run. Each must meet its manifest row: the number of
contacts (or events and to-dos) it names, every one stored; or, for a file the row says is
refused, a clear error naming the file, and nothing stored. No exception, whatever the file.

A CSV file whose columns match no export first gets the wizard's question ("choose what
each column holds"); it is then imported with the answer a user would give (the suggested
mapping, or first name / last name / notes for the first three columns), as the CSV corpus
test reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.imports_plan import Action, ImportOptions, ImportPlan, ImportReport
from app.services.registry import Services
from importers.csv import ColumnMapping, read_csv, suggest_mapping
from importers.vcard import ParsedCard, read_vcards
from tests.importers.corpus import CORPUS, Row, params
from tests.importers.test_ical_corpus import expected_counts
from tests.reliability.files import sha256
from tests.reliability.storage import assert_consistent, dump

pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").exists(),
                                reason=f"no corpus at {CORPUS} (set ROLODECK_CORPUS)")

THREE_COLUMNS = {0: "given", 1: "family", 2: "notes"}


@pytest.fixture
def s(db) -> Services:
    return Services.over(db)


def _messages(plan: ImportPlan) -> list[str]:
    return [str(i) for i in plan.issues if i.error] + [
        f"{ln.where}: {ln.reason}" for ln in plan.lines if ln.action == Action.REFUSE]


def _stored(s: Services) -> tuple[int, int]:
    stats = s.maintenance.stats()
    return stats["contacts"], stats["activities"] + stats["history"]


def _plan_then_run(s: Services, path: Path, options: ImportOptions
                   ) -> tuple[ImportPlan, ImportReport]:
    before, seq = dump(s.path), s.journal.last_seq()
    plan = s.imports.plan([path], options)
    assert dump(s.path) == before and s.journal.last_seq() == seq, "the plan wrote"
    report = s.imports.run([path], options)
    return plan, report


def _same(plan: ImportPlan, report: ImportReport) -> None:
    """What the plan said is what the run did."""
    p, r = plan.counts, report.plan.counts
    assert (p.created, p.updated, p.merged, p.unchanged, p.skipped, p.refused) == (
        r.created, r.updated, r.merged, r.unchanged, r.skipped, r.refused)
    assert plan.writes == report.plan.writes and plan.event_writes == report.plan.event_writes


def _refused_clearly(s: Services, row: Row, plan: ImportPlan, report: ImportReport) -> None:
    messages = _messages(plan)
    assert messages, f"{row.file}: nothing says why it is refused"
    for m in messages:
        assert m.startswith(row.path.name), m
        assert len(m) < 1000, m[:300]
    if plan.writes + plan.event_writes == 0:
        assert _stored(s) == (0, 0)


@pytest.mark.parametrize("row", params("vcard"))
def test_every_vcard_file_imports_what_its_row_says(s, row: Row):
    data = sha256(row.path)
    plan, report = _plan_then_run(s, row.path, ImportOptions(on_duplicate="create"))
    _same(plan, report)
    assert sha256(row.path) == data
    if row.rejects:
        _refused_clearly(s, row, plan, report)
        return
    cards = row.count("card")
    assert cards is not None, row.expected
    # A card with nothing to call it by (no name, nickname or e-mail: Android's app data
    # alone, two addresses) is read, but the address book cannot keep it: it is refused,
    # by its line, and the rest imported.
    nameless = _nameless(row.path)
    messages = _messages(plan)
    assert len(messages) == len(nameless), messages
    for m, line in zip(messages, nameless, strict=True):
        assert m.startswith(f"{row.path.name} line {line:,} ") and "needs a name" in m, m
    c = plan.counts
    assert c.total + len(plan.groups) == cards, (c, len(plan.groups))
    assert c.refused == len(nameless)
    assert c.created + c.merged + c.updated + c.refused == c.total, c  # fresh: all stored
    if nameless:
        assert not report.committed and _stored(s) == (0, 0)  # held back, as it should be
        report = s.imports.run([row.path], ImportOptions(on_duplicate="create"),
                               commit_good=True)
    assert report.committed
    assert _stored(s)[0] == plan.writes
    assert_consistent(s.path)


def _nameless(path: Path) -> list[int]:
    with path.open("rb") as f:
        return [p.line for p in read_vcards(f, name=path.name)
                if isinstance(p, ParsedCard) and not p.contact.display_name]


@pytest.mark.parametrize("row", params("ical"))
def test_every_calendar_file_imports_what_its_row_says(s, row: Row):
    data = sha256(row.path)
    plan, report = _plan_then_run(s, row.path, ImportOptions())
    _same(plan, report)
    assert sha256(row.path) == data
    expected = expected_counts(row.expected)
    if expected is None:  # "reject with clear error" / "recover ... or reject"
        if plan.refused:
            _refused_clearly(s, row, plan, report)
        else:
            assert report.committed and plan.event_writes > 0
        return
    assert _messages(plan) == [], row.file
    e = plan.events
    assert e.total == expected["events"] + expected["todos"], (e, expected)
    assert report.committed
    assert _stored(s)[1] == plan.event_writes
    assert_consistent(s.path)


def _mapping(path: Path, row: Row) -> ColumnMapping:
    with path.open("rb") as f:
        imp = read_csv(f, name=path.name)
        assert imp.needs_mapping and imp.header is not None
        suggested = suggest_mapping(imp.header)
    return suggested if suggested.columns else ColumnMapping(
        THREE_COLUMNS, has_header="no header row" not in row.expected)


@pytest.mark.parametrize("row", params("csv"))
def test_every_csv_file_imports_what_its_row_says(s, row: Row):
    data = sha256(row.path)
    plan, report = _plan_then_run(s, row.path, ImportOptions())
    _same(plan, report)
    expected = row.count("contact")
    [summary] = plan.files
    if summary.error is not None:
        # The wizard's question, in words, naming the file's columns; nothing stored.
        assert "choose what each column holds" in summary.error, summary.error
        assert not report.committed and _stored(s) == (0, 0)
        _refused_clearly(s, row, plan, report)
        if expected is None:
            return  # not a contacts CSV at all: the question is the answer
        options = ImportOptions(csv_mapping=_mapping(row.path, row))
        plan, report = _plan_then_run(s, row.path, options)
        _same(plan, report)
    assert sha256(row.path) == data
    assert expected is not None, row.expected
    assert _messages(plan) == [], row.file
    c = plan.counts
    assert c.total == expected, c
    assert report.committed
    assert _stored(s)[0] == plan.writes > 0
    assert_consistent(s.path)
