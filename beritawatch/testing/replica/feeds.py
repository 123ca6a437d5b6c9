"""Render discovery sources the replica serves: feeds, sitemaps, index pages, a Nuxt payload.

Each renderer takes `(url, title, published)` items (newest first, `published` timezone-aware)
and writes them in the shape the real portal uses, in our own markup. Serve them with
`Replica.put(url, body, content_type)`; `CONTENT_TYPES` gives the type for each renderer.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit

Item = tuple[str, str, dt.datetime]
WIB = dt.timezone(dt.timedelta(hours=7))

_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember")

CONTENT_TYPES: dict[str, str] = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "google_news_sitemap": "application/xml; charset=utf-8",
    "sitemap": "application/xml; charset=utf-8",
    "sitemap_index": "application/xml; charset=utf-8",
    "detik_index": "text/html; charset=utf-8",
    "tribun_index": "text/html; charset=utf-8",
    "republika_index": "text/html; charset=utf-8",
    "tempo_payload": "application/json",
}


def _wib(when: dt.datetime) -> dt.datetime:
    return when.astimezone(WIB)


def _indonesian(when: dt.datetime) -> str:
    """"Jumat, 24 Juli 2026 17:25 WIB", as Tribun prints it."""
    w = _wib(when)
    return f"{_DAYS[w.weekday()]}, {w.day} {_MONTHS[w.month - 1]} {w.year} {w:%H:%M} WIB"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss(items: Sequence[Item], *, title: str = "Berita Terbaru", link: str = "https://news.detik.com/",
        links_to: str | None = None) -> str:
    """An RSS 2.0 feed; `links_to` points every item's link there (Tribun's broken 2026 RSS)."""
    entries = []
    for n, (url, headline, published) in enumerate(items, 1):
        target = links_to or url
        guid = (f'<guid isPermaLink="false">item-{n}</guid>' if links_to
                else f'<guid isPermaLink="true">{escape(url)}</guid>')
        entries.append(
            "    <item>\n"
            f"      <title>{escape(headline)}</title>\n"
            f"      <link>{escape(target)}</link>\n"
            f"      {guid}\n"
            f"      <pubDate>{email.utils.format_datetime(_wib(published))}</pubDate>\n"
            f"      <description>{escape('Ringkasan: ' + headline)}</description>\n"
            "    </item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n  <channel>\n'
            f"    <title>{escape(title)}</title>\n    <link>{escape(link)}</link>\n"
            "    <description>Berita terbaru hari ini</description>\n    <language>id</language>\n"
            + "\n".join(entries) + "\n  </channel>\n</rss>\n")


def atom(items: Sequence[Item], *, title: str = "Berita Terbaru", feed_id: str = "https://www.tempo.co/") -> str:
    """An Atom 1.0 feed."""
    newest = max((published for _, _, published in items), default=dt.datetime(2026, 1, 1, tzinfo=WIB))
    entries = [
        "  <entry>\n"
        f"    <title>{escape(headline)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>\n'
        f"    <id>{escape(url)}</id>\n"
        f"    <published>{_wib(published).isoformat()}</published>\n"
        f"    <updated>{_wib(published).isoformat()}</updated>\n"
        "  </entry>"
        for url, headline, published in items
    ]
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>{escape(title)}</title>\n  <id>{escape(feed_id)}</id>\n"
            f'  <link rel="self" href="{escape(feed_id)}"/>\n  <updated>{_wib(newest).isoformat()}</updated>\n'
            + "\n".join(entries) + "\n</feed>\n")


def google_news_sitemap(items: Sequence[Item], *, publication: str = "Tribunnews", language: str = "id") -> str:
    """A Google News sitemap (Tribun's `{section}/sitemap-news.xml`, detik's `sitemap_news.xml`)."""
    urls = [
        "  <url>\n"
        f"    <loc>{_cdata(url)}</loc>\n"
        "    <news:news>\n      <news:publication>\n"
        f"        <news:name>{_cdata(publication)}</news:name>\n"
        f"        <news:language>{language}</news:language>\n      </news:publication>\n"
        f"      <news:publication_date>{_wib(published).isoformat()}</news:publication_date>\n"
        f"      <news:title>{_cdata(headline)}</news:title>\n"
        "    </news:news>\n  </url>"
        for url, headline, published in items
    ]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(urls) + "\n</urlset>\n")


def sitemap(items: Sequence[Item]) -> str:
    """A plain sitemap: `<loc>` and `<lastmod>` only (titles are not part of the format)."""
    urls = [f"  <url>\n    <loc>{escape(url)}</loc>\n    <lastmod>{_wib(published).isoformat()}</lastmod>\n  </url>"
            for url, _, published in items]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(urls) + "\n</urlset>\n")


def sitemap_index(sitemaps: Sequence[tuple[str, dt.datetime]]) -> str:
    """A sitemap index listing child sitemaps with their last change."""
    entries = [f"  <sitemap>\n    <loc>{escape(url)}</loc>\n"
               f"    <lastmod>{_wib(when).isoformat()}</lastmod>\n  </sitemap>"
               for url, when in sitemaps]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(entries) + "\n</sitemapindex>\n")


def _page(title: str, body: str, canonical: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title)}</title>\n<link rel=\"canonical\" href=\"{escape(canonical)}\">\n"
            "</head>\n<body>\n<nav class=\"menu\"><a href=\"/\">Beranda</a> "
            "<a href=\"/internasional\">Internasional</a> "
            f"<a href=\"/tag/korea-utara\">Korea Utara</a></nav>\n{body}\n"
            "<footer><a href=\"/kontak\">Kontak</a> <a href=\"/pedoman-media-siber\">Pedoman Media Siber</a></footer>\n"
            "</body>\n</html>\n")


def detik_index(items: Sequence[Item]) -> str:
    """detik's `/indeks` page: `article.list-content__item` cards with unix time in `d-time`."""
    cards = []
    for url, headline, published in items:
        stamp = int(published.timestamp())
        w = _wib(published)
        cards.append(
            '    <article class="list-content__item">\n'
            '      <div class="media media--left media--image-radius block-link">\n'
            f'        <div class="media__image"><a href="{escape(url)}" class="media__link" '
            f'dtr-evt="indeks" dtr-ttl="{escape(headline)}"><span class="ratiobox">'
            f'<img src="https://akcdn.detik.net.id/community/media/visual/{w:%Y/%m/%d}/foto.jpeg" '
            f'alt="{escape(headline)}"></span></a></div>\n'
            '        <div class="media__text">\n'
            f'          <h3 class="media__title"><a href="{escape(url)}" class="media__link">'
            f'{escape(headline)}</a></h3>\n'
            f'          <div class="media__date"><span d-time="{stamp}" '
            f'title="{_DAYS[w.weekday()]}, {w:%d} {_MONTHS[w.month - 1][:3]} {w.year} {w:%H:%M} WIB">'
            f'{w:%H:%M} WIB</span></div>\n'
            "        </div>\n      </div>\n    </article>")
    body = ('<div class="container"><h1 class="page__title">Indeks Berita</h1>\n'
            '  <div class="list-content">\n' + "\n".join(cards) + "\n  </div>\n"
            '  <div class="pagination"><a class="pagination__item" href="/indeks?page=2">2</a></div>\n</div>')
    return _page("Indeks Berita detikNews", body, "https://news.detik.com/indeks")


def tribun_index(items: Sequence[Item]) -> str:
    """Tribun's `/index-news` page: `ul.lsi` items, a topic link over each headline."""
    rows = []
    for url, headline, published in items:
        section = urlsplit(url).path.strip("/").split("/")[0] or "berita"
        rows.append(
            '        <li class="ptb15">\n'
            f'          <time class="grey">{_indonesian(published)}</time>\n'
            f'          <h4 class="red fbo2 f14"><a href="https://www.tribunnews.com/topic/{escape(section)}">'
            f'{escape(section.title())}</a></h4>\n'
            f'          <h3 class="f16 fbo"><a href="{escape(url)}" title="{escape(headline)}">'
            f'{escape(headline)}</a></h3>\n'
            "        </li>")
    body = ('<div class="content"><div class="p2030">\n'
            '  <div class="pt10"><span class="fbo f14 pr20">Halaman 1</span></div>\n'
            '  <div class="pt10 pb10">\n      <ul class="lsi">\n' + "\n".join(rows) + "\n      </ul>\n  </div>\n"
            '  <div class="paging"><a href="/index-news?page=2">Berikutnya</a></div>\n</div></div>')
    return _page("Indeks Berita Terbaru Hari Ini - Tribunnews.com", body, "https://www.tribunnews.com/index-news")


def _ago(published: dt.datetime, now: dt.datetime) -> str:
    seconds = max(0, int((now - published).total_seconds()))
    for unit, size in (("hari", 86400), ("jam", 3600), ("menit", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} yang lalu"
    return f"{seconds} detik yang lalu"


def republika_index(items: Sequence[Item], *, now: dt.datetime | None = None) -> str:
    """Republika's `/indeks` page: each card one link; the date relative to `now` when given."""
    cards = []
    for url, headline, published in items:
        kanal = urlsplit(url).hostname or ""
        kanal = kanal.split(".")[0].title() if kanal.count(".") > 2 else "News"
        when = _ago(published, now) if now is not None else _indonesian(published)
        cards.append(
            '      <li class="list-group-item list-border conten1">\n'
            f'        <a href="{escape(url)}">\n'
            '          <div class="col-md-3"><div class="thumbnail"><div class="image">'
            f'<img class="lazy" alt="{escape(headline)}" src="https://static.republika.co.id/placeholder.webp">'
            "</div></div></div>\n"
            '          <div class="col-md-9"><div class="caption">\n'
            f'            <div class="date"><span class="kanal-info">{escape(kanal)}</span> - {when}</div>\n'
            f"            <h3><span>{escape(headline)}</span></h3>\n"
            "          </div></div>\n        </a>\n      </li>")
    body = ('<div class="container-lit">\n    <ul class="list-group wrap-latest">\n' + "\n".join(cards) +
            '\n      <li class="list-group-item list-border wrap-loadmore"><div class="read-more">'
            '<a class="paging btn btn-danger" data-offset="50">Next</a></div></li>\n    </ul>\n</div>')
    return _page("Indeks Berita | Republika Online", body, "https://www.republika.co.id/indeks")


@dataclasses.dataclass(frozen=True)
class _Revive:
    """A devalue reviver entry, e.g. ["ShallowReactive", ref]."""

    name: str
    value: Any


def _devalue(root: Any) -> list[Any]:
    """Flatten like Nuxt's devalue: one array; objects and arrays refer to entries by index."""
    out: list[Any] = []
    memo: dict[tuple[str, Any], int] = {}

    def add(value: Any) -> int:
        key = None if isinstance(value, (dict, list, _Revive)) else (type(value).__name__, value)
        if key is not None and key in memo:
            return memo[key]
        index = len(out)
        out.append(None)
        if isinstance(value, dict):
            out[index] = {name: add(item) for name, item in value.items()}
        elif isinstance(value, list):
            out[index] = [add(item) for item in value]
        elif isinstance(value, _Revive):
            out[index] = [value.name, add(value.value)]
        else:
            out[index] = value
        if key is not None:
            memo[key] = index
        return index

    add(root)
    return out


def tempo_payload(items: Sequence[Item], *, rubric: str = "internasional") -> str:
    """Tempo's `/{rubrik}/_payload.json`: a devalue-flattened Nuxt payload of the rubric's list.

    Article URLs are written as site-relative paths, as Tempo does ("ekonomi/slug-9100001").
    """
    articles = []
    for n, (url, headline, published) in enumerate(items):
        path = urlsplit(url).path.strip("/")
        ident = path.rsplit("-", 1)[-1]
        articles.append({
            "id": int(ident) if ident.isdigit() else 9_000_000 + n,
            "access": "FREE",
            "content_category": "berita",
            "title_digital": headline,
            "title_seo": "",
            "description": f"Ringkasan: {headline}",
            "canonical_url": path,
            "feature_image": f"https://statik.tempo.co/data/{_wib(published):%Y/%m/%d}/id_{n}/{n}_720.jpg",
            "published_at": f"{_wib(published):%Y-%m-%d %H:%M:%S}",
            "status": "published",
            "paragraphs": [],
        })
    content = {"response_code": 200, "status": True, "message": "Successfully get Rubric Content",
               "data": articles}
    state = {"homepage-settings-trending-page-default": {"response_code": 200, "status": True,
                                                         "message": "Successfully get Home Page Setting",
                                                         "data": {"latest": []}},
             f"rubric-content-{rubric}": content}
    return json.dumps(_devalue({"data": _Revive("ShallowReactive", state), "prerenderedAt": 0}),
                      ensure_ascii=False, separators=(",", ":"))
