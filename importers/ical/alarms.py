"""VALARM (and vCalendar 1.0's DALARM/AALARM) as the activity's alarm lead time.

Rolodeck has one reminder per activity, some whole minutes before it starts. The first
VALARM that is one (ACTION DISPLAY or AUDIO, TRIGGER a duration before the start) gives
`alarm_minutes`; every other alarm (an email alarm, one at a fixed time or after the end, a
second reminder) is kept whole as a raw component. What the mapped alarm carries besides
its TRIGGER (a description, Apple's X-WR-ALARMUID, an ACKNOWLEDGED time) is kept too, as a
raw VALARM without its TRIGGER marked with the parameter (TRIGGER, ALARM-MINUTES): the
writer puts the current lead time back into it. Only the writer's own plain form
(ACTION:DISPLAY, DESCRIPTION:Reminder) is not kept, so export and import again is stable.
"""

from __future__ import annotations

from datetime import timedelta

from app.domain.record import RawProperty
from importers.ical import vcal
from importers.ical.component import Context, Props
from importers.ical.content import Node, Prop
from importers.ical.model import COMPONENT_GROUP
from importers.ical.times import Bad, When, between, duration, when

KEEP = RawProperty("", "")  # stands for "keep this sub-component verbatim"
PRIMARY = (("TRIGGER", "ALARM-MINUTES"),)
PLAIN_ACTION = "DISPLAY"
PLAIN_DESCRIPTION = "Reminder"
_REMINDERS = frozenset({"DISPLAY", "AUDIO"})


def alarm(node: Node, props: Props, start: When, ctx: Context,
          warnings: list[str]) -> tuple[int | None, dict[int, RawProperty | None]]:
    """The lead time in minutes, and what becomes of each sub-component that is not kept
    verbatim (None: nothing is kept of it)."""
    out: dict[int, RawProperty | None] = {}
    for i, child in enumerate(node.children):
        if child.name != "VALARM":
            continue
        found = _lead(child)
        if found is None:
            continue
        minutes, trigger = found
        rest = [p for p in child.props if p is not trigger]
        if _plain(child, rest):
            out[i] = None
        else:
            text = [t for t, n in zip(child.text, child.numbers, strict=True)
                    if not (n == trigger.line and t[:7].upper() == "TRIGGER")]
            out[i] = RawProperty("VALARM", "\r\n".join(text), PRIMARY, COMPONENT_GROUP)
        return minutes, out
    if ctx.vcal:
        return _vcal_alarm(props, start, ctx, warnings), out
    return None, out


def _lead(child: Node) -> tuple[int, Prop] | None:
    triggers = [p for p in child.props if p.name == "TRIGGER"]
    actions = [p.value.strip().upper() for p in child.props if p.name == "ACTION"]
    if len(triggers) != 1 or len(actions) > 1 or (actions and actions[0] not in _REMINDERS):
        return None
    trigger = triggers[0]
    if (trigger.param("VALUE") or "DURATION").upper() != "DURATION" or (
            trigger.param("RELATED") or "START").upper() != "START":
        return None
    try:
        lead = duration(trigger.value, "TRIGGER")
    except Bad:
        return None
    seconds = -lead.total_seconds()
    if seconds < 0 or seconds % 60 or seconds > 10 * 366 * 86400:
        return None
    return int(seconds // 60), trigger


def _plain(child: Node, rest: list[Prop]) -> bool:
    if child.junk or child.children:
        return False
    if any(p.params for p in rest):
        return False
    forms = sorted((p.name, p.value) for p in rest)
    return forms in ([("ACTION", PLAIN_ACTION)],
                     [("ACTION", PLAIN_ACTION), ("DESCRIPTION", PLAIN_DESCRIPTION)])


def _vcal_alarm(props: Props, start: When, ctx: Context, warnings: list[str]) -> int | None:
    """DALARM/AALARM: `run time;snooze;repeat;text`, the run time absolute."""
    for prop in [*props.all("DALARM"), *props.all("AALARM")]:
        try:
            runs = when(prop, vcal.alarm_time(prop.value), ctx.zones, ctx.calendar.zone,
                        warnings)
        except Bad:
            continue
        lead = between(runs, start)
        if runs.is_date or lead < timedelta(0) or lead.total_seconds() % 60:
            continue
        props.consume(prop)
        return int(lead.total_seconds() // 60)
    return None
