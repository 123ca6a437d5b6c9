"""The story pages of the report: each story's members on a timeline and, side by side, what
one outlet says that the first one does not. Jinja2 templates with autoescaping (every text is
scraped, untrusted), no script, a Content-Security-Policy allowing only the pages' own style.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import jinja2
from markupsafe import Markup

from beritawatch import i18n
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from beritawatch.stories import texts

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222}
table{border-collapse:collapse;width:100%;margin:8px 0 20px}th,td{border-bottom:1px solid #ddd;padding:6px;
text-align:left;vertical-align:top}.meta{color:#666}.url{color:#666;word-break:break-all}
.side td{width:45%}.side td:first-child{width:10%}.kind-added td:last-child{background:#e6f4ea}
.kind-missing td:nth-child(2){background:#fce8e6}.kind-changed td{background:#fff8e1}
.kind-edited_after td{background:#e8f0fe}svg.timeline{width:100%;max-width:600px}
.axis{stroke:#999}.tick{stroke:#ccc}.dot{fill:#1d5aa6}.dot.role-first{fill:#c5221f}
text{font-size:10px;fill:#333}"""
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; script-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")
# Our own constants, inserted verbatim: the style's hash in the CSP must match its exact text.
_CSS, _CSP = Markup(CSS), Markup(CSP)

# A story of very many members (a synthetic corpus makes one of 1,471, with 94k difference rows: a
# 37 MB page) would make a page nobody can read: its differences are shown for the first members
# (by URL) and the first rows of each; the page says how many are left out and where they are (SQL).
DIFF_MEMBERS = 100  # members whose differences a story page shows
DIFF_ROWS = 30  # difference rows shown per member

_env = jinja2.Environment(loader=jinja2.PackageLoader("beritawatch.stories", "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB") if value else "?"


def _link(url: str) -> str | None:
    return url if url.startswith(("https://", "http://")) else None


@dataclasses.dataclass(frozen=True, slots=True)
class StoryPage:
    story_id: int
    title: str
    portals: str
    started: str
    members: list[dict[str, Any]]
    differences: list[dict[str, Any]]  # per member (at most DIFF_MEMBERS): its rows (at most DIFF_ROWS), "more"
    hidden_members: int = 0  # members with differences not shown
    hidden_rows: int = 0  # their rows


def load_story(con: duckdb.DuckDBPyConnection, story_id: int, lang: Language = DEFAULT_LANGUAGE) -> StoryPage:
    """What the story page shows, read from the story views."""
    title, portals, started = con.execute(
        "SELECT title, portals, started FROM stories WHERE story_id = ?", [story_id]).fetchone() or ("", "", None)
    rows = con.execute("""SELECT url, portal, title, role, similarity, published_or_seen FROM story_members
                          WHERE story_id = ? ORDER BY published_or_seen, url""", [story_id]).fetchall()
    differences, hidden_members, hidden_rows = _differences(con, story_id, lang)
    return StoryPage(story_id, title or "", portals or "", _when(started), _members(rows, lang),
                     differences, hidden_members, hidden_rows)


def _members(rows: Sequence[tuple[Any, ...]], lang: Language) -> list[dict[str, Any]]:
    """The members as the page shows them, each with its place on the timeline."""
    times = [r[5] for r in rows if r[5] is not None]
    place = _timeline(times)
    return [{"url": url, "link": _link(url), "portal": portal or "?", "title": member_title or url,
             "role": role, "role_label": texts.role_label(role, lang),
             "similarity": f"{similarity:.2f}" if similarity is not None else "",
             "when": _when(at), "x": round(place(at), 1), "anchor": "end" if place(at) > 450 else "start"}
            for url, portal, member_title, role, similarity, at in rows]


def _timeline(times: Sequence[dt.datetime]) -> Callable[[dt.datetime | None], float]:
    """The x position (20..580) of a moment on a timeline spanning `times` (20 for an unknown one)."""
    start = min(times) if times else None
    span = (max(times) - min(times)).total_seconds() if times else 0

    def x(at: dt.datetime | None) -> float:
        return 20 + (560 * (at - start).total_seconds() / span if span and at and start else 0)

    return x


def _differences(con: duckdb.DuckDBPyConnection, story_id: int,
                 lang: Language) -> tuple[list[dict[str, Any]], int, int]:
    """The drift rows of a story, grouped per member: at most `DIFF_ROWS` of `DIFF_MEMBERS` members,
    each group with how many of its rows are not shown; and the members and rows left out."""
    groups: dict[str, dict[str, Any]] = {}
    for url, portal, ref_portal, kind, text, other, reasons, facts, total in con.execute(
            """WITH d AS (SELECT * FROM story_differences WHERE story_id = $story),
                    m AS (SELECT url, count(*) AS total FROM d GROUP BY url ORDER BY url LIMIT $members)
               SELECT url, portal, reference_portal, kind, text, other_text, reasons, new_facts, total
               FROM (SELECT d.*, m.total,
                            row_number() OVER (PARTITION BY d.url ORDER BY kind, happened_at, text, other_text) AS n
                     FROM d JOIN m ON m.url = d.url)
               WHERE n <= $rows ORDER BY url, n""",
            {"story": story_id, "members": DIFF_MEMBERS, "rows": DIFF_ROWS}).fetchall():
        more = total - min(total, DIFF_ROWS)
        group = groups.setdefault(url, {"portal": portal, "reference_portal": ref_portal or "", "rows": [],
                                        "more": more,
                                        "more_note": i18n.t("story.page.more_rows", lang, n=more) if more else ""})
        group["rows"].append({
            "kind": kind, "label": texts.difference_label(kind, lang), "text": text or "",
            "other_text": other or "", "facts": ", ".join(facts or []),
            "reasons": ", ".join(texts.reason_label(r, lang) for r in reasons or [])})
    hidden_members = hidden_rows = 0
    if len(groups) >= DIFF_MEMBERS:
        members, rows = con.execute("SELECT count(DISTINCT url), count(*) FROM story_differences WHERE story_id = ?",
                                    [story_id]).fetchone() or (0, 0)
        hidden_members = members - len(groups)
        hidden_rows = rows - sum(len(g["rows"]) + g["more"] for g in groups.values())
    return list(groups.values()), hidden_members, hidden_rows


def render_story(page: StoryPage, lang: Language = DEFAULT_LANGUAGE) -> str:
    """One story's page as HTML."""
    hidden = (i18n.t("story.page.more_members", lang, members=page.hidden_members, n=page.hidden_rows,
                     story=page.story_id) if page.hidden_members else "")
    return _env.get_template("story.html.j2").render(story=page, labels=texts.page_labels(lang), lang=lang,
                                                      css=_CSS, csp=_CSP, hidden=hidden)


def render_story_index(stories: Sequence[dict[str, Any]], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The list of stories as HTML."""
    return _env.get_template("stories.html.j2").render(stories=stories, labels=texts.page_labels(lang), lang=lang,
                                                        css=_CSS, csp=_CSP)


StoryPages = tuple[list[tuple[str, StoryPage]], list[dict[str, Any]]]  # (file name, page) each, the index's rows


def load_story_pages(con: duckdb.DuckDBPyConnection, lang: Language = DEFAULT_LANGUAGE) -> StoryPages:
    """What `write_story_pages` writes, read from the warehouse (written by `write_loaded_story_pages`,
    which needs no connection: the report hands it to a helper process on a big report)."""
    pages, listed = [], []
    for story_id, title, portals, started, differences in con.execute(
            "SELECT story_id, title, portals, started, differences FROM stories ORDER BY started DESC").fetchall():
        name = f"story-{story_id}.html"
        pages.append((name, load_story(con, story_id, lang)))
        listed.append({"page": name, "title": title or "", "portals": portals, "started": _when(started),
                       "differences": differences})
    return pages, listed


def write_loaded_story_pages(out_dir: pathlib.Path, loaded: StoryPages,
                             lang: Language = DEFAULT_LANGUAGE) -> pathlib.Path:
    """Write `out_dir/stories/index.html` and one page per story from `load_story_pages`; the index path."""
    folder = pathlib.Path(out_dir) / "stories"
    folder.mkdir(parents=True, exist_ok=True)
    pages, listed = loaded
    for name, page in pages:
        _write(folder / name, render_story(page, lang))
    index = folder / "index.html"
    _write(index, render_story_index(listed, lang))
    return index


def write_story_pages(con: duckdb.DuckDBPyConnection, out_dir: pathlib.Path,
                      lang: Language = DEFAULT_LANGUAGE) -> pathlib.Path:
    """Write `out_dir/stories/index.html` and one page per story; return the index path."""
    return write_loaded_story_pages(out_dir, load_story_pages(con, lang), lang)


def _write(path: pathlib.Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
