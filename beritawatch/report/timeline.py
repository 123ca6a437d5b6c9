"""The coverage timeline's geometry: a row per portal, recent weeks day by day, older coverage in one
summary column at the left, and axis labels placed so none is clipped. The SVG is a template."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from beritawatch.i18n import WIB
from beritawatch.report.data import Article, Edit, Event

DETAIL_DAYS = 56  # the last eight weeks of coverage are shown day by day
MIN_DAYS = 14  # a short history still gets two weeks of axis, so bars keep a sane width
WIDTH, LEFT, RIGHT, TOP, ROW_H, AXIS_H = 760, 104, 14, 6, 78, 30
OLDER_W, GAP = 46.0, 10.0  # the summary column for coverage before the detailed weeks
SERIES = ("seen", "published", "edits", "removals")


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """One bin of one portal: counts, and where its bars and marks go."""

    x: float
    width: float
    label: str  # the bin's day ("4 Des") or the summary's "before 9 Okt"
    seen: int
    published: int
    edits: int
    removals: int
    seen_h: float
    published_h: float


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    portal: str
    articles: int
    peak: int
    y: float
    base: float
    cells: tuple[Cell, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    anchor: str  # "start", "middle" or "end": the first and last labels stay inside the box


@dataclasses.dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    left: float
    plot_right: float
    row_h: int
    axis_y: float
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    first_day: dt.date | None  # first day shown in detail
    last_day: dt.date | None
    older: int  # dated items summarised in the left column


def _day(value: dt.datetime) -> dt.date:
    if value.tzinfo is None:  # the warehouse stores TIMESTAMPTZ; a naive value is UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(WIB).date()


DayCounts = collections.Counter[tuple[str, str, dt.date]]  # (portal, series, day) -> items


def _dated(articles: Sequence[Article], edits: Sequence[Edit], events: Sequence[Event],
           portals: Sequence[str]) -> DayCounts:
    """How many items the chart counts, per (portal, series, day)."""
    by_url = {a.url: a for a in articles if a.portal in portals}
    dates = [(a.portal, "seen", _day(a.first_seen)) for a in by_url.values()]
    dates += [(a.portal, "published", _day(a.published)) for a in by_url.values() if a.published]
    dates += [(by_url[e.url].portal, "edits", _day(e.detected_at)) for e in edits if e.url in by_url]
    dates += [(by_url[e.url].portal, "removals", _day(e.happened_at)) for e in events
              if e.kind == "removed" and e.url in by_url]
    return collections.Counter(dates)


def _ticks(days: Sequence[dt.date], centres: Sequence[float], older_label: str | None,
           day_label: Callable[[dt.date], str]) -> tuple[Tick, ...]:
    """A label every week counted back from the last day (always labelled, anchored at its end,
    so it never runs past the right edge); none overlapping the summary column's label."""
    ticks = [Tick(LEFT, older_label, "start")] if older_label else []
    last = len(days) - 1
    for i in range(last, -1, -7):
        if older_label and i != last and centres[i] - LEFT < OLDER_W + GAP + 40:
            continue
        ticks.append(Tick(centres[i], day_label(days[i]), "end" if i == last else "middle"))
    return tuple(ticks)


def _window(dated: DayCounts) -> list[dt.date]:
    """The days shown in detail: from the first dated item of the last `DETAIL_DAYS` to the last
    (at least `MIN_DAYS`)."""
    if not dated:
        return []
    last = max(d for _, _, d in dated)
    recent = min(d for _, _, d in dated if d > last - dt.timedelta(days=DETAIL_DAYS))
    start = min(recent, last - dt.timedelta(days=MIN_DAYS - 1))
    return [start + dt.timedelta(days=i) for i in range((last - start).days + 1)]


Slot = tuple[float, float, str, dt.date | None]  # x, width, label, day (None: the summary column)
Counts = dict[tuple[str, dt.date | None], collections.Counter[str]]


def _row(portal: str, index: int, slots: Sequence[Slot], counts: Counts, articles: int) -> Row:
    y = TOP + index * ROW_H
    base = y + ROW_H - 12
    mine = {day: counts[(portal, day)] for _, _, _, day in slots if (portal, day) in counts}
    peak = max([1, *(c["seen"] for c in mine.values()), *(c["published"] for c in mine.values())])
    scale = (base - (y + 26)) / peak
    cells = tuple(Cell(x, w, label, c["seen"], c["published"], c["edits"], c["removals"], c["seen"] * scale,
                       c["published"] * scale)
                  for x, w, label, day in slots if (c := mine.get(day)) is not None)
    return Row(portal, articles, peak, y, base, cells)


def _layout(days: Sequence[dt.date], older_text: str | None,
            day_label: Callable[[dt.date], str]) -> tuple[list[Slot], list[float]]:
    """Where each bin goes (the summary column first, when there is one), and the days' centres."""
    plot_left = LEFT + (OLDER_W + GAP if older_text is not None else 0)
    bw = (WIDTH - RIGHT - plot_left) / max(len(days), 1)
    slots: list[Slot] = [(LEFT, OLDER_W, older_text, None)] if older_text is not None else []
    slots += [(plot_left + i * bw, bw, day_label(day), day) for i, day in enumerate(days)]
    return slots, [plot_left + (i + 0.5) * bw for i in range(len(days))]


def build(articles: Sequence[Article], edits: Sequence[Edit], events: Sequence[Event], portals: Sequence[str],
          *, older_label: Callable[[dt.date], str], day_label: Callable[[dt.date], str]) -> Timeline:
    """The chart of `portals`: recent days in detail, everything older counted in one column."""
    per_portal = collections.Counter(a.portal for a in articles)
    return build_counts(_dated(articles, edits, events, portals), per_portal, portals,
                        older_label=older_label, day_label=day_label)


def build_counts(dated: DayCounts, per_portal: collections.Counter[str], portals: Sequence[str], *,
                 older_label: Callable[[dt.date], str], day_label: Callable[[dt.date], str]) -> Timeline:
    """The chart from items counted per (portal, series, day) (as the report counts them in SQL)
    and the articles charted per portal."""
    dated = collections.Counter({key: n for key, n in dated.items() if key[0] in portals and n})
    days = _window(dated)
    start = days[0] if days else None
    older = sum(n for (_, _, d), n in dated.items() if start and d < start)
    older_text = older_label(start) if older and start else None
    slots, centres = _layout(days, older_text, day_label)
    counts: Counts = collections.defaultdict(collections.Counter)
    for (portal, series, day), n in dated.items():
        counts[(portal, day if start and day >= start else None)][series] += n
    rows = tuple(_row(portal, i, slots, counts, per_portal[portal]) for i, portal in enumerate(portals))
    axis_y = TOP + ROW_H * len(portals)
    ticks = _ticks(days, centres, older_text, day_label)
    return Timeline(WIDTH, int(axis_y + AXIS_H), LEFT, WIDTH - RIGHT, ROW_H, axis_y, rows, ticks,
                    start, days[-1] if days else None, older)
