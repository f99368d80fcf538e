"""ContactTableModel over a real database: ids from the Directory, rows fetched a page at a time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain.account import Account
from app.domain.changes import ChangeSet, Entity
from app.domain.contact import Contact, ContactStatus, Email, Phone
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.directory import Directory
from ui.contacts.table_model import PAGE_SIZE, Column, ContactTableModel, IdRole

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


class CountingDirectory(Directory):
    """The real Directory, counting the page queries the model makes."""

    def __init__(self, db):
        super().__init__(db)
        self.pages: list[int] = []

    def contact_summaries(self, ids):
        self.pages.append(len(ids))
        return super().contact_summaries(ids)


def people(n: int) -> list[Contact]:
    return [Contact(given=f"Person{i:05d}", family="Example",
                    emails=[Email(f"p{i}@example.com")], phones=[Phone(f"+1 555 {i:07d}")])
            for i in range(n)]


def cell(model: ContactTableModel, row: int, column: Column):
    return model.data(model.index(row, column))


def names(model: ContactTableModel) -> list[str]:
    return [cell(model, r, Column.NAME) for r in range(model.rowCount())]


@pytest.fixture
def directory(db) -> CountingDirectory:
    return CountingDirectory(db)


@pytest.fixture
def model(directory) -> ContactTableModel:
    m = ContactTableModel(directory)
    m.refresh()
    return m


def test_passes_qt_model_checks_with_3000_rows(db, directory, qtmodeltester):
    ContactService(db).bulk_create(people(3000))
    model = ContactTableModel(directory)
    model.refresh()
    assert model.rowCount() == 3000
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected: resets from sorting, searching and changes are checked too.
    model.sort(Column.NAME, DESC)
    model.set_query("Person0001")
    assert model.rowCount() == 10
    model.apply_changes(ContactService(db).create(Contact(given="Person00010b")))
    assert model.rowCount() == 11


def test_rows_come_in_name_order_with_every_column(db, model):
    acme = AccountService(db).create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper", title="Rear Admiral", account_id=acme,
                       emails=[Email("grace@navy.example")], phones=[Phone("+1 555 0100")],
                       status=ContactStatus.CUSTOMER))
    svc.create(Contact(given="Ada", family="Lovelace"))
    model.refresh()

    assert names(model) == ["Ada Lovelace", "Grace Hopper"]
    assert [cell(model, 1, c) for c in Column] == [
        "Grace Hopper", "Acme Ltd", "Rear Admiral", "grace@navy.example", "+1 555 0100",
        "Customer"]
    assert model.headerData(Column.EMAIL, Qt.Orientation.Horizontal) == "E-mail"


def test_rows_are_fetched_one_page_per_query_and_flags_fetch_nothing(db, directory, model):
    ContactService(db).bulk_create(people(1000))
    model.refresh()

    for row in range(0, 2 * PAGE_SIZE):
        model.flags(model.index(row, 0))
    assert directory.pages == []

    assert cell(model, 0, Column.NAME) == "Person00000 Example"
    assert cell(model, PAGE_SIZE - 1, Column.EMAIL) == f"p{PAGE_SIZE - 1}@example.com"
    assert directory.pages == [PAGE_SIZE]

    assert cell(model, PAGE_SIZE, Column.NAME) == f"Person{PAGE_SIZE:05d} Example"
    assert directory.pages == [PAGE_SIZE, PAGE_SIZE]

    # A new search reuses rows already fetched.
    model.set_query("Person00001")
    assert names(model) == ["Person00001 Example"]
    assert len(directory.pages) == 2


def test_sorting_asks_the_directory_and_ignores_unindexed_columns(db, model, qtbot):
    accounts = AccountService(db)
    zeta = accounts.create(Account("Zeta Corp")).new_id(Entity.ACCOUNT)
    alpha = accounts.create(Account("Alpha Inc")).new_id(Entity.ACCOUNT)
    svc = ContactService(db)
    svc.create(Contact(given="Amy", family="Zed", account_id=zeta))
    svc.create(Contact(given="Zoe", family="Able", account_id=alpha))
    svc.create(Contact(given="Mia", family="Free"))
    model.refresh()
    assert names(model) == ["Amy Zed", "Mia Free", "Zoe Able"]

    with qtbot.waitSignal(model.modelReset):
        model.sort(Column.COMPANY, ASC)
    assert names(model) == ["Zoe Able", "Amy Zed", "Mia Free"]  # no company last
    assert model.sort_column() == Column.COMPANY

    model.sort(Column.NAME, DESC)
    assert names(model) == ["Zoe Able", "Mia Free", "Amy Zed"]

    with qtbot.assertNotEmitted(model.modelReset):
        model.sort(Column.EMAIL, ASC)
    assert names(model) == ["Zoe Able", "Mia Free", "Amy Zed"]


def test_a_search_narrows_the_rows_and_clearing_it_brings_them_back(db, model):
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper"))
    svc.create(Contact(given="Ada", family="Lovelace", notes="first programmer"))
    model.refresh()

    model.set_query("hop")
    assert names(model) == ["Grace Hopper"]
    assert model.searching
    model.set_query("programmer")
    assert names(model) == ["Ada Lovelace"]
    model.set_query("")
    assert model.rowCount() == 2


def test_results_of_an_older_search_are_dropped(db, directory):
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper"))
    svc.create(Contact(given="Ada", family="Lovelace"))
    pending = []
    model = ContactTableModel(directory, run_query=lambda fetch, done: pending.append(
        (fetch, done)))

    model.set_query("grace")
    model.set_query("ada")
    older, newer = pending
    newer[1](newer[0]())
    older[1](older[0]())  # arrives last, but answers a question nobody asks any more

    assert model.rowCount() == 1
    assert names(model) == [None]  # its row is being read, off the GUI thread
    fetch, done = pending[-1]
    done(fetch())
    assert names(model) == ["Ada Lovelace"]


def test_rows_are_read_off_the_gui_thread_and_painted_when_they_arrive(db, directory, qtbot):
    ContactService(db).bulk_create(people(600))
    pending = []
    model = ContactTableModel(directory, run_query=lambda fetch, done: pending.append(
        (fetch, done)))
    model.refresh()
    fetch, done = pending.pop()
    done(fetch())
    assert model.rowCount() == 600 and directory.pages == []
    assert cell(model, 300, Column.NAME) is None and model.fetching
    cell(model, 301, Column.NAME)  # the same page: asked for once
    assert len(pending) == 1
    fetch, done = pending.pop()
    with qtbot.waitSignal(model.dataChanged) as painted:
        done(fetch())
    first, last = painted.args[:2]
    assert (first.row(), last.row()) == (256, 511)
    assert cell(model, 300, Column.NAME) == "Person00300 Example" and not model.fetching
    assert directory.pages == [256]


def test_a_page_read_before_a_change_is_not_kept(db, directory):
    svc = ContactService(db)
    svc.bulk_create(people(3))
    pending = []
    model = ContactTableModel(directory, run_query=lambda fetch, done: pending.append(
        (fetch, done)))
    model.refresh()
    fetch, done = pending.pop()
    done(fetch())
    assert cell(model, 0, Column.NAME) is None
    page_fetch, page_done = pending.pop()
    rows = page_fetch()  # read, then a rename lands before the rows reach the model
    contact = svc.get(model.id_at(0))
    contact.given = "Renamed"
    model.apply_changes(svc.update(contact))
    page_done(rows)
    assert cell(model, 0, Column.NAME) is None  # asked again, not shown stale
    fetch, done = pending.pop()
    done(fetch())
    assert cell(model, 0, Column.NAME) == "Renamed Example"


def test_an_update_refreshes_only_its_row(db, model, directory, qtbot):
    svc = ContactService(db)
    svc.bulk_create(people(5))
    model.refresh()
    assert cell(model, 3, Column.TITLE) == ""
    cid = model.data(model.index(3, 0), IdRole)
    contact = svc.get(cid)
    contact.title = "Chief of Staff"
    changes = svc.update(contact)

    with qtbot.assertNotEmitted(model.modelReset), \
            qtbot.waitSignal(model.dataChanged) as changed:
        model.apply_changes(changes)
    first, last = changed.args[:2]
    assert (first.row(), last.row(), first.column(), last.column()) == (3, 3, 0, 5)
    assert cell(model, 3, Column.TITLE) == "Chief of Staff"


def test_inserts_and_deletes_requery_the_ids(db, model):
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper"))
    model.refresh()

    added = svc.create(Contact(given="Ada", family="Lovelace"))
    model.apply_changes(added)
    assert names(model) == ["Ada Lovelace", "Grace Hopper"]

    model.apply_changes(svc.delete([added.new_id(Entity.CONTACT)]))
    assert names(model) == ["Grace Hopper"]


def test_an_account_rename_shows_in_its_contacts_rows(db, model):
    accounts = AccountService(db)
    aid = accounts.create(Account("Initech")).new_id(Entity.ACCOUNT)
    ContactService(db).create(Contact(given="Peter", family="Gibbons", account_id=aid))
    model.refresh()
    assert cell(model, 0, Column.COMPANY) == "Initech"

    account = accounts.get(aid)
    account.name = "Initrode"
    model.apply_changes(accounts.update(account))
    assert cell(model, 0, Column.COMPANY) == "Initrode"


def test_a_row_that_vanished_is_blank_and_not_fetched_again(db, model, directory):
    svc = ContactService(db)
    svc.create(Contact(given="Grace", family="Hopper"))
    svc.create(Contact(given="Ada", family="Lovelace"))
    model.refresh()
    gone = model.id_at(0)
    svc.purge(list(svc.delete([gone]).deleted[Entity.CONTACT]))  # nobody told the model

    assert cell(model, 0, Column.NAME) is None
    assert cell(model, 0, Column.NAME) is None
    assert cell(model, 1, Column.NAME) == "Grace Hopper"
    assert len(directory.pages) == 1
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable

    model.apply_changes(ChangeSet.of(deleted={Entity.CONTACT: [gone]}))
    assert names(model) == ["Grace Hopper"]


def test_a_page_asked_for_by_the_list_before_a_requery_paints_the_new_list(db, directory):
    # The view paints a screen of the list; before that page is back the user re-sorts, and
    # the new list's screen covers the same rows, whose page is "already on its way". When it
    # arrives, the new list's rows must be painted (and those it did not read, asked for);
    # they used to stay blank until something else repainted them.
    ContactService(db).bulk_create(people(600))
    pending = []
    model = ContactTableModel(directory, run_query=lambda fetch, done: pending.append(
        (fetch, done)))
    painted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, *_: painted.append((first.row(), last.row())))
    model.refresh()
    fetch, done = pending.pop()
    done(fetch())
    assert cell(model, 300, Column.NAME) is None  # rows 256-511 asked for
    page_fetch, page_done = pending.pop()

    model.sort(Column.NAME, DESC)
    fetch, done = pending.pop()
    done(fetch())
    # Row 300 now shows a contact the page holds, row 500 one it does not.
    assert cell(model, 300, Column.NAME) is None and cell(model, 500, Column.NAME) is None
    assert pending == []  # the page for rows 256-511 is on its way

    page_done(page_fetch())
    assert any(first <= 300 <= last for first, last in painted)
    assert any(first <= 500 <= last for first, last in painted)
    assert cell(model, 300, Column.NAME) == "Person00299 Example"
    assert cell(model, 500, Column.NAME) is None  # its row was not in that page: asked for now
    fetch, done = pending.pop()
    done(fetch())
    assert cell(model, 500, Column.NAME) == "Person00099 Example"
    assert not model.fetching
