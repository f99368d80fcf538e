"""The Contacts view as a user works it: the rolodex strip and typed letters jump to the right
row in every sort, the record pane's tabs, the window remembering how it was left, and
`--screenshot` writing a picture of each view at the size asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.services.registry import Services
from tests.ui.test_window_writes import names, settle
from ui.contacts.table_model import Column
from ui.main_window import MainWindow, View

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [("Ada", "Lovelace", "Zeta Corp"), ("Alan", "Turing", "Bletchley"),
          ("Álvaro", "Martínez", ""), ("Barbara", "Liskov", "Acme"), ("Edsger", "Dijkstra", ""),
          ("Grace", "Hopper", "Navy"), ("Ken", "Thompson", "Bell Labs"),
          ("Margaret", "Hamilton", "Acme"), ("Zed", "Shaw", "Zeta Corp"),
          ("42", "Club", "")]


@pytest.fixture
def services(db) -> Services:
    s = Services.over(db)
    firms: dict[str, int] = {}
    for given, family, firm in PEOPLE:
        account_id = None
        if firm:
            if firm not in firms:
                firms[firm] = s.accounts.create(Account(firm)).new_id(Entity.ACCOUNT)
            account_id = firms[firm]
        s.contacts.create(Contact(given=given, family=family, account_id=account_id))
    return s


@pytest.fixture
def window(services, qtbot):
    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def current_name(w: MainWindow) -> str:
    return w.model.index(w.table.currentIndex().row(), Column.NAME).data()


def jump(qtbot, w: MainWindow, letter: str) -> str:
    before = w.table.currentIndex().row()
    w.contacts.strip.buttons[letter].click()
    qtbot.waitUntil(lambda: not w.reads.busy and w.table.currentIndex().row() >= 0)
    settle(qtbot, w)
    del before
    return current_name(w)


def test_the_strip_jumps_to_the_first_name_under_each_letter(qtbot, window):
    assert jump(qtbot, window, "A") == "Ada Lovelace"
    assert jump(qtbot, window, "B") == "Barbara Liskov"
    # No one under C or D: the next name filed after it.
    assert jump(qtbot, window, "C") == "Edsger Dijkstra"
    assert jump(qtbot, window, "K") == "Ken Thompson"
    # Past the last letter anyone has: the last row, not nowhere.
    assert jump(qtbot, window, "#") == "42 Club"
    assert window.table.selectionModel().selectedRows()[0].row() == len(PEOPLE) - 1
    # Accents are filed under their letter, as people expect: Álvaro under A.
    assert names(window).index("Álvaro Martínez") < names(window).index("Barbara Liskov")


def test_the_strip_follows_a_reversed_and_a_company_sort(qtbot, window):
    window.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: names(window)[0] == "42 Club")
    settle(qtbot, window)
    assert jump(qtbot, window, "K") == "Ken Thompson"
    assert jump(qtbot, window, "A") == "Álvaro Martínez"
    window.table.sortByColumn(Column.COMPANY, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: names(window)[0] in ("Barbara Liskov", "Margaret Hamilton"))
    settle(qtbot, window)
    assert window.model.index(window.table.currentIndex().row(), Column.COMPANY).data() or True
    jump(qtbot, window, "N")
    assert window.model.index(window.table.currentIndex().row(), Column.COMPANY).data() == "Navy"


def test_typing_a_letter_in_the_list_jumps_without_reading_every_row(qtbot, window):
    window.table.setFocus()
    qtbot.keyClicks(window.table, "g")
    qtbot.waitUntil(lambda: window.table.currentIndex().isValid()
                    and current_name(window) == "Grace Hopper")
    qtbot.keyClicks(window.table, "4")
    qtbot.waitUntil(lambda: current_name(window) == "42 Club")
    # The record pane follows the keyboard.
    qtbot.waitUntil(lambda: window.contacts.detail.name.value() == "42 Club")


def test_the_strip_is_hidden_while_searching(qtbot, window):
    window.contacts.search_field.setText("hopper")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() == 1)
    settle(qtbot, window)
    assert not window.contacts.strip.isVisible()
    window.contacts.search_field.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == len(PEOPLE))
    settle(qtbot, window)
    assert window.contacts.strip.isVisible()


def test_arrows_walk_the_records_and_the_pane_follows(qtbot, window):
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.contacts.detail.name.value() == "Ada Lovelace")
    for expected in names(window)[1:4]:
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda e=expected: window.contacts.detail.name.value() == e)


def test_the_notes_tab_shows_the_contacts_notes(qtbot, services, window):
    cid = services.directory.contact_ids("hopper")[0]
    grace = services.contacts.get(cid)
    grace.notes = "Invented the first compiler.\nLikes nanoseconds."
    window.writer.run(lambda: services.contacts.update(grace))
    window.contacts.select_contact(cid)
    record = window.contacts.record
    record.tabs.setCurrentWidget(window.contacts.notes_tab)
    qtbot.waitUntil(lambda: window.contacts.notes_tab.facts is not None
                    and "nanoseconds" in window.contacts.notes_tab.facts.notes)


def test_the_window_remembers_geometry_split_and_view(qtbot, services, tmp_path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    first = MainWindow(services, settings=settings)
    qtbot.addWidget(first)
    first.resize(760, 560)  # within the offscreen screen (800x600)
    first.show()
    qtbot.waitExposed(first)
    settle(qtbot, first)
    first.contacts.splitter.setSizes([500, 300])
    first.contacts.splitter.splitterMoved.emit(500, 1)
    dragged = first.contacts.splitter.sizes()
    first.show_view(View.TRASH)
    first.close()
    again = MainWindow(services, settings=QSettings(str(tmp_path / "window.ini"),
                                                    QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (760, 560)
    qtbot.waitUntil(lambda: again.current_view() == View.TRASH)
    again.show_view(View.CONTACTS)
    qtbot.waitUntil(lambda: again.contacts.isVisible())
    # The record pane keeps the width it was dragged to; the list takes what is left.
    assert again.contacts.splitter.sizes()[1] == dragged[1]


@pytest.mark.parametrize(("view", "size"), [("contacts", "1280x800"), ("contact", "800x500"),
                                            ("accounts", "1280x800"), ("account", "800x500"),
                                            ("groups", "1024x640"), ("trash", "1024x640"),
                                            ("editor", "1280x800")])
def test_screenshot_writes_a_png_of_the_size_asked(db_path, services, view, size, tmp_path):
    out = tmp_path / f"shot #1 %{view}.png"
    env = {k: v for k, v in os.environ.items() if k != "ROLODECK_DB"}
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path),
                           "--screenshot", str(out), "--view", view, "--size", size,
                           "--theme", "dark" if view in ("account", "groups") else "light"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    width, height = (int(x) for x in size.split("x"))
    if view == "editor":  # the editor dialog itself, at its own size
        assert 300 < image.width() <= width and 300 < image.height() <= height
    else:
        assert (image.width(), image.height()) == (width, height)
    # Not a blank picture: a window with a list has many colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20


@pytest.mark.parametrize("size", ["10x10", "1280", "axb", "99999x1", "1280x800x2", ""])
def test_screenshot_refuses_a_bad_size_in_words(db_path, size, tmp_path):
    out = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path),
                           "--screenshot", str(out), "--size", size],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "--size" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_filters_narrow_the_list_and_show_as_chips(qtbot, services, window):
    from app.domain.contact import ContactStatus
    from app.domain.filters import ContactFilter
    from app.domain.groups import Group

    ids = {n: services.directory.contact_ids(n)[0] for n in ("hopper", "turing", "liskov")}
    for name in ("hopper", "liskov"):
        c = services.contacts.get(ids[name])
        c.status = ContactStatus.CUSTOMER
        services.contacts.update(c)
    services.organize.tag_contacts([ids["turing"], ids["hopper"]], ["VIP"])
    gid = services.organize.create_group(Group("Pioneers")).new_id(Entity.GROUP)
    services.organize.add_to_group(gid, [ids["liskov"]])
    bar = window.contacts.filters
    bar.refresh_choices()
    qtbot.waitUntil(lambda: not window.reads.busy and bool(bar._choices.groups))

    bar.set_filter(ContactFilter(status="customer"))
    qtbot.waitUntil(lambda: sorted(map(str, names(window))) == ["Barbara Liskov", "Grace Hopper"])
    settle(qtbot, window)
    assert bar.chip_texts() == ["Status: Customer"]
    assert "(filtered)" in window.count_label.text()
    # The strip counts within the filter: G is the second row, not the sixth.
    assert jump(qtbot, window, "G") == "Grace Hopper"

    bar.set_filter(ContactFilter(status="customer", tag="vip"))  # tags match in any case
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"])
    bar.set_filter(ContactFilter(group_id=gid))
    qtbot.waitUntil(lambda: names(window) == ["Barbara Liskov"])
    settle(qtbot, window)
    assert bar.chip_texts() == ["Group: Pioneers"]
    # A change of membership moves contacts in and out of the filtered list.
    window.writer.run(lambda: services.organize.add_to_group(gid, [ids["turing"]]))
    qtbot.waitUntil(lambda: sorted(map(str, names(window))) == ["Alan Turing", "Barbara Liskov"])
    # Searching within a filter keeps to it.
    window.contacts.search_field.setText("turing")
    qtbot.waitUntil(lambda: window.model.searching and names(window) == ["Alan Turing"])
    window.contacts.search_field.setText("hopper")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() == 0)
    settle(qtbot, window)
    assert "filters" in window.contacts.empty_state.text()
    window.contacts.search_field.clear()
    qtbot.waitUntil(lambda: not window.model.searching)

    bar.set_filter(ContactFilter(status="other"))
    qtbot.waitUntil(lambda: window.model.loaded and window.model.rowCount() == 0)
    settle(qtbot, window)
    assert window.contacts.empty_state.isVisible()
    assert "No contacts match the filters" in window.contacts.empty_state.text()
    assert not window.contacts.welcome.isVisible()  # not "No contacts yet"
    bar.set_filter(bar.filter.without("status"))
    qtbot.waitUntil(lambda: window.model.rowCount() == len(PEOPLE))
    assert bar.chip_texts() == []


def test_deleting_the_filtered_group_takes_the_filter_off(qtbot, services, window):
    from app.domain.filters import ContactFilter
    from app.domain.groups import Group

    gid = services.organize.create_group(Group("Temp")).new_id(Entity.GROUP)
    bar = window.contacts.filters
    bar.set_filter(ContactFilter(group_id=gid))
    qtbot.waitUntil(lambda: window.model.loaded and window.model.rowCount() == 0)
    window.writer.run(lambda: services.organize.delete_group(gid))
    qtbot.waitUntil(lambda: bar.filter.empty and window.model.rowCount() == len(PEOPLE))


def test_only_headers_that_sort_take_a_click(qtbot, window):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QStyle, QStyleOptionHeader

    header = window.table.horizontalHeader()
    window.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: names(window)[0] == "Ada Lovelace")

    def click(column: Column) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    click(Column.EMAIL)  # no index behind it: the click does nothing
    assert header.sortIndicatorSection() == Column.NAME
    assert not header.sorts(Column.EMAIL) and header.sorts(Column.NAME)
    option = QStyleOptionHeader()
    option.state = QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_Enabled
    header.initStyleOptionForIndex(option, Column.EMAIL)
    assert not option.state & QStyle.StateFlag.State_MouseOver
    click(Column.NAME)  # this one reverses the list
    qtbot.waitUntil(lambda: names(window)[0] == "42 Club")


def test_the_column_chooser_takes_a_column_off_and_the_window_remembers(
        qtbot, services, tmp_path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    first = MainWindow(services, settings=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    settle(qtbot, first)
    first.table.show_column(Column.COMPANY, False)
    assert first.table.isColumnHidden(Column.COMPANY)
    first.resize(first.width() - 40, first.height())  # a re-fit keeps the choice
    qtbot.wait(50)
    assert first.table.isColumnHidden(Column.COMPANY)
    first.close()
    again = MainWindow(services, settings=QSettings(str(tmp_path / "window.ini"),
                                                    QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.table.isColumnHidden(Column.COMPANY)
    again.table.show_column(Column.COMPANY, True)
    assert not again.table.isColumnHidden(Column.COMPANY)


def test_the_name_order_setting_files_the_list_by_family_name_at_once(qtbot, window):
    from ui.settings.formatting import NameOrder

    window.prefs.name_order = NameOrder.FAMILY_FIRST
    qtbot.waitUntil(lambda: names(window)[:3] == ["Club, 42", "Dijkstra, Edsger",
                                                  "Hamilton, Margaret"])
    settle(qtbot, window)
    # The strip files by family name too.
    assert jump(qtbot, window, "L") == "Liskov, Barbara"
    window.prefs.name_order = NameOrder.GIVEN_FIRST
    qtbot.waitUntil(lambda: names(window)[:2] == ["Ada Lovelace", "Alan Turing"])


def test_the_date_format_setting_reaches_the_timeline_without_a_restart(qtbot, window):
    from datetime import datetime, timedelta

    from ui.history.labels import when_label
    from ui.settings.formatting import DateFormat

    long_ago = datetime.now().astimezone() - timedelta(days=800)
    window.prefs.date_format = DateFormat.ISO
    assert when_label(long_ago) == long_ago.strftime("%Y-%m-%d")
    window.prefs.date_format = DateFormat.MONTH_DAY_YEAR
    assert when_label(long_ago) == long_ago.strftime("%m/%d/%Y")
    window.prefs.date_format = DateFormat.LONG


def test_the_card_shows_the_contacts_photo_and_initials_without_one(qtbot, services, window):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor

    picture = QImage(120, 80, QImage.Format.Format_RGB32)
    picture.fill(QColor("#c03020"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "JPEG")
    cid = services.directory.contact_ids("hopper")[0]
    grace = services.contacts.get(cid)
    grace.photo, grace.photo_mime = bytes(data.data()), "image/jpeg"
    window.writer.run(lambda: services.contacts.update(grace))
    window.contacts.select_contact(cid)
    card = window.contacts.detail
    qtbot.waitUntil(lambda: not card.initials.pixmap().isNull())
    shown = card.initials.pixmap().toImage()
    middle = shown.pixelColor(shown.width() // 2, shown.height() // 2)
    assert middle.red() > 150 and middle.green() < 100  # the photo, cropped round
    assert card.initials.text() == ""
    window.contacts.select_contact(services.directory.contact_ids("turing")[0])
    qtbot.waitUntil(lambda: card.initials.text() == "AT")
    assert card.initials.pixmap().isNull()
