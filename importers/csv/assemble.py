"""A contact put together from the cells a plan (build.py) hands over: dates parsed,
labels read (`* Home` is Google's preferred home detail), multi-value cells split, one
full-name cell split into given and family names, and what does not fit kept raw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from itertools import compress
from typing import TYPE_CHECKING, Any

from app.domain.contact import (
    Address,
    Contact,
    ContactStatus,
    Email,
    ImHandle,
    Phone,
    RawProperty,
    Website,
    display_name_of,
)
from importers.csv.rolodeck import DECODERS
from importers.csv.values import date_parts, label_of, parse_date, split_name

if TYPE_CHECKING:
    from importers.csv.build import Detail, Plan

MULTI = " ::: "
Cell = tuple[str, int]  # (value, column)
_SYSTEM_TAGS = frozenset({"mycontacts", "my contacts"})
_STATUSES = {s.value: s for s in ContactStatus}
NO_LABEL = ("other", False)
_ORG_FIELDS = {"name": "account_name", "title": "title", "department": "department"}
_MAKE: dict[str, type[Any]] = {"email": Email, "phone": Phone, "website": Website}


@lru_cache(maxsize=4096)
def cached_label(text: str) -> tuple[str, bool]:
    return label_of(text, "other")


class Row:
    """One row's contact while it is put together."""

    __slots__ = ("plan", "kw", "extra", "warnings", "phones", "emails", "websites", "ims",
                 "addresses", "tags", "custom", "preferred")

    def __init__(self, plan: Plan, kw: dict[str, Any], extra: list[RawProperty]):
        self.plan = plan
        self.kw = kw
        self.extra = extra
        self.warnings: list[str] = []
        self.phones: list[Phone] = []
        self.emails: list[Email] = []
        self.websites: list[Website] = []
        self.ims: list[ImHandle] = []
        self.addresses: list[Address] = []
        self.tags: list[str] = []
        self.custom: dict[str, str] = {}
        self.preferred: set[str] = set()  # kinds that have their preferred detail

    def contact(self) -> Contact:
        return Contact(**self.kw, phones=self.phones, emails=self.emails,
                       addresses=self.addresses, websites=self.websites, ims=self.ims,
                       custom=self.custom, tags=self.tags, extra=self.extra)

    def keep(self, cell: Cell, why: str | None = None) -> None:
        prop = self.plan.raw(cell[1], cell[0])
        self.extra.append(prop)
        if why:
            self.warnings.append(f"{why}; it is kept as {prop.name}")

    def pref(self, kind: str) -> bool:
        """Whether a detail that says it is preferred stays so: only the first of its kind
        (a Rolodeck-layout file is taken as it is)."""
        if self.plan.exact:
            return True
        if kind in self.preferred:
            return False
        self.preferred.add(kind)
        return True

    # --- single fields ------------------------------------------------------------------

    def special(self, special: dict[str, Cell]) -> None:
        kw = self.kw
        day_first = self.plan.day_first
        for name, cell in special.items():
            value = cell[0]
            if name in ("birthday", "anniversary"):
                found = parse_date(value, day_first=day_first)
                if found is None:
                    self.keep(cell, f"the {name} {value!r} is not a date")
                else:
                    kw[name] = found
            elif name == "status":
                status = _STATUSES.get(value.strip().lower())
                if status is None:
                    self.keep(cell, f"the status {value!r} is not one Rolodeck knows")
                else:
                    kw["status"] = status
            elif name == "updated":
                try:
                    kw["updated_at"] = datetime.fromisoformat(value)
                except ValueError:
                    self.keep(cell, f"{value!r} is not a date and time")
        parts = [special.get(k) for k in ("birth_year", "birth_month", "birth_day")]
        if any(parts):
            year, month, day = (p[0] if p else "" for p in parts)
            found = date_parts(year, month, day)
            if found is not None and "birthday" not in kw:
                kw["birthday"] = found
            else:
                for p in parts:
                    if p:
                        self.keep(p, None if found else "the birthday's parts are not a date")

    def names(self, cell: Cell) -> None:
        kw = self.kw
        full = " ".join(cell[0].split())
        parts = [kw.get(k, "") for k in ("prefix", "given", "middle", "family", "suffix")]
        if any(parts):
            if full not in (display_name_of(*parts), kw.get("nickname")):
                self.keep(cell)
        elif any(e.value.casefold() == full.casefold() for e in self.emails):
            pass  # the display name is the e-mail address, which it is without a name
        elif full == kw.get("account_name"):
            kw["given"] = full  # a company listed as a contact: not "Acer" + "America"
        else:
            kw["given"], kw["family"] = split_name(full)

    def add_tags(self, value: str) -> None:
        """Google's `* myContacts ::: Friends` (system groups start with `* `; everyone is
        in My Contacts, so it is no tag), Outlook's `Business;Personal`."""
        tags = self.tags
        for tag in value.split(MULTI) if MULTI in value else value.split(";"):
            tag = tag.strip().removeprefix("* ").strip()
            if tag and tag.casefold() not in _SYSTEM_TAGS and tag not in tags:
                tags.append(tag)

    def decode(self, name: str, value: str, column: int) -> None:
        """A Rolodeck-layout cell of details, tags, custom fields or raw properties."""
        try:
            decoded = DECODERS[name](value)
        except (ValueError, TypeError, KeyError) as exc:
            self.keep((value, column), f"the {self.plan.header[column]} cell cannot be read "
                                       f"({exc})")
            return
        if name == "custom":
            self.custom.update(decoded)
        elif name == "extra":
            self.extra[:0] = decoded
        else:
            getattr(self, name).extend(decoded)

    # --- details ------------------------------------------------------------------------

    def simple(self, d: Detail, cells: Sequence[str], clean: Callable[[str], str]) -> None:
        """An e-mail, phone, website or chat handle whose value cell holds something."""
        value = clean(cells[d.value])  # type: ignore[index]  # simple details have one
        if not value:
            return
        kind = d.kind
        if kind == "im":
            self._im(d, value, cells, clean)
            return
        if d.fixed is not None:
            label, preferred = d.fixed, False
        elif d.label is not None and (label_text := clean(cells[d.label])):
            label, preferred = cached_label(label_text)
        else:
            label, preferred = NO_LABEL
        items: list[Any] = (self.emails if kind == "email" else
                            self.phones if kind == "phone" else self.websites)
        make = _MAKE[kind]
        if self.plan.exact or MULTI not in value:
            items.append(make(value, label, preferred and self.pref(kind)))
            return
        for v in value.split(MULTI):
            if v := v.strip():
                items.append(make(v, label, preferred and self.pref(kind)))
                preferred = False

    def several(self, items: list[Any], make: type[Any], kind: str, value: str, label: str,
                preferred: bool) -> None:
        """One detail per value of a cell that holds several (Google's ` ::: `); the first
        keeps the preference."""
        for v in value.split(MULTI):
            if v := v.strip():
                items.append(make(v, label, preferred))
                preferred = False

    def _im(self, d: Detail, value: str, cells: Sequence[str],
            clean: Callable[[str], str]) -> None:
        if d.fixed is not None:  # `im:Skype`: the column names the service
            service, label, preferred = d.fixed, "work", False
        else:
            service = clean(cells[d.service]) if d.service is not None else ""
            label_text = clean(cells[d.label]) if d.label is not None else ""
            label, preferred = cached_label(label_text) if label_text else NO_LABEL
        values = [value] if self.plan.exact or MULTI not in value else [
            v.strip() for v in value.split(MULTI) if v.strip()]
        for v in values:
            self.ims.append(ImHandle(v, service, label, preferred and self.pref("im")))
            preferred = False

    def label_alone(self, d: Detail, label_text: str) -> None:
        """A label (or Google's bare `* `) with no value to label: kept if it says anything."""
        if d.label is not None and label_text.strip("* "):
            self.keep((label_text, d.label))

    def compound(self, d: Detail, found: Sequence[str], clean: Callable[[str], str]) -> None:
        """An address, an organisation or a dated event (or parts of a detail without its
        value), from the cells of its columns."""
        if d.unique and d.kind == "address" and not self.plan.exact:  # the usual: at C speed
            names = d.part_names
            parts = dict(zip(compress(names, found), map(str.strip, compress(found, found)),
                             strict=False))
            if not all(parts.values()):
                parts = {part: v for part, v in parts.items() if v}
            if parts:
                self._address(d, parts)
            return
        parts = {}
        for (part, column), v in zip(compress(d.parts, found), compress(found, found),
                                     strict=False):
            v = clean(v)
            if not v:
                continue
            if part not in parts:
                parts[part] = v
            elif part == "street":  # Outlook's Street 2 and 3, Thunderbird's Address 2
                parts[part] += "\n" + v
            else:
                self.keep((v, column))
        if not parts:
            return
        if d.kind == "address":
            self._address(d, parts)
            return
        columns = dict(reversed(d.parts))  # part -> its first column
        cells = {part: (v, columns[part]) for part, v in parts.items()}
        if d.kind == "org":
            self._org(d, cells)
        elif d.kind == "event":
            self._event(cells)
        else:
            for cell in cells.values():
                self.keep(cell)

    def _address(self, d: Detail, parts: dict[str, Any]) -> None:
        label_text = parts.pop("label", None)
        if d.fixed is not None:
            label, preferred = d.fixed, False
        else:
            label, preferred = cached_label(label_text) if label_text else NO_LABEL
        formatted = parts.pop("formatted", None)
        if not parts:
            if formatted is None:
                if label_text is not None:
                    self.keep((label_text, dict(reversed(d.parts))["label"]))
                return
            parts["street"] = formatted  # Google keeps some addresses only this way
        self.addresses.append(Address(**parts, label=label,
                                      preferred=preferred and self.pref("address")))

    def _org(self, d: Detail, parts: dict[str, Cell]) -> None:
        for part, cell in parts.items():
            name = _ORG_FIELDS.get(part)
            if d.ordinal == 1 and name is not None and name not in self.kw:
                self.kw[name] = cell[0]
            else:
                self.keep(cell)

    def _event(self, parts: dict[str, Cell]) -> None:
        label = parts["label"][0].strip("* ").casefold() if "label" in parts else ""
        value = parts.get("value")
        name = label if label in ("anniversary", "birthday") else None
        found = parse_date(value[0], day_first=self.plan.day_first) if value else None
        if name is not None and found is not None and name not in self.kw:
            self.kw[name] = found
        else:
            for cell in parts.values():
                self.keep(cell)

    def surplus(self, cells: Sequence[str]) -> None:
        width = self.plan.width
        found = [(f"X-CSV-COLUMN-{i + 1}", cell.strip())
                 for i, cell in enumerate(cells[width:], width) if cell.strip()]
        if not found:
            return
        self.extra.extend(RawProperty(name, value) for name, value in found)
        names = ", ".join(name for name, _ in found)
        self.warnings.append(
            f"this row has {len(cells)} cells where the header has {width}; the extra "
            f"{'cell is' if len(found) == 1 else 'cells are'} kept as {names}")
