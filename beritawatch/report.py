"""The static HTML report: a coverage timeline per portal, the articles of interest, and each
article's version history with a word-level inline diff (like NewsDiffs).

Self-contained files (inline CSS and SVG, no script, nothing fetched from elsewhere), written
from an open read-only warehouse connection. Everything scraped (titles, bodies, URLs, error
texts) is untrusted: it is HTML-escaped, a URL becomes a link only when it is plain http(s),
and every page carries a Content-Security-Policy allowing no script at all and only the
report's own stylesheet (by its hash).
"""
from __future__ import annotations

import base64
import collections
import dataclasses
import datetime as dt
import difflib
import hashlib
import html
import json
import os
import pathlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from beritawatch.stories.page import write_story_pages
from beritawatch.urls import is_plain_web_url
from warehouse.store import url_key

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
MAX_DIFF_WORDS = 20_000  # words rendered per diff; the rest is cut with a note
MAX_ALIGN = 4_000_000  # old × new words of one changed block aligned word by word; beyond: shown whole
MAX_DIFFS_PER_ARTICLE = 30  # the latest diffs of an article with very many versions
CONTEXT = 1  # unchanged paragraphs shown around each change
RECENT_CHANGES = 30
FAILING_ROWS = 50
HEALTH_RUNS = 10  # fetch outcomes are counted over this many latest runs

_PAGE_NAME = re.compile(r"[0-9a-f]{16}\.html")

CSS = """
:root{--ink:#1d232b;--muted:#5d6874;--line:#d9dee4;--bg:#fff;--band:#f4f6f8;--seen:#2f6db5;
--pub:#e39b2d;--edit:#7b3fb3;--gone:#c62828;--ins:#dcf5dc;--insink:#11591b;--del:#fde1e1;--delink:#8f1b1b}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--ink);background:var(--bg);max-width:1240px}
h1{font-size:26px;line-height:1.25;margin:0 0 6px}
h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:22px 0 6px}
a{color:#1d5aa6}
.meta,.note,.muted{color:var(--muted)}
.note{font-size:13px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0 0;padding:0;list-style:none}
.stats li{background:var(--band);border-radius:6px;padding:6px 12px}
.stats b{font-size:18px;margin-right:4px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--band);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.when{white-space:nowrap;font-variant-numeric:tabular-nums}
.status{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;background:var(--band)}
.status-removed{background:var(--gone);color:#fff}
.status-removal_suspected,.status-error{background:#fbe3c4;color:#7a4300}
.kind{font-weight:600}
.kind-substantive,.kind-rewrite{color:var(--edit)}
.legend{display:flex;flex-wrap:wrap;gap:16px;font-size:13px;color:var(--muted);margin:4px 0 6px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.sw-seen{background:var(--seen)}.sw-pub{background:var(--pub)}
.sw-edit{background:var(--edit);border-radius:50%}.sw-gone{background:var(--gone)}
svg.timeline{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:6px}
.diff{border:1px solid var(--line);border-radius:6px;padding:4px 16px 10px;margin:14px 0}
.diff p{margin:8px 0}
.title-diff{font-size:18px;font-weight:600}
ins{background:var(--ins);color:var(--insink);text-decoration:none;border-radius:2px}
del{background:var(--del);color:var(--delink);text-decoration:line-through;border-radius:2px}
p.added{border-left:3px solid var(--insink);padding-left:8px}
p.removed{border-left:3px solid var(--delink);padding-left:8px}
p.skip{color:var(--muted);font-size:13px;font-style:italic}
details{margin:12px 0}
summary{cursor:pointer;color:#1d5aa6}
.fulltext p{margin:8px 0}
.url{word-break:break-all}
.untrusted-url{word-break:break-all;color:var(--muted)}
ul.events{padding-left:20px}
"""
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; script-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")


# -- what is read from the warehouse ------------------------------------------------------------

@dataclasses.dataclass(slots=True)
class _Article:
    url: str
    portal: str
    source: str
    status: str
    title: str | None
    published: dt.datetime | None
    first_seen: dt.datetime
    relevant: bool | None
    relevance: float | None
    last_checked: dt.datetime | None
    versions: int
    edits: int
    last_edit_kind: str | None

    @property
    def interesting(self) -> bool:
        """Named in the config or relevant to a topic (as `ArticleState.interesting`)."""
        return self.source == "track" or bool(self.relevant)

    @property
    def key(self) -> str:
        return url_key(self.url)


@dataclasses.dataclass(frozen=True, slots=True)
class _Version:
    version_id: int
    seen_at: dt.datetime
    title: str
    body: tuple[str, ...]
    authors: tuple[str, ...]
    published: dt.datetime | None
    updated: dt.datetime | None


@dataclasses.dataclass(frozen=True, slots=True)
class _Edit:
    url: str
    detected_at: dt.datetime
    old_version_id: int
    new_version_id: int
    kind: str
    summary: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class _Event:
    kind: str
    portal: str | None
    url: str | None
    happened_at: dt.datetime
    detail: dict[str, Any]


def _load_articles(con: duckdb.DuckDBPyConnection) -> list[_Article]:
    rows = con.execute("""
        SELECT a.url, coalesce(a.portal, 'unknown'), a.source, a.status, a.title, a.published,
               a.first_seen, a.relevant, a.relevance, a.last_checked,
               coalesce(v.n, 0), coalesce(e.n, 0), e.last_kind
        FROM articles a
        LEFT JOIN (SELECT article_url, count(*) AS n FROM versions GROUP BY 1) v ON v.article_url = a.url
        LEFT JOIN (SELECT article_url, count(*) AS n, arg_max(kind, edit_id) AS last_kind
                   FROM edit_records GROUP BY 1) e ON e.article_url = a.url
        ORDER BY coalesce(a.published, a.first_seen) DESC, a.url""").fetchall()
    return [_Article(*row) for row in rows]


def _load_edits(con: duckdb.DuckDBPyConnection) -> list[_Edit]:
    rows = con.execute("""SELECT article_url, detected_at, old_version_id, new_version_id, kind, summary
                          FROM edit_records ORDER BY detected_at, edit_id""").fetchall()
    return [_Edit(*row) for row in rows]


def _load_events(con: duckdb.DuckDBPyConnection) -> list[_Event]:
    rows = con.execute("""SELECT kind, portal, article_url, happened_at, detail FROM events
                          WHERE kind <> 'portal_health' ORDER BY happened_at, event_id""").fetchall()
    return [_Event(kind, portal, url, at, _json_object(detail)) for kind, portal, url, at, detail in rows]


def _load_versions(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, list[_Version]]:
    found: dict[str, list[_Version]] = collections.defaultdict(list)
    if not urls:
        return found
    rows = con.execute("""
        SELECT article_url, version_id, seen_at, title, body, authors, published, updated
        FROM versions WHERE article_url IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY article_url, seen_at, version_id""", [list(urls)]).fetchall()
    for url, version_id, seen_at, title, body, authors, published, updated in rows:
        found[url].append(_Version(version_id, seen_at, title or "", tuple(_paragraphs(body)),
                                   tuple(authors or ()), published, updated))
    return found


def _json_object(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if value else {}
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _paragraphs(body: str | None) -> list[str]:
    return [p for p in (body or "").split("\n\n") if p.strip()]


# -- escaping and small pieces ------------------------------------------------------------------

def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: str | None) -> str | None:
    """The escaped href for a plain absolute http(s) URL; None for anything else."""
    return html.escape(url, quote=True) if url is not None and is_plain_web_url(url) else None


def _link(url: str | None, text: str, cls: str = "") -> str:
    """A link to an outside page when the URL is safe; otherwise the text, marked as such."""
    href = safe_href(url)
    klass = f' class="{cls}"' if cls else ""
    if href is None:
        return f'<span class="untrusted-url" title="not an http(s) link">{_e(text)}</span>'
    return f'<a{klass} href="{href}" rel="noopener noreferrer nofollow">{_e(text)}</a>'


def _when(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    return "—" if value is None else _local(value, tz).strftime("%Y-%m-%d %H:%M")


def _local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if value.tzinfo is None:  # the warehouse stores TIMESTAMPTZ; a naive value is UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(tz)


def _status(status: str) -> str:
    safe = re.sub(r"[^a-z_]", "", status.lower())
    return f'<span class="status status-{safe}">{_e(status.replace("_", " "))}</span>'


def _kind(kind: str | None) -> str:
    if not kind:
        return ""
    safe = re.sub(r"[^a-z_]", "", kind.lower())
    return f'<span class="kind kind-{safe}">{_e(kind)}</span>'


def _summary(kind: str, summary: str | None) -> str:
    """The edit summary without its leading "kind: " (the kind is shown next to it)."""
    text = summary or ""
    return text[len(kind) + 2:] if text.startswith(f"{kind}: ") else text


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _display_title(article: _Article) -> str:
    return article.title or article.url


# -- word-level diff ----------------------------------------------------------------------------

_TOKEN = re.compile(r"(\w+|[^\w\s])(\s*)")
_BREAK = ("\n\n", "")  # a paragraph boundary inside a token sequence

Segment = tuple[str, str]  # (op, text): "=" unchanged, "+" added, "-" removed


def _tokens(paragraphs: Sequence[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append(_BREAK)
        out.extend(_TOKEN.findall(paragraph.strip()))
    return out


def _space_before(tokens: Sequence[tuple[str, str]], i: int) -> bool:
    return i > 0 and tokens[i - 1] != _BREAK and tokens[i - 1][1] != ""


def word_diff(old: Sequence[str], new: Sequence[str]) -> list[list[Segment]]:
    """Word-level diff of two runs of paragraphs, as the new text's paragraphs of segments."""
    a, b = _tokens(old), _tokens(new)
    paragraphs: list[list[Segment]] = [[]]

    def put(op: str, tokens: Sequence[tuple[str, str]], spaced: bool) -> None:
        for token in tokens:
            if token == _BREAK:
                if op == "-":  # a paragraph boundary that is gone: the removed text just joins
                    spaced = True
                else:
                    paragraphs.append([])
                    spaced = False
                continue
            para = paragraphs[-1]
            # Runs come from two texts: keep a word boundary the source side had.
            if spaced and para and not para[-1][1][-1:].isspace():
                para.append(("=", " "))
            spaced = False
            text = token[0] + token[1]
            if para and para[-1][0] == op:
                para[-1] = (op, para[-1][1] + text)
            else:
                para.append((op, text))

    matcher = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            put("=", b[j1:j2], _space_before(b, j1))
            continue
        if tag in ("delete", "replace"):
            put("-", a[i1:i2], _space_before(a, i1))
        if tag in ("insert", "replace"):
            put("+", b[j1:j2], tag == "replace" or _space_before(b, j1))
    return paragraphs


@dataclasses.dataclass(frozen=True, slots=True)
class _DiffPara:
    segments: tuple[Segment, ...]
    changed: bool
    words: int


def _para(segments: Sequence[Segment]) -> _DiffPara:
    words = sum(len(_TOKEN.findall(text)) for _, text in segments)
    return _DiffPara(tuple(segments), any(op != "=" for op, _ in segments), words)


def body_diff(old: Sequence[str], new: Sequence[str]) -> tuple[list[_DiffPara], bool]:
    """Paragraphs aligned first, then changed blocks word by word. Returns the paragraphs and
    whether some block was too large to align word by word (shown whole instead)."""
    out: list[_DiffPara] = []
    whole = False
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(_DiffPara((("=", p),), False, len(_TOKEN.findall(p))) for p in new[j1:j2])
            continue
        if tag == "replace":
            old_words = sum(len(_TOKEN.findall(p)) for p in old[i1:i2])
            new_words = sum(len(_TOKEN.findall(p)) for p in new[j1:j2])
            if old_words * new_words <= MAX_ALIGN:
                out.extend(_para(segments) for segments in word_diff(old[i1:i2], new[j1:j2]))
                continue
            whole = True
        out.extend(_para([("-", p)]) for p in old[i1:i2])
        out.extend(_para([("+", p)]) for p in new[j1:j2])
    return out, whole


def _segments_html(segments: Iterable[Segment]) -> str:
    out = []
    for op, text in segments:
        if op == "=":
            out.append(_e(text))
            continue
        core = text.rstrip()
        tag = "ins" if op == "+" else "del"
        if core:
            out.append(f"<{tag}>{_e(core)}</{tag}>")
        out.append(_e(text[len(core):]))
    return "".join(out)


def _para_html(para: _DiffPara) -> str:
    ops = {op for op, _ in para.segments}
    klass = ' class="added"' if ops == {"+"} else ' class="removed"' if ops == {"-"} else ""
    return f"<p{klass}>{_segments_html(para.segments)}</p>"


def diff_html(paragraphs: Sequence[_DiffPara], *, context: int = CONTEXT,
              max_words: int = MAX_DIFF_WORDS) -> str:
    """Changed paragraphs with `context` unchanged ones around them; long unchanged stretches
    folded; cut after `max_words` words with a note."""
    if not any(p.changed for p in paragraphs):
        return '<p class="note">The body text did not change.</p>'
    show = [False] * len(paragraphs)
    for i, para in enumerate(paragraphs):
        if para.changed:
            for j in range(max(0, i - context), min(len(paragraphs), i + context + 1)):
                show[j] = True
    out: list[str] = []
    skipped = words = 0
    for i, para in enumerate(paragraphs):
        if not show[i]:
            skipped += 1
            continue
        if skipped:
            out.append(_skip(skipped))
            skipped = 0
        if words + para.words > max_words and out:
            rest = sum(1 for p in paragraphs[i:] if p.changed)
            out.append(f'<p class="note cut">Diff cut at {words:,} words: {rest} more changed '
                       f'paragraph(s) not shown. The full text of each version is below.</p>')
            return "\n".join(out)
        words += para.words
        out.append(_para_html(para))
    if skipped:
        out.append(_skip(skipped))
    return "\n".join(out)


def _skip(n: int) -> str:
    return f'<p class="skip">⋯ {n} unchanged paragraph{"s" if n != 1 else ""} ⋯</p>'


# -- the timeline -------------------------------------------------------------------------------

_UNITS = ("day", "week", "month", "year")
MAX_BINS = 120


def _bin_start(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next_bin(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def _bins(days: Iterable[dt.date]) -> tuple[str, list[dt.date]]:
    """The finest unit giving at most MAX_BINS bins over the span, and the bins' starts."""
    found = list(days)
    if not found:
        return "day", []
    first, last = min(found), max(found)
    for unit in _UNITS:
        starts = [_bin_start(first, unit)]
        while (nxt := _next_bin(starts[-1], unit)) <= last and len(starts) <= MAX_BINS:
            starts.append(nxt)
        if len(starts) <= MAX_BINS or unit == "year":
            return unit, starts
    raise AssertionError("unreachable")


def _bin_label(start: dt.date, unit: str) -> str:
    return {"day": start.isoformat(), "week": start.isoformat(), "month": start.strftime("%Y-%m"),
            "year": str(start.year)}[unit]


@dataclasses.dataclass
class _Row:
    seen: collections.Counter[dt.date] = dataclasses.field(default_factory=collections.Counter)
    published: collections.Counter[dt.date] = dataclasses.field(default_factory=collections.Counter)
    edits: collections.Counter[dt.date] = dataclasses.field(default_factory=collections.Counter)
    removals: collections.Counter[dt.date] = dataclasses.field(default_factory=collections.Counter)
    articles: int = 0


def timeline_svg(articles: Sequence[_Article], edits: Sequence[_Edit], events: Sequence[_Event],
                 portals: Sequence[str], tz: dt.tzinfo) -> tuple[str, str]:
    """One SVG with a row per portal: articles first seen and published per bin (bars), edits
    and removals (marks). Returns the SVG and the bin unit's name."""
    rows = {portal: _Row() for portal in portals}
    articles = [a for a in articles if a.portal in rows]
    by_url = {a.url: a for a in articles}
    dates: list[tuple[str, str, dt.date]] = []  # (portal, series, day)
    for article in articles:
        rows[article.portal].articles += 1
        dates.append((article.portal, "seen", _local(article.first_seen, tz).date()))
        if article.published is not None:
            dates.append((article.portal, "published", _local(article.published, tz).date()))
    for edit in edits:
        if edit.url in by_url:
            dates.append((by_url[edit.url].portal, "edits", _local(edit.detected_at, tz).date()))
    for event in events:
        if event.kind == "removed" and event.url in by_url:
            dates.append((by_url[event.url].portal, "removals", _local(event.happened_at, tz).date()))
    unit, starts = _bins(day for _, _, day in dates)
    for portal, series, day in dates:
        getattr(rows[portal], series)[_bin_start(day, unit)] += 1

    width, left, right, top, row_h, axis_h = 1000, 118, 16, 6, 86, 30
    plot = width - left - right
    n = max(len(starts), 1)
    bw = plot / n
    height = top + row_h * len(portals) + axis_h
    out = [f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="Coverage timeline per portal, per {unit}" '
           f'font-family="system-ui, sans-serif" font-size="12">']
    for r, portal in enumerate(portals):
        row = rows[portal]
        y0 = top + r * row_h
        base = y0 + row_h - 12
        bar_top = y0 + 26
        peak = max([1, *row.seen.values(), *row.published.values()])
        scale = (base - bar_top) / peak
        out.append(f'<g class="portal-row" data-portal="{_e(portal)}">')
        if r % 2:
            out.append(f'<rect x="0" y="{y0}" width="{width}" height="{row_h}" fill="#f7f8fa"/>')
        out.append(f'<text x="10" y="{y0 + 40}" font-size="14" font-weight="600" fill="#1d232b">'
                   f"{_e(portal)}</text>")
        out.append(f'<text x="10" y="{y0 + 58}" fill="#5d6874">{row.articles} article'
                   f'{"s" if row.articles != 1 else ""}</text>')
        out.append(f'<text x="{left - 6}" y="{bar_top + 9}" text-anchor="end" font-size="10" '
                   f'fill="#5d6874">{peak}</text>')
        out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot}" y2="{base}" stroke="#b8c0c9"/>')
        for i, start in enumerate(starts):
            seen, pub = row.seen[start], row.published[start]
            n_edits, n_gone = row.edits[start], row.removals[start]
            if not (seen or pub or n_edits or n_gone):
                continue
            x = left + i * bw
            cx = x + bw / 2
            tip = (f"{portal} · {_bin_label(start, unit)}: {seen} first seen, {pub} published, "
                   f"{n_edits} edit{'s' if n_edits != 1 else ''}, "
                   f"{n_gone} removal{'s' if n_gone != 1 else ''}")
            out.append(f'<g class="bin"><title>{_e(tip)}</title>')
            out.append(f'<rect x="{x:.1f}" y="{y0}" width="{bw:.1f}" height="{row_h}" fill="transparent"/>')
            if seen:
                h = seen * scale
                out.append(f'<rect class="bar-seen" x="{x + bw * 0.08:.1f}" y="{base - h:.1f}" '
                           f'width="{bw * 0.42:.1f}" height="{h:.1f}" fill="#2f6db5"/>')
            if pub:
                h = pub * scale
                out.append(f'<rect class="bar-published" x="{x + bw * 0.5:.1f}" y="{base - h:.1f}" '
                           f'width="{bw * 0.42:.1f}" height="{h:.1f}" fill="#e39b2d"/>')
            if n_edits:
                rad = min(5.0, max(2.5, bw / 3))
                out.append(f'<circle class="mark-edit" cx="{cx:.1f}" cy="{y0 + 9}" r="{rad:.1f}" '
                           f'fill="#7b3fb3"/>')
            if n_gone:
                s = min(5.0, max(2.5, bw / 3))
                out.append(f'<path class="mark-removal" d="M{cx - s:.1f} {y0 + 19 - s:.1f}l{2 * s:.1f} '
                           f'{2 * s:.1f}m0 {-2 * s:.1f}l{-2 * s:.1f} {2 * s:.1f}" stroke="#c62828" '
                           f'stroke-width="2.2" fill="none"/>')
            out.append("</g>")
        out.append("</g>")
    axis_y = top + row_h * len(portals)
    out.append(f'<g class="axis"><line x1="{left}" y1="{axis_y}" x2="{left + plot}" y2="{axis_y}" '
               f'stroke="#8a949e"/>')
    step = max(1, -(-len(starts) // 8))
    for i in range(0, len(starts), step):
        x = left + i * bw
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#8a949e"/>'
                   f'<text x="{x:.1f}" y="{axis_y + 18}" fill="#5d6874">{_bin_label(starts[i], unit)}</text>')
    out.append("</g></svg>")
    return "".join(out), unit


# -- the pages ----------------------------------------------------------------------------------

def write_report(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path, *, tz: dt.tzinfo = WIB,
                 now: dt.datetime | None = None) -> pathlib.Path:
    """Write index.html and one page per article of interest (or edited article) under
    `out_dir/articles/`; return the index path. Reads only; `con` may be read-only."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out_dir = pathlib.Path(out_dir)
    pages_dir = out_dir / "articles"
    pages_dir.mkdir(parents=True, exist_ok=True)

    articles = _load_articles(con)
    edits = _load_edits(con)
    events = _load_events(con)
    detailed = [a for a in articles if a.interesting or a.versions > 1]
    versions = _load_versions(con, [a.url for a in detailed])
    edits_by_url: dict[str, list[_Edit]] = collections.defaultdict(list)
    for edit in edits:
        edits_by_url[edit.url].append(edit)
    events_by_url: dict[str, list[_Event]] = collections.defaultdict(list)
    for event in events:
        if event.url:
            events_by_url[event.url].append(event)

    written: set[str] = set()
    for article in detailed:
        name = f"{article.key}.html"
        _write(pages_dir / name, _article_page(article, versions.get(article.url, []),
                                               edits_by_url.get(article.url, []),
                                               events_by_url.get(article.url, []), tz, now))
        written.add(name)
    for stale in pages_dir.iterdir():
        if _PAGE_NAME.fullmatch(stale.name) and stale.name not in written:
            stale.unlink()
    write_story_pages(con, out_dir)  # beritawatch.stories.page: its own templates
    index = out_dir / "index.html"
    _write(index, _index_page(con, articles, edits, events, {a.key for a in detailed}, tz, now))
    return index


def _write(path: pathlib.Path, text: str) -> None:
    """Replace the file atomically, and not at all when it already holds this text (reports are
    rewritten after every pass; most article pages do not change)."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _index_page(con: duckdb.DuckDBPyConnection, articles: Sequence[_Article], edits: Sequence[_Edit],
                events: Sequence[_Event], pages: set[str], tz: dt.tzinfo, now: dt.datetime) -> str:
    interesting = [a for a in articles if a.interesting]
    portals = sorted({a.portal for a in articles}, key=lambda p: (p == "unknown", p))
    svg, unit = timeline_svg(interesting, edits, events, portals, tz)
    removed = sum(1 for e in events if e.kind == "removed")
    n_versions = sum(a.versions for a in articles)
    last_run = con.execute("SELECT max(started_at) FROM runs").fetchone()
    tz_name = _local(now, tz).tzname() or ""
    parts = [
        "<header><h1>beritawatch report</h1>",
        f'<p class="meta">Generated {_e(_when(now, tz))} {_e(tz_name)} · last pass started '
        f'{_e(_when(last_run[0] if last_run else None, tz))} · times in {_e(tz_name)}</p>',
        '<ul class="stats">',
        f"<li><b>{len(articles)}</b>articles recorded</li>",
        f"<li><b>{len(interesting)}</b>tracked or relevant</li>",
        f"<li><b>{n_versions}</b>versions</li>",
        f"<li><b>{len(edits)}</b>edits</li>",
        f"<li><b>{removed}</b>removals</li>",
        '</ul><p><a href="stories/index.html">Cerita lintas portal (stories)</a></p></header>',
        '<section id="timeline"><h2>Coverage timeline</h2>',
        f'<p class="note">Tracked or relevant articles per {_e(unit)} and portal. '
        f"{len(articles) - len(interesting)} other recorded articles are not charted.</p>",
        '<div class="legend"><span><i class="sw sw-seen"></i>first seen</span>'
        '<span><i class="sw sw-pub"></i>published</span>'
        '<span><i class="sw sw-edit"></i>edited</span>'
        '<span><i class="sw sw-gone"></i>removed</span></div>',
        svg, "</section>",
        _articles_table(interesting, pages, tz),
        _recent_changes(articles, edits, events, pages, tz),
        _health_section(con, tz),
    ]
    return _page("beritawatch report", "\n".join(parts))


def _articles_table(articles: Sequence[_Article], pages: set[str], tz: dt.tzinfo) -> str:
    rows = []
    for a in articles:
        history = (f'<a href="articles/{a.key}.html">{a.versions}</a>' if a.key in pages
                   else str(a.versions))
        edits = f"{a.edits} · {_kind(a.last_edit_kind)}" if a.edits else "0"
        rows.append(
            f'<tr data-key="{a.key}"><td>{_e(a.portal)}</td>'
            f'<td class="title">{_link(a.url, _display_title(a))}</td>'
            f'<td class="when">{_when(a.published, tz)}</td><td class="when">{_when(a.first_seen, tz)}</td>'
            f'<td class="num">{history}</td><td class="num">{edits}</td><td>{_status(a.status)}</td></tr>')
    if not rows:
        rows.append('<tr><td colspan="7" class="muted">No tracked or relevant article yet.</td></tr>')
    return ('<section id="articles"><h2>Relevant articles</h2>'
            '<p class="note">Tracked articles and those found relevant to a topic, newest first. '
            "The title opens the portal's page; the number of versions opens the version history.</p>"
            '<table class="articles"><thead><tr><th>Portal</th><th>Title</th><th>Published</th>'
            '<th>First seen</th><th class="num">Versions</th><th class="num">Edits</th><th>Status</th>'
            f'</tr></thead><tbody>\n{chr(10).join(rows)}\n</tbody></table></section>')


def _recent_changes(articles: Sequence[_Article], edits: Sequence[_Edit], events: Sequence[_Event],
                    pages: set[str], tz: dt.tzinfo) -> str:
    by_url = {a.url: a for a in articles}
    items: list[tuple[dt.datetime, str, _Article, str]] = []
    for edit in edits:
        if edit.url in by_url:
            items.append((edit.detected_at, _kind(edit.kind), by_url[edit.url],
                          _e(_summary(edit.kind, edit.summary))))
    for event in events:
        if event.kind in ("removed", "restored", "revert") and event.url in by_url:
            reason = event.detail.get("reason") or ""
            items.append((event.happened_at, _status(event.kind), by_url[event.url], _e(reason)))
    items.sort(key=lambda item: item[0], reverse=True)
    rows = []
    for at, what, article, text in items[:RECENT_CHANGES]:
        title = _e(_display_title(article))
        if article.key in pages:
            title = f'<a href="articles/{article.key}.html">{title}</a>'
        rows.append(f'<tr><td class="when">{_when(at, tz)}</td><td>{_e(article.portal)}</td>'
                    f"<td>{what}</td><td>{title}</td><td>{text}</td></tr>")
    if not rows:
        return '<section id="changes"><h2>Recent changes</h2><p class="muted">No edit or removal yet.</p></section>'
    return ('<section id="changes"><h2>Recent changes</h2><table class="changes"><thead><tr>'
            "<th>When</th><th>Portal</th><th>What</th><th>Article</th><th>Detail</th></tr></thead>"
            f"<tbody>\n{chr(10).join(rows)}\n</tbody></table></section>")


def _health_section(con: duckdb.DuckDBPyConnection, tz: dt.tzinfo) -> str:
    outcomes = con.execute("""
        WITH recent AS (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?)
        SELECT coalesce(a.portal, 'unknown'), f.outcome, count(*)
        FROM fetches f LEFT JOIN articles a ON a.url = f.article_url
        WHERE f.run_id IN (SELECT run_id FROM recent) GROUP BY ALL ORDER BY 1, 2""",
                           [HEALTH_RUNS]).fetchall()
    per_portal: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for portal, outcome, count in outcomes:
        per_portal[portal][outcome] += count
    rows = []
    for portal, counts in sorted(per_portal.items()):
        failed = ", ".join(f"{_e(o)} × {n}" for o, n in counts.most_common()
                           if o not in ("ok", "not_modified"))
        rows.append(f"<tr><td>{_e(portal)}</td><td class=\"num\">{sum(counts.values())}</td>"
                    f'<td class="num">{counts["ok"]}</td><td class="num">{counts["not_modified"]}</td>'
                    f"<td>{failed or '—'}</td></tr>")
    parts = ['<section id="health"><h2>Failures and portal health</h2>',
             f'<p class="note">Fetch outcomes over the last {HEALTH_RUNS} passes.</p>',
             '<table class="outcomes"><thead><tr><th>Portal</th><th class="num">Fetches</th>'
             '<th class="num">OK</th><th class="num">Not modified</th><th>Failed, by outcome</th></tr>'
             f"</thead><tbody>{''.join(rows) or '<tr><td colspan=5>No fetch yet.</td></tr>'}</tbody></table>"]

    health = con.execute("""SELECT happened_at, portal, message FROM portal_health
                            ORDER BY happened_at DESC LIMIT 10""").fetchall()
    if health:
        parts.append("<h3>Portal health warnings</h3><ul class=\"events\">")
        parts += [f"<li>{_when(at, tz)} <b>{_e(portal)}</b>: {_e(message)}</li>" for at, portal, message in health]
        parts.append("</ul>")

    failing = con.execute("""
        SELECT a.url, coalesce(a.portal, 'unknown'), a.title, a.status, a.consecutive_errors,
               f.outcome, f.status_code, f.error, f.requested_at
        FROM articles a
        JOIN (SELECT * FROM fetches
              WHERE article_url IN (SELECT url FROM articles
                                    WHERE status IN ('error', 'removal_suspected', 'removed')
                                       OR consecutive_errors > 0)
              QUALIFY row_number() OVER (PARTITION BY article_url ORDER BY fetch_id DESC) = 1) f
          ON f.article_url = a.url
        WHERE f.outcome NOT IN ('ok', 'not_modified')
        ORDER BY f.requested_at DESC, a.url LIMIT ?""", [FAILING_ROWS]).fetchall()
    if failing:
        parts.append(f"<h3>Articles failing now</h3><p class=\"note\">Latest failed fetch of each article "
                     f"that is in error, suspected removed or removed (at most {FAILING_ROWS}).</p>"
                     '<table class="failing"><thead><tr><th>Portal</th><th>Article</th><th>Status</th>'
                     '<th>Outcome</th><th>Error</th><th>When</th></tr></thead><tbody>')
        for url, portal, title, status, errors, outcome, code, error, at in failing:
            detail = f"{outcome}" + (f" ({code})" if code else "")
            parts.append(f"<tr><td>{_e(portal)}</td><td>{_link(url, title or url, 'url')}</td>"
                         f"<td>{_status(status)}</td><td>{_e(detail)}</td>"
                         f"<td>{_e(_cut(error or '', 200))}</td><td class=\"when\">{_when(at, tz)}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _article_page(article: _Article, versions: Sequence[_Version], edits: Sequence[_Edit],
                  events: Sequence[_Event], tz: dt.tzinfo, now: dt.datetime) -> str:
    title = _display_title(article)
    relevance = f"{article.relevance:.2f}" if article.relevance is not None else "—"
    parts = [
        '<nav><a href="../index.html">← report</a></nav>',
        f'<header><h1 class="article-title">{_e(title)}</h1>',
        f'<p class="meta">{_e(article.portal)} · {_status(article.status)} · '
        f'{"tracked" if article.source == "track" else "discovered"} · relevance {relevance}</p>',
        f'<p class="meta">Published {_when(article.published, tz)} · first seen '
        f"{_when(article.first_seen, tz)} · last checked {_when(article.last_checked, tz)} "
        f"({_e(_local(now, tz).tzname() or '')})</p>",
        f'<p class="meta">Original: {_link(article.url, article.url, "url")}</p></header>',
    ]
    if events:
        parts.append('<section id="events"><h2>Events</h2><ul class="events">')
        for event in events:
            reason = event.detail.get("reason") or event.detail.get("note") or event.detail.get("error") or ""
            parts.append(f"<li>{_when(event.happened_at, tz)} {_status(event.kind)} {_e(_cut(str(reason), 300))}</li>")
        parts.append("</ul></section>")
    parts.append(_history(versions, edits, tz))
    return _page(f"{_cut(title, 80)} · beritawatch", "\n".join(parts))


def _history(versions: Sequence[_Version], edits: Sequence[_Edit], tz: dt.tzinfo) -> str:
    if not versions:
        return '<section id="versions"><h2>Versions</h2><p class="muted">No version stored (never fetched successfully).</p></section>'
    number = {v.version_id: i + 1 for i, v in enumerate(versions)}
    by_id = {v.version_id: v for v in versions}
    edit_of = {e.new_version_id: e for e in edits}
    rows = []
    for i, version in enumerate(versions):
        edit = edit_of.get(version.version_id)
        change = f"{_kind(edit.kind)} {_e(_summary(edit.kind, edit.summary))}" if edit else ("first version" if i == 0 else "")
        rows.append(f'<tr><td class="num"><a href="#v{i + 1}">{i + 1}</a></td>'
                    f'<td class="when">{_when(version.seen_at, tz)}</td><td>{_e(version.title)}</td>'
                    f'<td class="num">{len(version.body)}</td>'
                    f'<td class="num">{sum(len(p) for p in version.body):,}</td><td>{change}</td></tr>')
    parts = ['<section id="versions"><h2>Versions</h2><table class="versions"><thead><tr>'
             '<th class="num">#</th><th>Seen</th><th>Title</th><th class="num">Paragraphs</th>'
             f'<th class="num">Characters</th><th>Change</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>']

    later = list(enumerate(versions))[1:]
    shown = later[-MAX_DIFFS_PER_ARTICLE:]
    parts.append('<section id="diffs"><h2>Changes, newest first</h2>')
    if len(later) > len(shown):
        parts.append(f'<p class="note">Showing the latest {len(shown)} of {len(later)} changes.</p>')
    if not later:
        parts.append('<p class="muted">Only one version so far.</p>')
    for i, version in reversed(shown):
        edit = edit_of.get(version.version_id)
        # After a revert the edit's base is an older version, not the previous row.
        base = by_id.get(edit.old_version_id) if edit else None
        base = base or versions[i - 1]
        paragraphs, whole = body_diff(base.body, version.body)
        parts.append(f'<article class="diff" id="v{i + 1}" data-from="{number[base.version_id]}" '
                     f'data-to="{i + 1}"><h3>Version {i + 1} · seen {_when(version.seen_at, tz)} · '
                     f"changes from version {number[base.version_id]}</h3>")
        if edit:
            parts.append(f'<p class="meta edit-summary">{_kind(edit.kind)} '
                         f"{_e(_summary(edit.kind, edit.summary))}</p>")
        if base.title != version.title:
            title_segments = word_diff([base.title], [version.title])[0]
            parts.append(f'<p class="title-diff">Title: {_segments_html(title_segments)}</p>')
        parts.append(f'<div class="body-diff">{diff_html(paragraphs)}</div>')
        if whole:
            parts.append('<p class="note">A long rewritten block is shown whole, not word by word.</p>')
        parts.append("</article>")
    parts.append("</section>")

    first, latest = versions[0], versions[-1]
    parts.append('<section id="texts"><h2>Full text</h2>')
    parts.append(_fulltext(latest, len(versions), tz, open_=len(versions) == 1))
    if len(versions) > 1:
        parts.append(_fulltext(first, 1, tz, open_=False))
    parts.append("</section>")
    return "\n".join(parts)


def _fulltext(version: _Version, number: int, tz: dt.tzinfo, *, open_: bool) -> str:
    paragraphs = "".join(f"<p>{_e(p)}</p>" for p in version.body)
    authors = f" · by {_e(', '.join(version.authors))}" if version.authors else ""
    return (f'<details class="fulltext"{" open" if open_ else ""}><summary>Version {number} '
            f"({_when(version.seen_at, tz)}){authors}</summary><h3>{_e(version.title)}</h3>"
            f"{paragraphs}</details>")
