"""Copying and exporting contacts (vCard and plain text) from a real database file."""

from __future__ import annotations

from dataclasses import replace

import pytest
import vobject
from sqlalchemy import event

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Address, Contact, Email, ImHandle, Phone, Website
from app.domain.dates import PartialDate
from app.domain.errors import ValidationError
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner
from app.services.progress import Cancelled, CancelToken
from app.services.registry import Services
from db.repositories.contacts import MANY_CHUNK


@pytest.fixture
def services(db) -> Services:
    return Services.over(db)


def add(services: Services, contact: Contact) -> int:
    return services.contacts.create(contact).new_id(Entity.CONTACT)


def grace(account_id: int | None = None) -> Contact:
    return Contact(
        given="Grace", family="Hopper", title="Rear Admiral", department="Navy",
        account_id=account_id, birthday=PartialDate(12, 9),
        phones=[Phone("+1 202 555 0100", "work", True), Phone("+1 202 555 0199", "mobile")],
        emails=[Email("grace@navy.example", "work")],
        addresses=[Address("1 Navy Way\nBuilding 2", "Arlington", "VA", "22202", "USA",
                           label="work")],
        websites=[Website("https://example.org/grace")], ims=[ImHandle("ghopper", "Skype")],
        tags=["Pioneer"])


def test_vcards_come_in_the_order_asked_with_what_the_database_holds(services):
    account = services.accounts.create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    services.organize.define_field(CustomFieldDef(FieldOwner.CONTACT, "Renewal",
                                                  FieldKind.DATE))
    g = add(services, replace(grace(account), custom={"Renewal": "2025-03-01"}))
    ada = add(services, Contact(given="Ada", family="Lovelace"))
    gone = add(services, Contact(given="Gone"))
    services.contacts.delete([gone])
    services.contacts.purge([gone])

    text = services.exchange.vcards([ada, gone, 987654, g, ada])
    cards = list(vobject.readComponents(text))
    assert [c.fn.value for c in cards] == ["Ada Lovelace", "Grace Hopper"]
    v = cards[1]
    assert v.version.value == "4.0"
    assert v.org.value == ["Acme Ltd", "Navy"]
    assert v.bday.value == "--1209"
    assert v.categories.value == ["Pioneer"]
    assert [t.value for t in v.contents["tel"]] == ["+1 202 555 0100", "+1 202 555 0199"]
    assert v.x_rolodeck_field.value == "2025-03-01"
    assert v.x_rolodeck_field.params == {"X-NAME": ["Renewal"]}
    assert v.uid.value == services.contacts.get(g).uid


def test_version_3_and_a_contact_in_the_trash(services):
    cid = add(services, grace())
    services.contacts.delete([cid])
    [v] = vobject.readComponents(services.exchange.vcards([cid], "3.0"))
    assert v.version.value == "3.0" and v.fn.value == "Grace Hopper"
    assert v.bday.value == "1604-12-09" and v.bday.params == {"X-APPLE-OMIT-YEAR": ["1604"]}
    assert v.x_skype.value == "ghopper"


def test_plain_text_is_a_block_per_contact(services):
    account = services.accounts.create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    g = add(services, grace(account))
    ada = add(services, Contact(given="Ada", family="Lovelace",
                                emails=[Email("ada@engines.example", "home")]))
    assert services.exchange.as_text([g, 5555, ada]) == (
        "Grace Hopper\n"
        "Rear Admiral, Navy at Acme Ltd\n"
        "Phone (work): +1 202 555 0100\n"
        "Phone (mobile): +1 202 555 0199\n"
        "E-mail (work): grace@navy.example\n"
        "Address (work):\n"
        "  1 Navy Way\n"
        "  Building 2\n"
        "  22202 Arlington\n"
        "  VA\n"
        "  USA\n"
        "Web: https://example.org/grace\n"
        "Skype: ghopper\n"
        "\n"
        "Ada Lovelace\n"
        "E-mail (home): ada@engines.example")


def test_a_title_or_a_company_alone(services):
    account = services.accounts.create(Account("Acme Ltd")).new_id(Entity.ACCOUNT)
    boss = add(services, Contact(given="Bo", title="CEO"))
    clerk = add(services, Contact(given="Cy", account_id=account))
    assert services.exchange.as_text([boss, clerk]) == "Bo\nCEO\n\nCy\nAcme Ltd"


def test_nothing_chosen_gives_nothing(services):
    assert services.exchange.vcards([]) == ""
    assert services.exchange.as_text([]) == ""


def test_more_than_the_limit_is_refused_with_the_reason(services):
    too_many = list(range(1, 100_002))
    with pytest.raises(ValidationError, match="100,001 contacts were chosen; at most 100,000"):
        services.exchange.vcards(too_many)
    with pytest.raises(ValidationError, match="at most 100,000"):
        services.exchange.as_text(too_many)


def test_an_unknown_vcard_version_is_refused(services):
    cid = add(services, Contact(given="Ada"))
    with pytest.raises(ValidationError, match="choose 4.0 or 3.0"):
        services.exchange.vcards([cid], "2.1")


def test_a_long_copy_reports_progress_and_can_be_cancelled(services):
    ids = [add(services, Contact(given=f"P{i}")) for i in range(150)]
    seen: list[tuple[int, int]] = []
    text = services.exchange.as_text(ids, progress=lambda done, total: seen.append(
        (done, total)))
    assert text.count("\n\n") == 149
    assert seen == [(100, 150), (150, 150)]

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        services.exchange.vcards(ids, cancel=token)


def many(services: Services, n: int) -> list[int]:
    people = [Contact(given=f"P{i:04}", family="Many", phones=[Phone(f"+1 555 {i:04}")],
                      emails=[Email(f"p{i}@many.example")], tags=[f"T{i % 3}"])
              for i in range(n)]
    return sorted(services.contacts.bulk_create(people).inserted[Entity.CONTACT])


def test_a_copy_bigger_than_a_chunk_keeps_every_contact_in_the_order_asked(services):
    ids = many(services, 2 * MANY_CHUNK + 10)
    services.contacts.delete(ids[:5])
    services.contacts.purge(ids[:5])  # gone since they were chosen
    services.contacts.delete(ids[-5:])  # in the trash: still copied
    wanted = [i for cid in reversed(ids) for i in (cid, cid)]  # twice: copied once
    seen: list[tuple[int, int]] = []
    text = services.exchange.vcards(wanted, progress=lambda d, t: seen.append((d, t)))
    names = [c.fn.value for c in vobject.readComponents(text)]
    assert names == [f"P{i:04} Many" for i in reversed(range(5, len(ids)))]
    assert seen[-1] == (len(ids), len(ids)) and len(seen) == len(ids) // 100 + 1

    plain = services.exchange.as_text(list(reversed(ids)))
    blocks = plain.split("\n\n")
    assert len(blocks) == len(ids) - 5
    # The same blocks as copying each contact alone, on both sides of each chunk's edge.
    for at in (0, MANY_CHUNK - 1, MANY_CHUNK, 2 * MANY_CHUNK, len(blocks) - 1):
        alone = services.exchange.as_text([list(reversed(ids))[at]])
        assert blocks[at] == alone


def test_a_cancel_stops_before_the_next_chunk_is_read(services, db):
    ids = many(services, 2 * MANY_CHUNK + 10)
    token = CancelToken()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *a: statements.append(statement))
    with pytest.raises(Cancelled):
        services.exchange.vcards(ids, cancel=token,
                                 progress=lambda done, total: token.cancel())
    reads = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 8  # one chunk: contacts, five detail tables, tags, custom values
