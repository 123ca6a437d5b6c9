"""Replica pages rendered from a portal pack's own data: an article page built from the pack's title and
body selectors, and index pages built from its index layouts. A portal added as one folder is served by
the replica without a renderer of its own; the four original portals keep their hand-made renderers.

The markup is the smallest a selector matches: "div.read__content" becomes <div class="read__content">,
"#penulis a" becomes <div id="penulis"><a>...</a></div>, "ul.lsi > li" becomes <ul class="lsi"><li>.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence

from beritawatch.testing.replica import feeds
from parsers.pack import IndexLayout, Pack, Source

WIB = dt.timezone(dt.timedelta(hours=7))
_COMPOUND = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<rest>(?:[.#][\w-]+|\[[^\]]+\])*)$", re.I)
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:=[\"']?([^\]\"']*)[\"']?)?\]")
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _compounds(selector: str) -> list[str] | None:
    """The compound selectors of one plain chain ("div.a > p" -> ["div.a", "p"]); None when the chain uses
    what markup cannot be built from (sibling combinators, pseudo-classes)."""
    if any(mark in selector for mark in ("+", "~", ":", "*")):
        return None
    parts = selector.replace(">", " ").split()
    return parts if parts and all(_COMPOUND.match(part) for part in parts) else None


def element(selector: str, inner: str, attrs: dict[str, str] | None = None) -> str:
    """The smallest markup `selector` (its first buildable alternative) matches, around `inner`;
    `attrs` go on the innermost element."""
    chain = next((c for c in (_compounds(alt.strip()) for alt in selector.split(",")) if c), None)
    if chain is None:
        raise ValueError(f"cannot build markup for the selector {selector!r}")
    out = inner
    for depth, compound in enumerate(reversed(chain)):
        m = _COMPOUND.match(compound)
        assert m is not None  # _compounds checked every part
        tag = m.group("tag") or "div"
        classes: list[str] = []
        found: dict[str, str] = {}
        for mark, name, attr, value in _PART.findall(m.group("rest")):
            if mark == ".":
                classes.append(name)
            elif mark == "#":
                found["id"] = name
            else:
                found[attr] = value
        if classes:
            found["class"] = " ".join(classes)
        if depth == 0 and attrs:
            found.update(attrs)
        rendered = "".join(f' {k}="{_e(v)}"' for k, v in found.items())
        out = f"<{tag}{rendered}>{out}</{tag}>"
    return out


def indonesian_date(when: dt.datetime) -> str:
    """"Senin, 16 Juni 2025 10:15 WIB"."""
    w = when.astimezone(WIB)
    return f"{_DAYS[w.weekday()]}, {w.day} {_MONTHS[w.month - 1]} {w.year} {w:%H:%M} WIB"


def article_page(pack: Pack, url: str, title: str, author: str, published: dt.datetime,
                 updated: dt.datetime, paragraphs: Sequence[str]) -> str:
    """An article page in the pack's markup: its title and body selectors, NewsArticle JSON-LD for the
    byline and dates (every parser reads JSON-LD when its own byline selectors find nothing)."""
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": published.isoformat(), "dateModified": updated.isoformat(),
        "author": [{"@type": "Person", "name": author}],
    }
    script = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n<title>{_e(title)}</title>\n'
            f'<meta property="og:type" content="article">\n<link rel="canonical" href="{_e(url)}">\n'
            f'<script type="application/ld+json">{script}</script>\n</head>\n<body>\n'
            f'<nav class="menu"><a href="/">Beranda</a> <a href="/tag/korea-utara">Korea Utara</a></nav>\n'
            f"{element(pack.selectors.title[0], _e(title))}\n"
            f"{element(pack.selectors.body[0], body)}\n"
            '<footer><a href="/kontak">Kontak</a></footer>\n</body>\n</html>\n')


def index_page(layout: IndexLayout, items: Sequence[feeds.Item], page_url: str) -> str:
    """An index page listing `items` in `layout`'s markup."""
    cards = []
    for url, headline, published in items:
        link = element(layout.link, _e(headline), {"href": url})
        inner = element(layout.title, link) if layout.title else link
        if layout.time_text:
            inner += element(layout.time_text, _e(indonesian_date(published)))
        if layout.time_attr:
            selector, attr = layout.time_attr
            inner += element(selector, "", {attr: str(int(published.timestamp()))})
        cards.append(element(layout.item, inner))
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n<title>Indeks Berita</title>\n'
            f'<link rel="canonical" href="{_e(page_url)}">\n</head>\n<body>\n'
            '<nav class="menu"><a href="/">Beranda</a> <a href="/tag/korea-utara">Korea Utara</a></nav>\n'
            + "\n".join(cards) + "\n</body>\n</html>\n")


def source_body(pack: Pack, source: Source, items: Sequence[feeds.Item]) -> tuple[str, str]:
    """(body, content type) of one of the pack's discovery sources listing `items`."""
    if source.kind == "rss":
        return feeds.rss(items, link=f"https://www.{pack.domain}/"), feeds.CONTENT_TYPES["rss"]
    if source.kind == "atom":
        return feeds.atom(items, feed_id=f"https://www.{pack.domain}/"), feeds.CONTENT_TYPES["atom"]
    if source.kind == "sitemap":
        return feeds.sitemap(items), feeds.CONTENT_TYPES["sitemap"]
    if source.kind == "index" and pack.index_layouts:
        return index_page(pack.index_layouts[0], items, source.url), "text/html; charset=utf-8"
    raise ValueError(f"the replica cannot render {pack.name}'s {source.kind} source {source.url}")
