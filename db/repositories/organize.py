"""Groups, tags and custom field definitions: the rows that organise contacts and accounts.

Contacts and accounts write their own tags and custom values when they are saved (see
common.set_tags and common.set_custom); this module works across many records at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.domain.changes import Entity
from app.domain.errors import NotFoundError, ValidationError
from app.domain.filters import SavedSearch
from app.domain.groups import CustomFieldDef, FieldKind, FieldOwner, Group
from db.driver import inserted_id
from db.models import (
    AccountRow,
    ContactRow,
    CustomFieldRow,
    CustomValueRow,
    GroupRow,
    TagRow,
    account_tags,
    contact_tags,
    group_accounts,
    group_contacts,
    new_uid,
    utcnow,
)
from db.repositories.common import field_defs, tag_key
from db.unit import unit_of

RECORD = {FieldOwner.CONTACT: Entity.CONTACT, FieldOwner.ACCOUNT: Entity.ACCOUNT}

C, A = ContactRow.__table__, AccountRow.__table__
G, T = GroupRow.__table__, TagRow.__table__
F, V = CustomFieldRow.__table__, CustomValueRow.__table__

# (link table, owner column, owner table) for each kind of record that can be organised.
GROUP_LINKS = {FieldOwner.CONTACT: (group_contacts, "contact_id", C),
               FieldOwner.ACCOUNT: (group_accounts, "account_id", A)}
TAG_LINKS = {FieldOwner.CONTACT: (contact_tags, "contact_id", C),
             FieldOwner.ACCOUNT: (account_tags, "account_id", A)}


def require_live(session: Session, owner: FieldOwner, ids: Iterable[int]) -> list[int]:
    """The ids, de-duplicated in order; a missing or trashed one is an error the user sees."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    table = GROUP_LINKS[owner][2]
    live = set(session.connection().execute(select(table.c.id).where(
        table.c.id.in_(wanted), table.c.deleted_at.is_(None))).scalars())
    for i in wanted:
        if i not in live:
            raise NotFoundError(f"No {owner.value} with id {i} (or it is in the trash)")
    return wanted


def _live_count(link_info: tuple, key_col: str, key: ColumnElement) -> ScalarSelect:
    """A correlated count of the live records linked to `key`: trashed ones are not members
    the user can see, so they are not counted."""
    link, col, table = link_info
    return (select(func.count()).select_from(link.join(table, table.c.id == link.c[col]))
            .where(link.c[key_col] == key, table.c.deleted_at.is_(None))
            .scalar_subquery())


# -- groups ---------------------------------------------------------------------------------

def list_groups(session: Session, ids: Iterable[int] | None = None, *,
                saved: bool | None = False) -> list[Group]:
    """Groups by name: the listed ones (saved=False), the saved searches (True) or both."""
    conn = session.connection()
    q = select(G.c.id, G.c.uid, G.c.name, G.c.description, G.c.search,
               _live_count(GROUP_LINKS[FieldOwner.CONTACT], "group_id", G.c.id).label("contacts"),
               _live_count(GROUP_LINKS[FieldOwner.ACCOUNT], "group_id", G.c.id).label("accounts")
               ).where(G.c.deleted_at.is_(None))
    if ids is not None:
        q = q.where(G.c.id.in_(list(ids)))
    if saved is not None:
        q = q.where(G.c.search != "" if saved else G.c.search == "")
    groups = [Group(r.name, r.description, r.id, r.uid, r.contacts, r.accounts,
                    SavedSearch.from_json(r.search) if r.search else None)
              for r in conn.execute(q)]
    # Sorted here: SQLite's lower() folds ASCII only, and there are few groups.
    return sorted(groups, key=lambda g: (g.name.casefold(), g.id))


def group_name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    """Asked first for a readable message; the unique name_key is what really enforces it."""
    found = session.connection().execute(
        select(G.c.id).where(G.c.name_key == name.casefold())).scalar()
    return found is not None and found != except_id


def require_group(session: Session, group_id: int, *, listed: bool = False) -> None:
    """NotFoundError unless the group is there; with `listed`, ValidationError for a saved
    search, whose members are whoever its search finds and cannot be added or taken out."""
    found = session.connection().execute(
        select(G.c.id, G.c.name, G.c.search).where(G.c.id == group_id,
                                                   G.c.deleted_at.is_(None))).first()
    if found is None:
        raise NotFoundError(f"No group with id {group_id}")
    if listed and found.search:
        raise ValidationError(f"'{found.name}' is a saved search: whoever it finds is in it. "
                              "Add people to a group instead, or change the search")


def add_group(session: Session, group: Group) -> int:
    now = utcnow()
    gid = inserted_id(session.connection().execute(insert(G).values(
        name=group.name, name_key=group.name.casefold(), description=group.description,
        search=group.saved_search.to_json() if group.saved_search is not None else "",
        uid=group.uid or new_uid(), created_at=now, updated_at=now)))
    unit_of(session).created(Entity.GROUP, [gid])
    return gid


def update_group(session: Session, group_id: int, name: str, description: str | None) -> None:
    unit_of(session).will_change(Entity.GROUP, [group_id])
    values: dict = {"name": name, "name_key": name.casefold(), "updated_at": utcnow()}
    if description is not None:
        values["description"] = description
    session.connection().execute(update(G).where(G.c.id == group_id).values(values))


def delete_group(session: Session, group_id: int) -> dict[FieldOwner, list[int]]:
    """Delete the group (its links cascade); returns the members it had."""
    members = {owner: _linked(session.connection(), GROUP_LINKS[owner], "group_id", [group_id])
               for owner in FieldOwner}
    unit_of(session).will_purge(Entity.GROUP, [group_id])
    session.connection().execute(delete(G).where(G.c.id == group_id))
    return members


def _linked(conn: Connection, link_info: tuple, key_col: str, keys: Sequence[int]) -> list[int]:
    link, col, _ = link_info
    return list(conn.execute(select(link.c[col]).where(link.c[key_col].in_(keys))
                             .distinct()).scalars())


def add_members(session: Session, group_id: int, owner: FieldOwner,
                ids: Sequence[int]) -> list[int]:
    """Link the records not linked yet; returns those newly added."""
    conn = session.connection()
    link, col, _ = GROUP_LINKS[owner]
    present = set(conn.execute(select(link.c[col]).where(
        link.c.group_id == group_id, link.c[col].in_(ids))).scalars())
    new = [i for i in ids if i not in present]
    if new:
        unit_of(session).will_change(RECORD[owner], new)
        conn.execute(insert(link), [{"group_id": group_id, col: i} for i in new])
    return new


def remove_members(session: Session, group_id: int, owner: FieldOwner,
                   ids: Sequence[int]) -> list[int]:
    conn = session.connection()
    link, col, _ = GROUP_LINKS[owner]
    cond = and_(link.c.group_id == group_id, link.c[col].in_(ids))
    gone = list(conn.execute(select(link.c[col]).where(cond)).scalars())
    if gone:
        unit_of(session).will_change(RECORD[owner], gone)
        conn.execute(delete(link).where(cond))
    return gone


def members(session: Session, group_id: int, owner: FieldOwner) -> list[int]:
    link, col, table = GROUP_LINKS[owner]
    return list(session.connection().execute(
        select(table.c.id).join(link, link.c[col] == table.c.id)
        .where(link.c.group_id == group_id, table.c.deleted_at.is_(None))
        .order_by(table.c.sort_name, table.c.id)).scalars())


def group_ids_of(session: Session, owner: FieldOwner, owner_id: int) -> list[int]:
    link, col, _ = GROUP_LINKS[owner]
    return list(session.connection().execute(
        select(link.c.group_id).where(link.c[col] == owner_id)).scalars())


# -- tags -----------------------------------------------------------------------------------

def tag_counts(session: Session) -> list[tuple[str, int]]:
    """Every tag still on some record, with how many live records carry it. A tag whose
    holders are all in the trash shows 0: restoring them brings it back into use."""
    (cl, _, _), (al, _, _) = TAG_LINKS[FieldOwner.CONTACT], TAG_LINKS[FieldOwner.ACCOUNT]
    count = (_live_count(TAG_LINKS[FieldOwner.CONTACT], "tag_id", T.c.id)
             + _live_count(TAG_LINKS[FieldOwner.ACCOUNT], "tag_id", T.c.id))
    held = exists().where(cl.c.tag_id == T.c.id) | exists().where(al.c.tag_id == T.c.id)
    rows = session.connection().execute(
        select(T.c.name, count.label("n")).where(held).order_by(T.c.key))
    return [(r.name, r.n) for r in rows]


def find_tag(session: Session, name: str) -> tuple[int, str] | None:
    row = session.connection().execute(
        select(T.c.id, T.c.name).where(T.c.key == tag_key(name))).first()
    return (row.id, row.name) if row else None


def ensure_tags(session: Session, names: Iterable[str]) -> tuple[list[int], list[int]]:
    """The tag ids for `names`, creating the ones that do not exist; returns (ids, created)."""
    conn = session.connection()
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(tag_key(name), name)
    found = dict(conn.execute(select(T.c.key, T.c.id).where(T.c.key.in_(wanted))).all())
    created = []
    for key, name in wanted.items():
        if key not in found:
            found[key] = inserted_id(conn.execute(insert(T).values(name=name, key=key)))
            created.append(found[key])
    return [found[k] for k in wanted], created


def link_tags(session: Session, owner: FieldOwner, owner_ids: Sequence[int],
              tag_ids: Sequence[int]) -> tuple[set[int], set[int]]:
    """Add the links that are missing; returns (records, tags) that gained a link."""
    conn = session.connection()
    link, col, _ = TAG_LINKS[owner]
    present = set(conn.execute(select(link.c.tag_id, link.c[col]).where(
        link.c.tag_id.in_(tag_ids), link.c[col].in_(owner_ids))).all())
    rows = [{"tag_id": t, col: o} for t in tag_ids for o in owner_ids if (t, o) not in present]
    if rows:
        unit_of(session).will_change(RECORD[owner], {r[col] for r in rows})
        conn.execute(insert(link), rows)
    return {r[col] for r in rows}, {r["tag_id"] for r in rows}


def unlink_tags(session: Session, owner: FieldOwner, owner_ids: Sequence[int],
                tag_ids: Sequence[int]) -> tuple[set[int], set[int]]:
    conn = session.connection()
    link, col, _ = TAG_LINKS[owner]
    cond = and_(link.c.tag_id.in_(tag_ids), link.c[col].in_(owner_ids))
    gone = conn.execute(select(link.c.tag_id, link.c[col]).where(cond)).all()
    if gone:
        unit_of(session).will_change(RECORD[owner], {o for _, o in gone})
        conn.execute(delete(link).where(cond))
    return {o for _, o in gone}, {t for t, _ in gone}


def prune_tags(session: Session, tag_ids: Iterable[int]) -> list[int]:
    """Drop the given tags if nothing carries them any more, so the tag list stays honest."""
    unused = select(T.c.id).where(T.c.id.in_(list(tag_ids)), *[
        ~exists().where(link.c.tag_id == T.c.id) for link, _, _ in TAG_LINKS.values()])
    conn = session.connection()
    ids = list(conn.execute(unused).scalars())
    if ids:
        conn.execute(delete(T).where(T.c.id.in_(ids)))
    return ids


def tag_holders(session: Session, tag_id: int) -> dict[FieldOwner, list[int]]:
    conn = session.connection()
    return {owner: _linked(conn, info, "tag_id", [tag_id]) for owner, info in TAG_LINKS.items()}


def rename_tag(session: Session, tag_id: int, name: str) -> None:
    unit_of(session).will_change(Entity.TAG, [tag_id])
    session.connection().execute(update(T).where(T.c.id == tag_id)
                                 .values(name=name, key=tag_key(name)))


def merge_tag(session: Session, from_id: int, into_id: int) -> None:
    """Move every link of one tag onto another, skipping records that already have both."""
    conn = session.connection()
    for owner, ids in tag_holders(session, from_id).items():
        unit_of(session).will_change(RECORD[owner], ids)
    unit_of(session).will_purge(Entity.TAG, [from_id])
    for link, col, _ in TAG_LINKS.values():
        other = link.alias("already")
        conn.execute(insert(link).from_select(
            ["tag_id", col],
            select(literal(into_id), link.c[col]).where(
                link.c.tag_id == from_id,
                ~exists().where(other.c.tag_id == into_id, other.c[col] == link.c[col]))))
    conn.execute(delete(T).where(T.c.id == from_id))


def delete_tag(session: Session, tag_id: int) -> None:
    unit_of(session).will_purge(Entity.TAG, [tag_id])
    session.connection().execute(delete(T).where(T.c.id == tag_id))


def tagged(session: Session, owner: FieldOwner, tag_id: int) -> list[int]:
    link, col, table = TAG_LINKS[owner]
    return list(session.connection().execute(
        select(table.c.id).join(link, link.c[col] == table.c.id)
        .where(link.c.tag_id == tag_id, table.c.deleted_at.is_(None))
        .order_by(table.c.sort_name, table.c.id)).scalars())


# -- custom fields --------------------------------------------------------------------------

def list_fields(session: Session, owner: FieldOwner) -> list[CustomFieldDef]:
    return list(field_defs(session.connection(), owner).values())


def get_field(session: Session, field_id: int) -> CustomFieldDef:
    r = session.connection().execute(select(F).where(F.c.id == field_id)).first()
    if r is None:
        raise NotFoundError(f"No custom field with id {field_id}")
    return CustomFieldDef(FieldOwner(r.owner), r.name, FieldKind(r.kind), list(r.choices or []),
                          r.id)


def add_field(session: Session, d: CustomFieldDef) -> int:
    conn = session.connection()
    last = conn.execute(select(func.max(F.c.position)).where(F.c.owner == d.owner.value)).scalar()
    fid = inserted_id(conn.execute(insert(F).values(
        owner=d.owner.value, name=d.name, name_key=d.name.casefold(), kind=d.kind.value,
        choices=d.choices or None, position=0 if last is None else last + 1)))
    unit_of(session).created(Entity.CUSTOM_FIELD, [fid])
    return fid


def field_name_taken(session: Session, owner: FieldOwner, name: str,
                     except_id: int | None) -> bool:
    found = session.connection().execute(select(F.c.id).where(
        F.c.owner == owner.value, F.c.name_key == name.casefold())).scalar()
    return found is not None and found != except_id


def update_field(session: Session, field_id: int, **values) -> None:
    unit_of(session).will_change(Entity.CUSTOM_FIELD, [field_id])
    if "name" in values:
        values["name_key"] = values["name"].casefold()
    session.connection().execute(update(F).where(F.c.id == field_id).values(**values))


def choice_usage(session: Session, d: CustomFieldDef,
                 choices: Sequence[str]) -> dict[str, tuple[int, int]]:
    """For each choice in use: (records holding it, how many of those are in the trash)."""
    col = f"{d.owner.value}_id"
    table = GROUP_LINKS[d.owner][2]
    rows = session.connection().execute(
        select(V.c.value, func.count(), func.count(table.c.deleted_at))
        .join(table, table.c.id == V.c[col])
        .where(V.c.field_id == d.id, V.c.value.in_(choices)).group_by(V.c.value))
    return {value: (total, trashed) for value, total, trashed in rows}


def value_holders(session: Session, d: CustomFieldDef) -> list[int]:
    col = f"{d.owner.value}_id"
    return list(session.connection().execute(
        select(V.c[col]).where(V.c.field_id == d.id)).scalars())


def delete_field(session: Session, field_id: int) -> None:
    # Values go with it through ON DELETE CASCADE (foreign keys are on for every connection).
    unit_of(session).will_purge(Entity.CUSTOM_FIELD, [field_id])
    session.connection().execute(delete(F).where(F.c.id == field_id))


def set_positions(session: Session, ids: Sequence[int]) -> None:
    conn = session.connection()
    unit_of(session).will_change(Entity.CUSTOM_FIELD, ids)
    for position, field_id in enumerate(ids):
        conn.execute(update(F).where(F.c.id == field_id).values(position=position))

