"""Groups, tags and custom fields, against a real migrated SQLite file."""

from __future__ import annotations

import pytest

from app.domain.account import Account
from app.domain.changes import Entity
from app.domain.contact import Contact
from app.domain.errors import NotFoundError, ValidationError
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner, Group
from app.services.accounts import AccountService
from app.services.contacts import ContactService
from app.services.organize import OrganizeService


@pytest.fixture
def org(db):
    return OrganizeService(db)


@pytest.fixture
def contacts(db):
    return ContactService(db)


def add_contact(contacts, given, family="", **kw) -> int:
    return contacts.create(Contact(given=given, family=family, **kw)).new_id(Entity.CONTACT)


def add_account(db, name, **kw) -> int:
    return AccountService(db).create(Account(name=name, **kw)).new_id(Entity.ACCOUNT)


def add_group(org, name, description="") -> int:
    return org.create_group(Group(name, description)).new_id(Entity.GROUP)


def add_field(org, name, kind=FieldKind.TEXT, choices=(), owner=FieldOwner.CONTACT) -> int:
    return org.define_field(CustomFieldDef(owner, name, kind, list(choices))).new_id(
        Entity.CUSTOM_FIELD)


# -- groups -----------------------------------------------------------------------------------

def test_group_counts_leave_out_trashed_members(db, org, contacts):
    gid = add_group(org, "Newsletter")
    ada, bob = add_contact(contacts, "Ada"), add_contact(contacts, "Bob")
    acme = add_account(db, "Acme")
    org.add_to_group(gid, contact_ids=[ada, bob], account_ids=[acme])

    contacts.delete([bob])

    (group,) = org.groups()
    assert (group.name, group.contact_count, group.account_count) == ("Newsletter", 1, 1)
    assert org.group_members(gid) == ([ada], [acme])

    contacts.restore([bob])
    assert org.groups()[0].contact_count == 2  # trashing did not drop the membership


def test_duplicate_group_names_are_refused_whatever_the_case(org):
    add_group(org, "Clients")
    with pytest.raises(ValidationError, match="A group called 'clients' already exists"):
        org.create_group(Group("  clients "))
    other = add_group(org, "Suppliers")
    with pytest.raises(ValidationError, match="already exists"):
        org.rename_group(other, "CLIENTS")
    assert [g.name for g in org.groups()] == ["Clients", "Suppliers"]


def test_group_needs_a_name(org):
    with pytest.raises(ValidationError, match="needs a name"):
        org.create_group(Group("   "))


def test_rename_group_keeps_description_unless_given(org):
    gid = add_group(org, "Clients", "paying customers")
    org.rename_group(gid, "clients")  # a change of case is not a clash with itself
    assert [(g.name, g.description) for g in org.groups()] == [("clients", "paying customers")]
    org.rename_group(gid, "Customers", "who pays us")
    assert [(g.name, g.description) for g in org.groups()] == [("Customers", "who pays us")]


def test_adding_twice_is_harmless_and_reports_nothing_new(org, contacts):
    gid = add_group(org, "Team")
    ada = add_contact(contacts, "Ada")
    first = org.add_to_group(gid, contact_ids=[ada])
    assert first.updated[Entity.CONTACT] == {ada}
    again = org.add_to_group(gid, contact_ids=[ada, ada])
    assert again.empty
    assert org.groups()[0].contact_count == 1


def test_members_come_in_name_order(db, org, contacts):
    gid = add_group(org, "Everyone")
    zed, amy = add_contact(contacts, "Zed"), add_contact(contacts, "amy")
    zeta, alpha = add_account(db, "Zeta Ltd"), add_account(db, "alpha inc")
    org.add_to_group(gid, contact_ids=[zed, amy], account_ids=[zeta, alpha])
    assert org.group_members(gid) == ([amy, zed], [alpha, zeta])


def test_remove_from_group_and_groups_of_contact(org, contacts):
    a, b = add_group(org, "B-list"), add_group(org, "A-list")
    ada = add_contact(contacts, "Ada")
    org.add_to_group(a, contact_ids=[ada])
    org.add_to_group(b, contact_ids=[ada])
    assert [g.name for g in org.groups_of_contact(ada)] == ["A-list", "B-list"]

    org.remove_from_group(a, contact_ids=[ada])
    assert [g.name for g in org.groups_of_contact(ada)] == ["A-list"]
    assert org.remove_from_group(a, contact_ids=[ada]).empty


def test_deleting_a_group_leaves_its_members(org, contacts):
    gid = add_group(org, "Old campaign")
    ada = add_contact(contacts, "Ada", "Lovelace")
    org.add_to_group(gid, contact_ids=[ada])
    changes = org.delete_group(gid)
    assert changes.deleted[Entity.GROUP] == {gid}
    assert org.groups() == []
    assert contacts.get(ada).family == "Lovelace"
    assert org.groups_of_contact(ada) == []
    add_group(org, "Old campaign")  # the name is free again


def test_cannot_add_missing_or_trashed_contacts(org, contacts):
    gid = add_group(org, "Team")
    ada = add_contact(contacts, "Ada")
    contacts.delete([ada])
    with pytest.raises(NotFoundError, match=f"No contact with id {ada}"):
        org.add_to_group(gid, contact_ids=[ada])
    with pytest.raises(NotFoundError, match="No group"):
        org.add_to_group(9999, contact_ids=[])


# -- tags -------------------------------------------------------------------------------------

def test_tags_are_one_whatever_the_case(db, org, contacts):
    ada, bob = add_contact(contacts, "Ada"), add_contact(contacts, "Bob")
    org.tag_contacts([ada], ["VIP"])
    org.tag_contacts([bob], ["vip", " Vip "])
    acme = add_account(db, "Acme", tags=["vIp"])

    assert org.all_tags() == [("VIP", 3)]
    assert contacts.get(bob).tags == ["VIP"]  # the first spelling is kept
    assert org.contacts_tagged("vip") == [ada, bob]
    assert org.accounts_tagged("VIP") == [acme]


def test_tagging_keeps_existing_tags(org, contacts):
    ada = add_contact(contacts, "Ada", tags=["friend"])
    changes = org.tag_contacts([ada], ["VIP", "Friend"])
    assert contacts.get(ada).tags == ["friend", "VIP"]
    assert changes.updated[Entity.CONTACT] == {ada}
    assert len(changes.inserted[Entity.TAG]) == 1


def test_tag_counts_leave_out_trashed(org, contacts):
    ada, bob = add_contact(contacts, "Ada"), add_contact(contacts, "Bob")
    org.tag_contacts([ada, bob], ["lead"])
    contacts.delete([bob])
    assert org.all_tags() == [("lead", 1)]
    assert org.contacts_tagged("lead") == [ada]


def test_untag_forgets_a_tag_nobody_has(org, contacts):
    ada, bob = add_contact(contacts, "Ada"), add_contact(contacts, "Bob")
    org.tag_contacts([ada, bob], ["VIP", "lead"])
    org.untag_contacts([ada], ["vip"])
    assert contacts.get(ada).tags == ["lead"]
    assert org.all_tags() == [("lead", 2), ("VIP", 1)]
    changes = org.untag_contacts([bob], ["VIP"])
    assert org.all_tags() == [("lead", 2)]
    assert Entity.TAG in changes.deleted


def test_account_tags(db, org):
    acme = add_account(db, "Acme")
    org.tag_accounts([acme], ["Partner"])
    assert AccountService(db).get(acme).tags == ["Partner"]
    org.untag_accounts([acme], ["partner"])
    assert AccountService(db).get(acme).tags == []


def test_rename_tag_merges_into_an_existing_one(db, org, contacts):
    ada, bob, cy = (add_contact(contacts, n) for n in ("Ada", "Bob", "Cy"))
    acme = add_account(db, "Acme")
    org.tag_contacts([ada, bob], ["customer"])
    org.tag_contacts([bob, cy], ["Client"])
    org.tag_accounts([acme], ["customer"])

    changes = org.rename_tag("Customer", "client")

    assert org.all_tags() == [("Client", 4)]
    assert contacts.get(bob).tags == ["Client"]  # one link, not two
    assert org.contacts_tagged("client") == [ada, bob, cy]
    assert org.accounts_tagged("client") == [acme]
    assert changes.updated[Entity.CONTACT] == {ada, bob}


def test_rename_tag_plain_and_case_only(org, contacts):
    ada = add_contact(contacts, "Ada")
    org.tag_contacts([ada], ["vip"])
    org.rename_tag("vip", "VIP")
    assert contacts.get(ada).tags == ["VIP"]
    org.rename_tag("VIP", "Top  customer")
    assert org.all_tags() == [("Top customer", 1)]
    with pytest.raises(NotFoundError, match="There is no tag called 'vip'"):
        org.rename_tag("vip", "x")
    with pytest.raises(ValidationError, match="needs a name"):
        org.rename_tag("top customer", " ")


def test_delete_tag(org, contacts):
    ada = add_contact(contacts, "Ada")
    org.tag_contacts([ada], ["temp", "keep"])
    org.delete_tag("TEMP")
    assert contacts.get(ada).tags == ["keep"]
    assert org.all_tags() == [("keep", 1)]
    assert org.contacts_tagged("temp") == []


# -- custom fields ----------------------------------------------------------------------------

def test_custom_values_round_trip_through_contacts(org, contacts):
    add_field(org, "Score", FieldKind.NUMBER)
    add_field(org, "Met", FieldKind.DATE)
    add_field(org, "Tier", FieldKind.CHOICE, ["Gold", "Silver"])
    add_field(org, "Notes2")
    ada = add_contact(contacts, "Ada", custom={"Score": " 12.50 ", "Met": "2024-03-01",
                                               "Tier": "Gold", "Notes2": "likes tea"})
    assert contacts.get(ada).custom == {"Score": "12.50", "Met": "2024-03-01", "Tier": "Gold",
                                        "Notes2": "likes tea"}


@pytest.mark.parametrize("name, value, message", [
    ("Score", "lots", "'Score' 'lots' is not a number"),
    ("Met", "01/03/2024", "'Met' needs a date as YYYY-MM-DD"),
    ("Tier", "Bronze", "'Bronze' is not one of the choices for 'Tier'"),
    ("Nope", "x", "no custom contact field called 'Nope'"),
])
def test_invalid_custom_values_are_refused(org, contacts, name, value, message):
    add_field(org, "Score", FieldKind.NUMBER)
    add_field(org, "Met", FieldKind.DATE)
    add_field(org, "Tier", FieldKind.CHOICE, ["Gold", "Silver"])
    with pytest.raises(ValidationError, match=message):
        contacts.create(Contact(given="Ada", custom={name: value}))
    ada = add_contact(contacts, "Bob")
    c = contacts.get(ada)
    c.custom = {name: value}
    with pytest.raises(ValidationError, match=message):
        contacts.update(c)
    assert contacts.get(ada).custom == {}


def test_field_definitions_are_validated(org):
    with pytest.raises(ValidationError, match="needs at least one choice"):
        add_field(org, "Tier", FieldKind.CHOICE)
    with pytest.raises(ValidationError, match="Only choice fields have choices"):
        add_field(org, "Score", FieldKind.NUMBER, ["1"])
    with pytest.raises(ValidationError, match="listed twice"):
        add_field(org, "Tier", FieldKind.CHOICE, ["Gold", "gold"])
    with pytest.raises(ValidationError, match="needs a name"):
        add_field(org, "  ")
    add_field(org, "Tier", FieldKind.CHOICE, ["Gold"])
    with pytest.raises(ValidationError, match="already a contact field called 'TIER'"):
        add_field(org, "TIER")
    add_field(org, "tier", owner=FieldOwner.ACCOUNT)  # each owner has its own names


def test_fields_are_listed_in_the_users_order(org):
    a, b, c = (add_field(org, n) for n in ("Alpha", "Beta", "Gamma"))
    add_field(org, "Region", owner=FieldOwner.ACCOUNT)
    assert [f.name for f in org.fields(FieldOwner.CONTACT)] == ["Alpha", "Beta", "Gamma"]
    org.reorder_fields(FieldOwner.CONTACT, [c, a, b])
    assert [f.id for f in org.fields(FieldOwner.CONTACT)] == [c, a, b]
    assert [f.name for f in org.fields(FieldOwner.ACCOUNT)] == ["Region"]
    with pytest.raises(ValidationError, match="each of the 3 fields"):
        org.reorder_fields(FieldOwner.CONTACT, [c, a])


def test_renamed_field_keeps_its_values(org, contacts):
    fid = add_field(org, "Score", FieldKind.NUMBER)
    add_field(org, "Rank")
    ada = add_contact(contacts, "Ada", custom={"Score": "7"})
    with pytest.raises(ValidationError, match="already a contact field called 'rank'"):
        org.rename_field(fid, "rank")
    org.rename_field(fid, "Rating")
    assert contacts.get(ada).custom == {"Rating": "7"}
    c = contacts.get(ada)
    contacts.update(c)  # saving what was read back writes the value under its new name
    assert contacts.get(ada).custom == {"Rating": "7"}


def test_choice_in_use_cannot_be_removed(org, contacts):
    fid = add_field(org, "Tier", FieldKind.CHOICE, ["Gold", "Silver", "Bronze"])
    ada = add_contact(contacts, "Ada", custom={"Tier": "Gold"})
    bob = add_contact(contacts, "Bob", custom={"Tier": "Gold"})
    contacts.delete([bob])

    with pytest.raises(ValidationError,
                       match=r"'Gold' cannot be removed from 'Tier': 2 contacts still use it "
                             r"\(1 of them in the trash\)"):
        org.set_choices(fid, ["Silver", "Bronze"])
    assert org.fields(FieldOwner.CONTACT)[0].choices == ["Gold", "Silver", "Bronze"]

    org.set_choices(fid, ["Gold", "Platinum"])  # Bronze and Silver were unused
    assert org.fields(FieldOwner.CONTACT)[0].choices == ["Gold", "Platinum"]
    assert contacts.get(ada).custom == {"Tier": "Gold"}
    with pytest.raises(ValidationError, match="not one of the choices"):
        contacts.create(Contact(given="Cy", custom={"Tier": "Silver"}))


def test_set_choices_only_for_choice_fields(org):
    fid = add_field(org, "Score", FieldKind.NUMBER)
    with pytest.raises(ValidationError, match="not a choice field"):
        org.set_choices(fid, ["1"])


def test_removing_a_field_removes_its_values(db, org, contacts):
    score = add_field(org, "Score", FieldKind.NUMBER)
    add_field(org, "Rank")
    ada = add_contact(contacts, "Ada", custom={"Score": "3", "Rank": "first"})
    changes = org.remove_field(score)
    assert changes.updated[Entity.CONTACT] == {ada}
    assert contacts.get(ada).custom == {"Rank": "first"}
    assert [f.name for f in org.fields(FieldOwner.CONTACT)] == ["Rank"]
    with db.read() as s:
        left = s.connection().exec_driver_sql(
            "SELECT count(*) FROM custom_values WHERE field_id = ?", (score,)).scalar()
    assert left == 0
    with pytest.raises(NotFoundError, match="No custom field"):
        org.remove_field(score)


def test_account_custom_fields(db, org):
    add_field(org, "Employees", FieldKind.NUMBER, owner=FieldOwner.ACCOUNT)
    accounts = AccountService(db)
    acme = add_account(db, "Acme", custom={"Employees": "40"})
    assert accounts.get(acme).custom == {"Employees": "40"}
    with pytest.raises(ValidationError, match="'Employees' 'many' is not a number"):
        accounts.create(Account(name="Initech", custom={"Employees": "many"}))
