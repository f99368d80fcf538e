"""What each listing command shows: one function per record kind, giving the stable JSON
shape (documented in the README) and the table row built from it."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations: a listing need not import every record kind
    from app.domain.account import Account
    from app.domain.activity import Occurrence
    from app.domain.contact import Contact
    from app.domain.summaries import (
        AccountSummary,
        Birthday,
        ContactSummary,
        HistoryEntry,
        QuoteTotal,
        SearchHit,
    )


def contact_item(c: ContactSummary) -> dict[str, Any]:
    return {"id": c.id, "uid": c.uid, "name": c.display_name, "company": c.account_name,
            "title": c.title, "email": c.email, "phone": c.phone, "status": c.status,
            "updated_at": c.updated_at}


CONTACT_HEADERS = ("ID", "NAME", "COMPANY", "TITLE", "E-MAIL", "PHONE", "STATUS")


def contact_row(d: dict) -> tuple:
    return (d["id"], d["name"], d["company"], d["title"], d["email"], d["phone"], d["status"])


def contact_card(c: Contact, groups: list[str]) -> dict[str, Any]:
    return {
        "id": c.id, "uid": c.uid, "name": c.display_name, "prefix": c.prefix,
        "given": c.given, "middle": c.middle, "family": c.family, "suffix": c.suffix,
        "nickname": c.nickname,
        "company": {"id": c.account_id, "name": c.account_name} if c.account_id else None,
        "title": c.title, "department": c.department,
        "birthday": c.birthday.iso() if c.birthday else None,
        "anniversary": c.anniversary.iso() if c.anniversary else None,
        "status": c.status.value, "source": c.source, "owner": c.owner, "notes": c.notes,
        "phones": [{"value": p.value, "label": p.label, "preferred": p.preferred}
                   for p in c.phones],
        "emails": [{"value": e.value, "label": e.label, "preferred": e.preferred}
                   for e in c.emails],
        "addresses": [{"street": a.street, "locality": a.locality, "region": a.region,
                       "postal_code": a.postal_code, "country": a.country, "po_box": a.po_box,
                       "extended": a.extended, "label": a.label, "preferred": a.preferred}
                      for a in c.addresses],
        "websites": [{"url": w.url, "label": w.label, "preferred": w.preferred}
                     for w in c.websites],
        "ims": [{"handle": m.handle, "service": m.service, "label": m.label,
                 "preferred": m.preferred} for m in c.ims],
        "tags": c.tags, "groups": groups, "custom": c.custom, "has_photo": c.photo is not None,
        "created_at": c.created_at, "updated_at": c.updated_at,
    }


def _labelled(items: list[dict], key: str = "value") -> str:
    return "\n".join(f"{i[key]} ({i['label']}{', preferred' if i['preferred'] else ''})"
                     for i in items)


def _seen_at(when: datetime | None, viewer: tzinfo | None) -> datetime | None:
    """An instant in the viewer's zone (stored times are UTC; a naive one is read as UTC)."""
    if when is None or viewer is None:
        return when
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(viewer)


def _minute(when: datetime | None, viewer: tzinfo | None) -> str | None:
    seen = _seen_at(when, viewer)
    return None if seen is None else f"{seen:%Y-%m-%d %H:%M} {seen.tzname() or ''}".rstrip()


def contact_fields(d: dict, viewer: tzinfo | None = None) -> list[tuple[str, Any]]:
    """The card's lines; created/updated to the minute in the viewer's zone."""
    return [
        ("Name", d["name"]), ("Id", d["id"]), ("Nickname", d["nickname"]),
        ("Company", d["company"]["name"] if d["company"] else None), ("Title", d["title"]),
        ("Department", d["department"]), ("Status", d["status"]),
        ("Phones", _labelled(d["phones"])), ("E-mail", _labelled(d["emails"])),
        ("Addresses", "\n".join(
            ", ".join(x for x in (a["po_box"], a["street"], a["extended"], a["locality"],
                                  a["region"], a["postal_code"], a["country"]) if x)
            + f" ({a['label']})" for a in d["addresses"])),
        ("Websites", _labelled(d["websites"], "url")),
        ("IM", "\n".join(f"{m['service']}: {m['handle']}" if m["service"] else m["handle"]
                         for m in d["ims"])),
        ("Birthday", d["birthday"]), ("Anniversary", d["anniversary"]),
        ("Source", d["source"]), ("Owner", d["owner"]),
        ("Tags", ", ".join(d["tags"])), ("Groups", ", ".join(d["groups"])),
        *((k, v) for k, v in d["custom"].items()),
        ("Notes", d["notes"]), ("UID", d["uid"]),
        ("Created", _minute(d["created_at"], viewer)),
        ("Updated", _minute(d["updated_at"], viewer)),
    ]


def account_item(a: AccountSummary) -> dict[str, Any]:
    return {"id": a.id, "uid": a.uid, "name": a.name, "industry": a.industry,
            "phone": a.main_phone, "website": a.website, "contacts": a.contact_count}


ACCOUNT_HEADERS = ("ID", "NAME", "INDUSTRY", "PHONE", "WEBSITE", "CONTACTS")


def account_row(d: dict) -> tuple:
    return (d["id"], d["name"], d["industry"], d["phone"], d["website"], d["contacts"])


def account_card(a: Account, people: list[ContactSummary]) -> dict[str, Any]:
    ad = a.address
    return {
        "id": a.id, "uid": a.uid, "name": a.name, "industry": a.industry,
        "website": a.website, "phone": a.main_phone,
        "address": {"street": ad.street, "locality": ad.locality, "region": ad.region,
                    "postal_code": ad.postal_code, "country": ad.country},
        "notes": a.notes,
        "parent": {"id": a.parent_id, "name": a.parent_name} if a.parent_id else None,
        "tags": a.tags, "custom": a.custom, "contacts": [contact_item(c) for c in people],
        "created_at": a.created_at, "updated_at": a.updated_at,
    }


def account_fields(d: dict) -> list[tuple[str, Any]]:
    ad = d["address"]
    return [
        ("Name", d["name"]), ("Id", d["id"]), ("Industry", d["industry"]),
        ("Phone", d["phone"]), ("Website", d["website"]),
        ("Address", ", ".join(x for x in (ad["street"], ad["locality"], ad["region"],
                                          ad["postal_code"], ad["country"]) if x)),
        ("Parent", d["parent"]["name"] if d["parent"] else None),
        ("Tags", ", ".join(d["tags"])), *((k, v) for k, v in d["custom"].items()),
        ("Notes", d["notes"]), ("Contacts", len(d["contacts"])), ("UID", d["uid"]),
    ]


def hit_item(h: SearchHit) -> dict[str, Any]:
    return {"kind": h.kind, "id": h.id, "name": h.title, "detail": h.subtitle,
            "matched": h.matched}


HIT_HEADERS = ("KIND", "ID", "NAME", "DETAIL", "MATCHED")


def hit_row(d: dict) -> tuple:
    return (d["kind"], d["id"], d["name"], d["detail"], d["matched"])


def occurrence_item(o: Occurrence, viewer: tzinfo | None = None) -> dict[str, Any]:
    """start/end in the viewer's zone (the same instants, the offset the viewer reads);
    all-day items are already read in it."""
    start, end = (o.start, o.end) if o.all_day else (_seen_at(o.start, viewer),
                                                     _seen_at(o.end, viewer))
    return {"activity_id": o.activity_id, "occurrence": o.key, "start": start, "end": end,
            "all_day": o.all_day, "kind": o.kind.value, "regarding": o.regarding,
            "priority": o.priority.value, "location": o.location, "with": list(o.attendees),
            "recurring": o.recurring, "cleared": o.cleared}


AGENDA_HEADERS = ("WHEN", "UNTIL", "KIND", "REGARDING", "WITH", "ID", "STATUS")


def occurrence_row(o: Occurrence, viewer) -> tuple:
    if o.all_day:
        days = max((o.end - o.start).days, 1)
        when = f"{o.start:%a %Y-%m-%d}"
        until = "all day" if days == 1 else f"{days} days"
    else:
        start, end = o.start.astimezone(viewer), o.end.astimezone(viewer)
        when = f"{start:%a %Y-%m-%d %H:%M}"
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    status = "cleared" if o.cleared else ("repeats" if o.recurring else "open")
    if o.priority.value == "high":
        status += ", high"
    return (when, until, o.kind.value, o.regarding, ", ".join(o.attendees), o.activity_id,
            status)


def history_item(h: HistoryEntry, viewer: tzinfo | None = None) -> dict[str, Any]:
    return {"id": h.id, "kind": h.kind.value, "when": _seen_at(h.occurred_at, viewer),
            "outcome": h.outcome.value,
            "regarding": h.regarding, "details": h.details,
            "duration_minutes": h.duration_minutes, "contacts": list(h.contacts),
            "account": h.account}


HISTORY_HEADERS = ("WHEN", "KIND", "OUTCOME", "REGARDING", "WITH", "ID")


def history_row(h: HistoryEntry, viewer) -> tuple:
    return (f"{h.occurred_at.astimezone(viewer):%Y-%m-%d %H:%M}", h.kind.value.replace("_", " "),
            h.outcome.value.replace("_", " "), h.regarding or h.details,
            ", ".join(h.contacts) or (h.account or ""), h.id)


def birthday_item(b: Birthday) -> dict[str, Any]:
    return {"contact_id": b.contact_id, "name": b.display_name, "on": b.on, "turns": b.turns}


def quote_total_item(q: QuoteTotal) -> dict[str, Any]:
    return {"status": q.status, "currency": q.currency, "count": q.count, "total": q.total}
