"""The report's pages: what each template is given, the Jinja2 environment, and writing the files."""
from __future__ import annotations

import base64
import collections
import concurrent.futures
import contextlib
import copyreg
import dataclasses
import datetime as dt
import functools
import hashlib
import html
import inspect
import json
import multiprocessing
import os
import pathlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import duckdb
import jinja2
from markupsafe import Markup, escape

from beritawatch import i18n
from beritawatch.changes import describe_edit
from beritawatch.i18n import DEFAULT_LANGUAGE, WIB, Language
from beritawatch.report import data, fragments, timeline
from beritawatch.report.data import Article, Edit, Event, Version
from beritawatch.report.diff import MAX_DIFF_WORDS, Block, diff_blocks
from beritawatch.stories.page import load_story_pages, write_loaded_story_pages, write_story_pages
from beritawatch.urls import is_plain_web_url, url_key
from warehouse.db import with_memory_cap

MAX_DIFFS_PER_ARTICLE = 30  # the latest diffs of an article with very many versions
LIST_ROWS = 250  # articles per page of the list: the index holds the first page
RENDER_BATCH = 500  # article pages whose data is read from the warehouse at once, at most ...
BATCH_VERSIONS = 2_500  # ... and versions (each batch is one read of the tables)
PARALLEL_FROM = 5_000  # versions on the pages to write before helper processes pay for their start (~1 s)
MAX_HELPERS = 2
REPORT_MEMORY_LIMIT = "128MB"  # DuckDB's memory while a report is written (see `write_report`)
MANIFEST = ".manifest.json"  # in articles/: what each page was written from
STORIES_MARK = ".mark"  # in stories/: what the story pages were written from
_HERE = pathlib.Path(__file__).parent
_PAGE_NAME = re.compile(r"[0-9a-f]{16}\.html")
_LIST_NAME = re.compile(r"articles-(\d+)\.html")

CSS = (_HERE / "style.css").read_text(encoding="utf-8")
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; script-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")


def safe_href(url: str | None) -> str | None:
    """The escaped href for a plain absolute http(s) URL; None for anything else."""
    return html.escape(url, quote=True) if url is not None and is_plain_web_url(url) else None


def _web_url(url: str | None) -> str | None:
    return url if url is not None and is_plain_web_url(url) else None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_HERE / "templates"),
    autoescape=True,  # every template, the SVG included: scraped text is always text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates are part of the package: no stat of each one per page rendered
)
@functools.lru_cache(maxsize=256)
def _css_name(value: object) -> str:
    return re.sub(r"[^a-z_]", "", str(value).lower())


_ENV.filters.update(
    css_name=_css_name,
    f1=lambda value: f"{value:.1f}",
    cut=_cut,
)


_pieces_html = fragments.pieces_html


def _diff_markup(blocks: Sequence[Block], words: Words) -> Markup:
    """A body diff's blocks as HTML (one call per diff, not a macro call per block)."""
    return fragments.blocks_html(blocks, words.lang)


_ENV.globals.update(safe_href=_web_url, csp=CSP, rows_per_page=LIST_ROWS, pieces_html=_pieces_html,
                    diff_markup=_diff_markup,
                    css=Markup(CSS))  # noqa: S704 - our own stylesheet


@functools.lru_cache(maxsize=256)
def _when(value: dt.datetime | None, lang: Language) -> str:
    return i18n.when(value, lang)  # an article page shows each version's moment two or three times


@dataclasses.dataclass(frozen=True, slots=True)
class Words:
    """The report's language: messages, numbers and Jakarta times, for the templates."""

    lang: Language

    def t(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)

    def when(self, value: dt.datetime | None) -> str:
        return _when(value, self.lang)

    def day(self, value: dt.date) -> str:
        return f"{i18n.short_day(value, self.lang)} {value.year}"

    def number(self, value: float) -> str:
        return i18n.number(value, self.lang)

    def count(self, value: int) -> str:
        return i18n.count(value, self.lang)

    def status(self, status: str) -> str:
        key = f"status.{status}"
        return self.t(key) if key in i18n.MESSAGES else status.replace("_", " ")

    def edit_kind(self, kind: str) -> str:
        key = f"edit.{kind}"
        return self.t(key) if key in i18n.MESSAGES else kind

    def edit_summary(self, edit: Edit) -> str:
        """The edit in plain words; an edit stored without its record shows its stored summary."""
        if edit.record:
            return describe_edit(edit.record, self.lang)
        text = edit.summary or ""
        return text[len(edit.kind) + 2:] if text.startswith(f"{edit.kind}: ") else text


def _render(name: str, words: Words, **context: Any) -> str:
    return _ENV.get_template(name).render(w=words, **context)


def diff_html(paragraphs: Sequence[Any], *, max_words: int = MAX_DIFF_WORDS, lang: Language = DEFAULT_LANGUAGE) -> str:
    """The body diff as a page shows it (changes with context, folds, the cut note)."""
    words = Words(lang)
    # Jinja exposes a template's macros as dynamic attributes of its module: mypy cannot see them.
    macro = _ENV.get_template("macros.html").make_module({"w": words}).diff  # type: ignore[attr-defined]
    return str(macro(diff_blocks(paragraphs, max_words=max_words)))


def _axis_labels(words: Words) -> dict[str, Callable[[dt.date], str]]:
    return {"older_label": lambda day: words.t("r.before", day=i18n.short_day(day, words.lang)),
            "day_label": lambda day: i18n.short_day(day, words.lang)}


def _timeline(articles: Sequence[Article], edits: Sequence[Edit], events: Sequence[Event],
              portals: Sequence[str], words: Words) -> timeline.Timeline:
    return timeline.build(articles, edits, events, portals, **_axis_labels(words))


def timeline_svg(articles: Sequence[Article], edits: Sequence[Edit], events: Sequence[Event],
                 portals: Sequence[str], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The coverage timeline as one SVG (a row per portal)."""
    words = Words(lang)
    return _render("timeline.svg", words, tl=_timeline(articles, edits, events, portals, words))


# -- the index and the list pages ---------------------------------------------------------------

@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    at: dt.datetime
    article: Article
    edit_kind: str | None
    event_kind: str | None
    text: str


def _changes(con: duckdb.DuckDBPyConnection, words: Words) -> list[Change]:
    """The latest edits and removals/restorations/reverts, newest first."""
    edits = data.load_recent_edits(con)
    events = data.load_recent_events(con)
    urls = sorted({e.url for e in edits} | {e.url for e in events if e.url})
    by_url = {a.url: a for a in data.load_articles(con, urls)}
    items = [Change(e.detected_at, by_url[e.url], e.kind, None, words.edit_summary(e)) for e in edits
             if e.url in by_url]
    items += [Change(e.happened_at, by_url[e.url], None, e.kind, str(e.detail.get("reason") or ""))
              for e in events if e.url in by_url]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[: data.RECENT_CHANGES]


def list_page_name(number: int) -> str:
    """The file of the article list's page `number` (the first is the index)."""
    return "index.html" if number == 1 else f"articles-{number}.html"


def _index_page(con: duckdb.DuckDBPyConnection, totals: data.Totals, listed: Sequence[Article],
                page_count: int, pages: set[str], words: Words, now: dt.datetime) -> str:
    per_portal = collections.Counter(a.portal for a in listed)
    tl = timeline.build_counts(data.load_day_counts(con), per_portal, totals.portals, **_axis_labels(words))
    return _render(
        "index.html", words, totals=totals, rows=listed[:LIST_ROWS], listed=len(listed), page=1,
        page_count=page_count, pages=pages, now=now, last_run=data.last_run_started(con), tl=tl,
        timeline=Markup(_render("timeline.svg", words, tl=tl)),  # noqa: S704 - rendered with autoescape
        changes=_changes(con, words), outcomes=data.load_outcomes(con),
        warnings=data.load_health_warnings(con), failing=data.load_failing(con),
        health_runs=data.HEALTH_RUNS, failing_rows=data.FAILING_ROWS)


def _write_index(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path, pages: set[str], words: Words,
                 now: dt.datetime, pool: concurrent.futures.Executor | None = None,
                 ) -> tuple[pathlib.Path, Callable[[], None]]:
    """index.html with the timeline and the list's first `LIST_ROWS` articles; the rest of the list
    in articles-2.html, ... (by a helper process with `pool`). Returns the index and what finishes the list."""
    totals = data.load_totals(con)
    listed = data.load_interesting(con)
    page_count = max(1, -(-len(listed) // LIST_ROWS))
    finish = _hand(pool, write_list_pages, out_dir, listed, pages, words.lang)
    index = out_dir / "index.html"
    _write(index, _index_page(con, totals, listed, page_count, pages, words, now))
    return index, finish


def write_list_pages(out_dir: pathlib.Path, listed: Sequence[Article], pages: set[str], lang: Language) -> None:
    """The article list's pages after the index (the list pages no longer needed are removed)."""
    words = Words(lang)
    page_count = max(1, -(-len(listed) // LIST_ROWS))
    for number in range(2, page_count + 1):
        rows = listed[(number - 1) * LIST_ROWS: number * LIST_ROWS]
        _write(out_dir / list_page_name(number),
               _render("list.html", words, rows=rows, listed=len(listed), page=number, page_count=page_count,
                       pages=pages))
    for stale in out_dir.iterdir():
        match = _LIST_NAME.fullmatch(stale.name)
        if match and not 2 <= int(match.group(1)) <= page_count:
            stale.unlink()


# -- an article --------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, slots=True)
class HistoryRow:
    number: int
    version: Version
    edit: Edit | None
    summary: str
    chars: int


@dataclasses.dataclass(frozen=True, slots=True)
class DiffView:
    number: int
    base: int
    seen_at: dt.datetime
    edit: Edit | None
    summary: str
    body: fragments.BodyDiff  # the title's and the body's


@dataclasses.dataclass(frozen=True, slots=True)
class FullText:
    number: int
    version: Version
    open: bool


Fragments = dict[tuple[int, int], fragments.BodyDiff]  # stored body diffs by (old, new version id)


def _body_diff_as_tuple(body: fragments.BodyDiff) -> tuple[type[fragments.BodyDiff], tuple[str | None, str, bool]]:
    return fragments.BodyDiff, (body.title, body.html, body.whole)


# Pickled as a plain tuple (as `Version`, `Edit`, `Event`): a year's first report sends ~45k to its helpers.
# Registered here, not as a method in fragments.py: that file's text is part of the stored diffs' renderer key.
copyreg.pickle(fragments.BodyDiff, _body_diff_as_tuple)


def diff_pairs(versions: Sequence[Version], edits: Sequence[Edit]) -> list[tuple[int, Version, Version]]:
    """The diffs an article page shows, newest first: (index of the version, its base, the version). After a
    revert the edit's base is an older version, not the previous row."""
    edit_of = {e.new_version_id: e for e in edits}
    by_id = {v.version_id: v for v in versions}
    out = []
    for i in reversed(range(1, len(versions))[-MAX_DIFFS_PER_ARTICLE:]):
        edit = edit_of.get(versions[i].version_id)
        base = by_id.get(edit.old_version_id, versions[i - 1]) if edit else versions[i - 1]
        out.append((i, base, versions[i]))
    return out


def _diff_view(i: int, base: Version, version: Version, edit: Edit | None, number: dict[int, int], words: Words,
               stored: Fragments) -> DiffView:
    body = (stored.get((base.version_id, version.version_id))
            or fragments.render(base.title, version.title, base.body, version.body, words.lang))
    return DiffView(i + 1, number[base.version_id], version.seen_at, edit,
                    words.edit_summary(edit) if edit else "", body)


# The article page's repeated parts (events, history rows, diffs, full texts) are put together here rather
# than in Jinja loops and macros: a year's first report writes ~50k of each. Every text is escaped.

def _kind_html(kind: str | None, words: Words) -> str:
    """As the `kind` macro."""
    return f'<span class="kind kind-{_css_name(kind)}">{escape(words.edit_kind(kind))}</span>' if kind else ""


def _events_html(events: Sequence[Event], words: Words) -> Markup:
    out: list[str] = []
    for e in events:
        text = _cut(str(e.detail.get("reason") or e.detail.get("note") or e.detail.get("error") or ""), 300)
        status = f'<span class="status status-{_css_name(e.kind)}">{escape(words.status(e.kind))}</span>'
        out.append(f"<li>{escape(words.when(e.happened_at))} {status} {escape(text)}</li>\n")
    return Markup("".join(out))  # noqa: S704 - every text escaped above


def _history_html(history: Sequence[HistoryRow], words: Words) -> Markup:
    seen, paragraphs, characters, change = (escape(words.t(f"r.col.{name}"))
                                            for name in ("seen", "paragraphs", "characters", "change"))
    first = escape(words.t("r.first_version"))
    out: list[str] = []
    for h in history:
        what = (f"{_kind_html(h.edit.kind, words)} {escape(h.summary)}" if h.edit
                else first if h.number == 1 else "")
        out.append(f'<tr><td class="num" data-label="#"><a href="#v{h.number}">{h.number}</a></td>'
                   f'<td class="when" data-label="{seen}">{escape(words.when(h.version.seen_at))}</td>'
                   f'<td class="title">{escape(h.version.title)}</td>\n'
                   f'<td class="num" data-label="{paragraphs}">{h.version.paragraph_count}</td>'
                   f'<td class="num" data-label="{characters}">{escape(words.count(h.chars))}</td>\n'
                   f'<td data-label="{change}">{what}</td></tr>\n')
    return Markup("".join(out))  # noqa: S704 - every text escaped above


def _diffs_html(diffs: Sequence[DiffView], words: Words) -> Markup:
    out: list[str] = []
    for d in diffs:
        heading = words.t("r.diff_heading", number=d.number, seen=words.when(d.seen_at), base=d.base)
        out.append(f'<article class="diff" id="v{d.number}" data-from="{d.base}" data-to="{d.number}">'
                   f"<h3>{escape(heading)}</h3>\n")
        if d.edit:
            out.append(f'<p class="meta edit-summary">{_kind_html(d.edit.kind, words)} {escape(d.summary)}</p>')
        if d.body.title:  # (an empty diff of two blank titles shows no line)
            out.append(f'<p class="title-diff">{escape(words.t("r.title_label"))} {d.body.title}</p>')
        out.append(f'<div class="body-diff">{d.body.html}</div>\n')
        if d.body.whole:
            out.append(f'<p class="note">{escape(words.t("r.whole_block"))}</p>')
        out.append("</article>\n")
    return Markup("".join(out))  # noqa: S704 - every text escaped above


def _fulltexts_html(fulltexts: Sequence[FullText], words: Words) -> Markup:
    out: list[str] = []
    for f in fulltexts:
        version = f.version
        by = words.t("r.by", authors=", ".join(version.authors)) if version.authors else ""
        summary = words.t("r.version_of", number=f.number, seen=words.when(version.seen_at)) + by
        out.append(f'<details class="fulltext"{" open" if f.open else ""}><summary>{escape(summary)}</summary>'
                   f"<h3>{escape(version.title)}</h3>\n")
        out.extend(f"<p>{escape(p)}</p>" for p in version.body)
        out.append("</details>\n")
    return Markup("".join(out))  # noqa: S704 - every text escaped above


def _article_page(article: Article, versions: Sequence[Version], edits: Sequence[Edit],
                  events: Sequence[Event], words: Words, stored: Fragments | None = None) -> str:
    """An article's page; a diff is taken from `stored` when there, else rendered (from the two bodies,
    which must then be read: every version's but those with a stored diff, the first and the last)."""
    edit_of = {e.new_version_id: e for e in edits}
    history = [HistoryRow(n, v, edit_of.get(v.version_id),
                          words.edit_summary(edit_of[v.version_id]) if v.version_id in edit_of else "",
                          v.characters)
               for n, v in enumerate(versions, start=1)]
    number = {v.version_id: n for n, v in enumerate(versions, start=1)}
    later = range(1, len(versions))
    diffs = [_diff_view(i, base, version, edit_of.get(version.version_id), number, words, stored or {})
             for i, base, version in diff_pairs(versions, edits)]
    fulltexts = [FullText(len(versions), versions[-1], len(versions) == 1)] if versions else []
    if len(versions) > 1:
        fulltexts.append(FullText(1, versions[0], False))
    return _render("article.html", words, a=article, events=events, history=history, diffs=diffs,
                   diffs_total=len(later), event_rows=_events_html(events, words),
                   history_rows=_history_html(history, words),
                   diff_sections=_diffs_html(diffs, words), fulltext_sections=_fulltexts_html(fulltexts, words))


# -- writing -----------------------------------------------------------------------------------

def write_report(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path, *, lang: Language = DEFAULT_LANGUAGE,
                 now: dt.datetime | None = None) -> pathlib.Path:
    """Write index.html (and the article list's further pages) and one page per article of
    interest (or edited article) under `out_dir/articles/`, in `lang`; return the index path.
    Article pages are written only when what they show changed since the last report in this
    folder (see `write_article_pages`). Reads only; `con` may be read-only. DuckDB's memory is capped
    meanwhile (`REPORT_MEMORY_LIMIT`, then reset): uncapped, its cache of what the report read held
    ~150 MB more at the peak of a year's first report (a pass with `[report] out` runs it)."""
    return with_memory_cap(con, REPORT_MEMORY_LIMIT, lambda: _write_report(con, out_dir, lang, now))


def _write_report(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path, lang: Language,
                  now: dt.datetime | None) -> pathlib.Path:
    now = now or dt.datetime.now(dt.UTC)
    words = Words(lang)
    out_dir = pathlib.Path(out_dir)
    pages_dir = out_dir / "articles"
    pages_dir.mkdir(parents=True, exist_ok=True)
    marks = {url_key(m.url): m for m in data.load_page_marks(con)}
    finish: list[Callable[[], None]] = []
    index: list[pathlib.Path] = []

    def meanwhile(pool: concurrent.futures.Executor | None) -> None:  # the rest of the report
        finish.append(_write_stories(con, out_dir, words.lang, pool))
        path, list_pages = _write_index(con, out_dir, set(marks), words, now, pool)
        index.append(path)
        finish.append(list_pages)

    write_article_pages(con, pages_dir, marks, words, meanwhile=meanwhile)
    for step in finish:
        step()
    return index[0]


def _write_stories(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path, lang: Language,
                   pool: concurrent.futures.Executor | None) -> Callable[[], None]:
    """The story pages (beritawatch.stories.page, its own templates), written again only when the
    stories, their members or what the pages are made with changed (`stories/.mark`); with `pool`,
    read here and written by a helper process. Returns what finishes the job (waits for the helper)."""
    mark_file = out_dir / "stories" / STORIES_MARK
    mark = f"{render_key(lang)}:{data.load_stories_mark(con)}"
    try:
        if mark_file.read_text(encoding="utf-8") == mark and (out_dir / "stories" / "index.html").exists():
            return _nothing
    except OSError:
        pass
    written = _hand(pool, write_loaded_story_pages, out_dir, load_story_pages(con, lang), lang)

    def finish() -> None:
        written()
        _write(mark_file, mark)

    return finish


def _hand(pool: concurrent.futures.Executor | None, job: Callable[..., object], *args: Any) -> Callable[[], None]:
    """`job(*args)` handed to a helper process when there is one; returns what waits for it (or, with
    no helper or a broken one, does the job here). The job's own errors are raised by that."""
    future = None
    if pool is not None:
        with contextlib.suppress(BrokenProcessPool, RuntimeError):
            future = pool.submit(job, *args)

    def finish() -> None:
        if future is not None:
            try:
                future.result()
                return
            except BrokenProcessPool:
                pass
        job(*args)

    return finish


def _nothing() -> None:
    pass


@dataclasses.dataclass(frozen=True, slots=True)
class PagesWritten:
    written: int
    kept: int
    removed: int


def write_article_pages(con: duckdb.DuckDBPyConnection, pages_dir: pathlib.Path,
                        marks: dict[str, data.PageMark], words: Words,
                        meanwhile: Callable[[concurrent.futures.Executor | None], None] = lambda pool: None,
                        ) -> PagesWritten:
    """One page per article in `marks` (page key -> the article and the mark of what its page shows).

    The folder's manifest (`.manifest.json`) holds each page's mark from the report that wrote it,
    and a key of everything else a page depends on (the language, Jakarta time, this package's
    code, templates and stylesheet, the message catalogue). A page is rendered again only when its
    mark changed, its file is missing, or that key changed; pages of articles no longer in the
    report are removed. `meanwhile` is called once, with the helper processes when they have the last
    pages to render (they may take more work), else with None after the last page."""
    manifest = pages_dir / MANIFEST
    render = render_key(words.lang)
    known = _read_manifest(manifest, render)
    removed = _remove_stale_pages(pages_dir, marks)
    done = {key: mark for key, mark in known.items()
            if key in marks and marks[key].mark == mark and (pages_dir / f"{key}.html").exists()}
    todo = [(key, m.url) for key, m in marks.items() if key not in done]
    versions = sum(marks[key].versions for key, _ in todo)
    articles = {a.url: a for a in data.load_articles(con, [url for _, url in todo])}
    # Every version's row (no body) in one read: per batch, that read cost more than the rows.
    reader = _Reader(con, articles, data.load_version_rows(con, list(articles)), words.lang, _shared_file(con))
    for keys in _render_batches(reader, _batches(todo, marks), pages_dir, words.lang,
                                parallel=versions >= PARALLEL_FROM):
        if isinstance(keys, _Meanwhile):
            meanwhile(keys.pool)
            continue
        done.update((key, marks[key].mark) for key in keys)
        _write_manifest(manifest, render, done)  # an interrupted report keeps what it wrote
    if not todo and done != known:
        _write_manifest(manifest, render, done)
    return PagesWritten(len(todo), len(marks) - len(todo), removed)


def _batches(todo: Sequence[tuple[str, str]], marks: dict[str, data.PageMark]) -> list[list[tuple[str, str]]]:
    """The pages to write in batches of at most `RENDER_BATCH` articles and about `BATCH_VERSIONS` versions."""
    batches: list[list[tuple[str, str]]] = [[]]
    versions = 0
    for key, url in todo:
        if len(batches[-1]) >= RENDER_BATCH or versions >= BATCH_VERSIONS:
            batches.append([])
            versions = 0
        batches[-1].append((key, url))
        versions += marks[key].versions
    return [batch for batch in batches if batch]


def _remove_stale_pages(pages_dir: pathlib.Path, marks: dict[str, data.PageMark]) -> int:
    """Delete the pages of articles no longer in the report; how many went."""
    removed = 0
    for stale in pages_dir.iterdir():
        if _PAGE_NAME.fullmatch(stale.name) and stale.name[:-5] not in marks:
            stale.unlink()
            removed += 1
    return removed


@dataclasses.dataclass(frozen=True, slots=True)
class _Meanwhile:
    pool: concurrent.futures.Executor | None  # the helper processes, busy with the last pages (None: none)


# Page key and what the page shows: the article, its versions (bodies read only where needed), edits,
# events, and the stored body diffs of its pairs of versions.
PageData = tuple[str, Article, list[Version], list[Edit], list[Event], Fragments]


def _batch_data(con: duckdb.DuckDBPyConnection, articles: dict[str, Article], versions: dict[str, list[Version]],
                lang: Language, batch: Sequence[tuple[str, str]]) -> list[PageData]:
    """A batch's page data (`versions`: the articles' version rows, without bodies). The stored diffs of
    the pairs shown are read, and only the bodies still needed (see `_bodies_needed`)."""
    urls = [url for _, url in batch if url in articles]
    edits = data.load_edits(con, urls)
    events = data.load_events(con, urls)
    pairs = {url: [(base.version_id, new.version_id) for _, base, new in
                   diff_pairs(versions.get(url, []), edits.get(url, []))] for url in urls}
    stored = fragments.read(con, [pair for shown in pairs.values() for pair in shown], lang)
    bodies = data.load_bodies(con, _bodies_needed([versions.get(url, []) for url in urls], pairs.values(), stored))
    return [(key, articles[url], data.with_bodies(versions.get(url, []), bodies), edits.get(url, []),
             events.get(url, []), {pair: stored[pair] for pair in pairs[url] if pair in stored})
            for key, url in batch if url in articles]


@dataclasses.dataclass(frozen=True, slots=True)
class _Reader:
    """Reads a batch's page data: here (`read`), or, when the warehouse is a file opened read-only
    (`shared`), in the helper process that renders the batch (`job`): the report's own process then only
    hands out each batch's articles and version rows, and the helpers read the rest (edits, events,
    stored diffs, bodies) themselves, on the other cores, rather than having it pickled to them."""

    con: duckdb.DuckDBPyConnection
    articles: dict[str, Article]
    versions: dict[str, list[Version]]
    lang: Language
    shared: str | None  # the warehouse file helper processes may open read-only (None: they may not)

    def read(self, batch: Sequence[tuple[str, str]]) -> list[PageData]:
        return _batch_data(self.con, self.articles, self.versions, self.lang, batch)

    def job(self, batch: Sequence[tuple[str, str]], pages_dir: pathlib.Path) -> tuple[Callable[..., list[str]], tuple[
            Any, ...]]:
        """What a helper process is given to write the batch's pages."""
        if self.shared is None:
            return render_pages, (pages_dir, self.read(batch), self.lang)
        urls = [url for _, url in batch]
        return render_shared_batch, (self.shared, pages_dir, {u: self.articles[u] for u in urls if u in self.articles},
                                     {u: self.versions[u] for u in urls if u in self.versions}, batch, self.lang)


def _shared_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse's file when `con` opened it read-only (no writer can then change it meanwhile, and
    other processes may open it read-only too); None for one opened to write, in memory, or not DuckDB's."""
    try:
        row = con.execute("""SELECT path, readonly, type FROM duckdb_databases()
                             WHERE database_name = current_database()""").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row and row[0] and row[1] is True and row[2] == "duckdb" else None


_HELPER_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}  # in a helper process: the warehouse, read-only


def render_shared_batch(path: str, pages_dir: pathlib.Path, articles: dict[str, Article],
                        versions: dict[str, list[Version]], batch: Sequence[tuple[str, str]], lang: Language,
                        ) -> list[str]:
    """In a helper process: read a batch's page data from the warehouse file `path` (read-only, one
    connection per process) and write its pages; their keys. A `duckdb.Error` (the file cannot be
    opened) has the report's process do the batch itself."""
    con = _HELPER_CONNECTIONS.get(path)
    if con is None:
        con = duckdb.connect(path, read_only=True, config={"threads": 1, "memory_limit": REPORT_MEMORY_LIMIT})
        con.execute("SET enable_progress_bar = false")  # a helper prints nothing, whatever the load
        _HELPER_CONNECTIONS[path] = con
    return render_pages(pages_dir, _batch_data(con, articles, versions, lang, batch), lang)


def _bodies_needed(versions: Iterable[Sequence[Version]], pairs: Iterable[Sequence[tuple[int, int]]],
                   stored: Fragments) -> list[int]:
    """The versions whose bodies a batch's pages need: each article's first and last (their full texts)
    and both sides of a diff shown with none stored."""
    needed = {v.version_id for listed in versions for v in (*listed[:1], *listed[-1:])}
    needed.update(version_id for shown in pairs for pair in shown if pair not in stored for version_id in pair)
    return sorted(needed)


def render_pages(pages_dir: pathlib.Path, pages: Sequence[PageData], lang: Language) -> list[str]:
    """Render and write article pages (in a helper process when there are many); their keys."""
    words = Words(lang)
    for key, article, versions, edits, events, stored in pages:
        _write(pages_dir / f"{key}.html", _article_page(article, versions, edits, events, words, stored))
    return [key for key, *_ in pages]


def _render_batches(reader: _Reader, batches: Sequence[Sequence[tuple[str, str]]], pages_dir: pathlib.Path,
                    lang: Language, *, parallel: bool) -> Iterator[list[str] | _Meanwhile]:
    """Each batch's data read here, its pages rendered here, or, for a large report (the first one,
    another language, a new version of the report), by helper processes on the other cores while
    the next batch is read. Yields the keys of each batch written, and `_Meanwhile` once: when the
    helpers have the last batches (else at the end), so the caller can do other work meanwhile."""
    helpers = min(MAX_HELPERS, os.cpu_count() or 1)
    finished, told = 0, False
    if parallel and helpers >= 2:
        context = multiprocessing.get_context("spawn")  # no fork: the parent holds DuckDB's threads
        try:
            with concurrent.futures.ProcessPoolExecutor(helpers, mp_context=context) as pool:
                pending: collections.deque[tuple[Sequence[tuple[str, str]], concurrent.futures.Future[list[str]]]]
                pending = collections.deque()
                for batch in batches:
                    job, args = reader.job(batch, pages_dir)
                    pending.append((batch, pool.submit(job, *args)))
                    if len(pending) > helpers:  # bounded: at most a batch per helper waits in memory
                        yield _written(reader, pages_dir, lang, *pending.popleft())
                        finished += 1
                told = True
                yield _Meanwhile(pool)
                while pending:
                    yield _written(reader, pages_dir, lang, *pending.popleft())
                    finished += 1
        except (BrokenProcessPool, OSError):  # helpers could not start (e.g. a calling script without a main guard)
            pass
    for batch in batches[finished:]:
        yield render_pages(pages_dir, reader.read(batch), lang)
    if not told:
        yield _Meanwhile(None)


def _written(reader: _Reader, pages_dir: pathlib.Path, lang: Language, batch: Sequence[tuple[str, str]],
             future: concurrent.futures.Future[list[str]]) -> list[str]:
    """The keys of a batch a helper wrote; when it could not read the warehouse, the batch is done here."""
    try:
        return future.result()
    except duckdb.Error:
        return render_pages(pages_dir, reader.read(batch), lang)


def _sources_digest() -> str:
    """This package's code, templates and stylesheet, the message catalogue and the edit wording."""
    digest = hashlib.sha256()
    stories = pathlib.Path(inspect.getfile(write_story_pages)).parent
    files = [*sorted(_HERE.glob("*.py")), *sorted((_HERE / "templates").iterdir()), _HERE / "style.css",
             pathlib.Path(i18n.__file__), pathlib.Path(inspect.getfile(describe_edit)),
             *sorted(stories.glob("*.py")), *sorted((stories / "templates").iterdir())]
    for path in files:
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


_SOURCES_DIGEST = _sources_digest()


def render_key(lang: Language) -> str:
    """What every article page depends on besides its own data: when it changes, all are rewritten."""
    key = f"{lang}|{WIB.tzname(None)}|{WIB.utcoffset(None)}|{_SOURCES_DIGEST}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _read_manifest(path: pathlib.Path, render: str) -> dict[str, str]:
    """The marks of the pages a report wrote with `render`; empty when absent, unreadable or other."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("render") != render or not isinstance(found.get("pages"), dict):
        return {}
    return {str(key): str(mark) for key, mark in found["pages"].items()}


def _write_manifest(path: pathlib.Path, render: str, marks: dict[str, str]) -> None:
    _write(path, json.dumps({"render": render, "pages": marks}, sort_keys=True, separators=(",", ":")))


def _write(path: pathlib.Path, text: str) -> None:
    """Replace the file atomically, and not at all when it already holds this text."""
    encoded = text.encode("utf-8")
    try:
        if path.stat().st_size == len(encoded) and path.read_bytes() == encoded:
            return
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(encoded)
    os.replace(tmp, path)
