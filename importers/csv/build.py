"""One row to one Contact, by a mapping compiled once against the header (a `Plan`).

What the plan does with cells:
- values are trimmed; cells that only say "nothing" (Outlook's `0/0/00`, `Normal`) under
  a column kept raw or holding a date count as empty;
- several values in one detail cell are split at Google's ` ::: `;
- two columns filling the same single field: the first value wins and a different second
  one is kept raw, as is a full name that says more than the name parts, a date that does
  not exist, and every column the mapping does not name: nothing in the row is lost;
- a row longer than the header keeps its surplus cells as X-CSV-COLUMN-<n> and says so; a
  shorter one reads as if padded with empty cells (exports drop trailing empty cells).

With `exact` (a Rolodeck-layout file) values are taken as written, the formula guard the
writer added is removed, and the layout's own multi-line cells are decoded.

A hundred thousand rows go through `build`, so the plan sorts the columns by what they do
once, and a row is then read a kind of column at a time: the cells of each kind are taken
together (operator.itemgetter) and only those that hold something are looked at
(itertools.compress), both at C speed; most cells of a wide export are empty."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import and_, itemgetter, methodcaller, not_
from typing import Any

from app.domain.contact import Contact, Email, Phone, RawProperty, Website
from importers.csv.assemble import MULTI, NO_LABEL, Cell, Row, cached_label
from importers.csv.targets import ColumnMapping, parse_target
from importers.csv.values import raw_name, restore

# Single fields whose value goes on the contact as it is (target -> Contact attribute).
_TEXT = {"prefix": "prefix", "given": "given", "middle": "middle", "family": "family",
         "suffix": "suffix", "nickname": "nickname", "title": "title",
         "department": "department", "notes": "notes", "source": "source", "owner": "owner",
         "uid": "uid", "company": "account_name"}
_SIMPLE_KINDS = frozenset({"email", "phone", "website", "im"})
# Where a row keeps each kind of simple detail (its index in build's `lists`), and its class.
_SLOTS: dict[str, tuple[int, type[Any]]] = {"email": (0, Email), "phone": (1, Phone),
                                            "website": (2, Website)}
Gather = Callable[[Sequence[str]], tuple[str, ...]]


def _gather(columns: Sequence[int]) -> Gather:
    """The cells of these columns, as a tuple, in one call."""
    if not columns:
        return lambda cells: ()
    if len(columns) == 1:
        only = columns[0]
        return lambda cells: (cells[only],)
    getter: Gather = itemgetter(*columns)
    return getter


@dataclass
class Detail:
    """A phone, e-mail, address... made from one or more columns."""

    kind: str  # email, phone, website, im, address, org, event
    fixed: str | None  # the label (for im: the service) when the columns fix it
    ordinal: int  # Google's N in "Organization N - Name"; 0 for fixed-label columns
    parts: list[tuple[str, int]]  # (part, column), in column order
    value: int | None = None
    label: int | None = None
    service: int | None = None
    gather: Gather | None = None
    unique: bool = False  # no part has two columns (so no street lines to join)
    part_names: tuple[str, ...] = ()


class Plan:
    def __init__(self, mapping: ColumnMapping, header: Sequence[str] | None, *,
                 width: int = 0, exact: bool = False,
                 empties: Mapping[int, frozenset[str]] | None = None):
        names = list(header or ())
        self.width = max(width, len(names), max(mapping.columns, default=-1) + 1)
        names += [""] * (self.width - len(names))
        self.header = names
        self.exact = exact
        self.day_first = mapping.day_first
        self.raw_names = [raw_name(h, i) for i, h in enumerate(names)]
        self.raw_params = [(("X-HEADER", h),) if h.strip() else () for h in names]
        self.empties = dict(empties or {})
        self.text: list[tuple[int, str]] = []  # (column, Contact attribute)
        self.special: list[tuple[int, str]] = []  # dates, status, full name... (column, target)
        self.keep: list[int] = []
        self.tags: list[int] = []
        self.codecs: list[tuple[int, str]] = []
        details: dict[Any, Detail] = {}
        for i in range(self.width):
            self._place(i, mapping.columns.get(i), details)
        # Details with a value cell are looked at only when it holds something; the others
        # (addresses, organisations, dates) when any of their cells does.
        self.simple = [d for d in details.values()
                       if d.kind in _SIMPLE_KINDS and d.value is not None]
        self.compound = [d for d in details.values() if d not in self.simple]
        for d in self.compound:
            d.gather = _gather([column for _, column in d.parts])
            d.part_names = tuple(part for part, _ in d.parts)
            d.unique = len(set(d.part_names)) == len(d.part_names)
        self.labelled = [d for d in self.simple if d.label is not None]
        self._flatten_simple()
        self._text = _gather([c for c, _ in self.text])
        self._text_attrs = [attr for _, attr in self.text]
        # No two columns fill one field: the fields come out of the row in one dict() call.
        self._text_at_once = len(set(self._text_attrs)) == len(self._text_attrs)
        self._compound = [d.gather for d in self.compound if d.gather is not None]
        self._keep = _gather(self.keep)
        self._labels = _gather([d.label for d in self.labelled if d.label is not None])
        self._labelled_values = _gather([d.value for d in self.labelled
                                         if d.value is not None])

    def _flatten_simple(self) -> None:
        """E-mails, phones and websites (most of a row's details) as flat lists, so a row
        reads them without a call per detail: those whose label the column fixes (or that
        have none: "other"), and those with a label column of their own."""
        self.fixed_items: list[tuple[int, type[Any], str, str]] = []
        self.labelled_items: list[tuple[int, type[Any], str]] = []
        fixed_columns, value_columns, label_columns = [], [], []
        for d in self.simple:
            if d.kind == "im" or d.value is None:
                continue
            slot, make = _SLOTS[d.kind]
            if d.label is None:
                self.fixed_items.append((slot, make, d.fixed or "other", d.kind))
                fixed_columns.append(d.value)
            else:
                self.labelled_items.append((slot, make, d.kind))
                value_columns.append(d.value)
                label_columns.append(d.label)
        self.ims = [d for d in self.simple if d.kind == "im"]
        self._fixed_values = _gather(fixed_columns)
        self._item_values = _gather(value_columns)
        self._item_labels = _gather(label_columns)
        self._im_values = _gather([d.value for d in self.ims if d.value is not None])

    def _place(self, i: int, target: str | None, details: dict[Any, Detail]) -> None:
        if target is None:
            self.keep.append(i)
            return
        op = parse_target(target)
        what = op[0]
        if what == "scalar":
            if op[1] == "tags":
                self.tags.append(i)
            elif op[1] in _TEXT:
                self.text.append((i, _TEXT[op[1]]))
            else:
                self.special.append((i, op[1]))
            return
        if what == "codec":
            self.codecs.append((i, op[1]))
            return
        if what in ("extra", "ignore"):
            if what == "extra":
                self.keep.append(i)
            return
        if what == "item":  # each column its own detail, with a fixed label
            kind, key, fixed, ordinal, part = op[1], ("column", i), op[2], 0, "value"
        elif what == "address":  # the columns with one label make one address
            kind, key, fixed, ordinal, part = "address", ("address", op[1]), op[1], 0, op[2]
        else:  # numbered: Google's "E-mail 2 - Label" and "E-mail 2 - Value" make one
            kind, key, fixed, ordinal, part = op[1], (op[1], op[2]), None, op[2], op[3]
        d = details.setdefault(key, Detail(kind, fixed, ordinal, []))
        if kind in _SIMPLE_KINDS and part in ("value", "label", "service"):
            if getattr(d, part) is not None:
                self.keep.append(i)  # a second column for one part: kept, not guessed at
                return
            setattr(d, part, i)
        d.parts.append((part, i))

    def raw(self, column: int, value: str) -> RawProperty:
        return RawProperty(self.raw_names[column], value, self.raw_params[column])

    def is_empty(self, column: int, value: str) -> bool:
        meaning_nothing = self.empties.get(column)
        return meaning_nothing is not None and value.casefold() in meaning_nothing

    def build(self, cells: Sequence[str]) -> tuple[Contact, list[str]]:
        """The contact a row gives, and what the user should know about how it was read."""
        width = self.width
        if len(cells) < width:
            cells = [*cells, *([""] * (width - len(cells)))]
        exact = self.exact
        clean: Callable[[str], str] = restore if exact else str.strip
        extra: list[RawProperty] = []
        found = self._text(cells)
        if self._text_at_once and not exact:
            kw: dict[str, Any] = dict(zip(compress(self._text_attrs, found),
                                          map(str.strip, compress(found, found)),
                                          strict=False))
            if not all(kw.values()):  # a cell of spaces
                kw = {attr: v for attr, v in kw.items() if v}
        else:
            kw = {}
            for (column, attr), v in zip(compress(self.text, found), compress(found, found),
                                         strict=False):
                v = clean(v)
                if not v:
                    continue
                if attr not in kw:
                    kw[attr] = v
                elif kw[attr] != v:
                    extra.append(self.raw(column, v))
        found = self._keep(cells)
        for column, v in zip(compress(self.keep, found), compress(found, found),
                             strict=False):
            v = clean(v)
            if v and not self.is_empty(column, v):
                extra.append(self.raw(column, v))
        row = Row(self, kw, extra)
        special: dict[str, Cell] = {}
        for column, name in self.special:
            v = cells[column] and clean(cells[column])
            if not v or self.is_empty(column, v):
                continue
            if name not in special:
                special[name] = (v, column)
            elif special[name][0] != v:
                extra.append(self.raw(column, v))
        if special:
            row.special(special)
        lists = (row.emails, row.phones, row.websites)
        found = self._fixed_values(cells)
        for (slot, make, label, kind), v in zip(compress(self.fixed_items, found),
                                                compress(found, found), strict=False):
            if v := clean(v):
                if MULTI in v and not exact:
                    row.several(lists[slot], make, kind, v, label, False)
                else:
                    lists[slot].append(make(v, label, False))
        found = self._item_values(cells)
        if any(found):
            labels = self._item_labels(cells)
            for (slot, make, kind), v, text in zip(
                    compress(self.labelled_items, found), compress(found, found),
                    compress(labels, found), strict=False):
                if not (v := clean(v)):
                    continue
                text = text and clean(text)
                label, preferred = cached_label(text) if text else NO_LABEL
                if preferred:
                    preferred = row.pref(kind)
                if MULTI in v and not exact:
                    row.several(lists[slot], make, kind, v, label, preferred)
                else:
                    lists[slot].append(make(v, label, preferred))
        for d in compress(self.ims, self._im_values(cells)):
            row.simple(d, cells, clean)
        if self.labelled:  # labels whose value cell is empty (at C speed: usually none)
            alone = map(and_, map(bool, self._labels(cells)),
                        map(not_, self._labelled_values(cells)))
            for d in compress(self.labelled, alone):
                row.label_alone(d, clean(cells[d.label]) if d.label is not None else "")
        if self._compound:  # each address, organisation... that has a cell holding something
            everything = list(map(methodcaller("__call__", cells), self._compound))
            for d, found in compress(zip(self.compound, everything, strict=True),
                                     map(any, everything)):
                row.compound(d, found, clean)
        for column in self.tags:
            if v := cells[column] and clean(cells[column]):
                row.add_tags(v)
        for column, name in self.codecs:
            if v := cells[column] and clean(cells[column]):
                row.decode(name, v, column)
        if "full_name" in special and not exact:
            row.names(special["full_name"])
        if len(cells) > width and any(cells[width:]):
            row.surplus(cells)
        if not exact and "\n'" in "\n" + "\n".join(cells):
            self._guarded(cells, row.warnings)
        return row.contact(), row.warnings

    def _guarded(self, cells: Sequence[str], warnings: list[str]) -> None:
        """RELIABILITY 40: a spreadsheet-safe export (Rolodeck's Google and Outlook layouts
        among them) puts a ' before a cell a spreadsheet would run. Only Rolodeck's own
        layout is known to have been written so and is read back without it; elsewhere the '
        may be the data, so it is kept, and said."""
        names = [self.header[i].strip() if i < len(self.header) and self.header[i].strip()
                 else f"column {i + 1}" for i, v in enumerate(cells)
                 if v[:1] == "'" and restore(v.strip()) != v.strip()]
        if names:
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4
                                            else "")
            cells_ = "the cell" if len(names) == 1 else "the cells"
            warnings.append(f"{cells_} {shown} begin with ' before =, +, -, @ or a tab, as "
                            "spreadsheet-safe exports write them; the ' was kept (a CSV in "
                            "Rolodeck's own layout reads back without it)")
