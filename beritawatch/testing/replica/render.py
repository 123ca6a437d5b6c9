"""Render replica article pages in each portal's markup shape, split into pages the portal's way."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence

from beritawatch.testing.replica import packpages
from parsers.portals import BY_NAME

WIB = dt.timezone(dt.timedelta(hours=7))

_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")
_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

# "Jakarta - ..." (detik), "TRIBUNNEWS.COM - ..." (Tribun), "REPUBLIKA.CO.ID, JAKARTA -- ..."
_DATELINE = re.compile(r"^([A-Z][\w.,() ]{1,40}?) (-{1,2}|\u2013|\u2014) (?=\S)")


@dataclasses.dataclass
class ArticleSpec:
    """An article as the replica serves it; the replica renders it in its portal's markup."""

    url: str  # the real, canonical article URL (https://news.detik.com/...)
    portal: str  # "detik", "tribun", "republika", "tempo"; other packs' pages are built from their selectors
    title: str
    author: str
    published: dt.datetime  # timezone-aware
    paragraphs: list[str]
    pages: int = 1  # how many pages the portal splits it into
    noise: bool = True  # add the portal's ads, "Baca juga" boxes, tags ...
    editor: str = ""  # shown as the editor where the portal has one
    desk: str = ""  # detik's trailing desk initials, e.g. "nvc/ita"
    updated: dt.datetime | None = None  # timezone-aware; defaults to `published`


def _portal(spec: ArticleSpec) -> str:
    return "tribun" if spec.portal in ("tribun", "tribunnews") else spec.portal


def _page_count(spec: ArticleSpec) -> int:
    if _portal(spec) not in ("detik", "tribun"):
        return 1
    return max(1, min(spec.pages, len(spec.paragraphs)))


def page_urls(spec: ArticleSpec) -> list[str]:
    """Every URL under which the replica serves this article (page 1 first)."""
    n = _page_count(spec)
    if n == 1:
        return [spec.url]
    base = spec.url.rstrip("/")
    if _portal(spec) == "detik":
        return [spec.url, *(f"{base}/{i}" for i in range(2, n + 1)), f"{base}?single=1"]
    return [spec.url, *(f"{base}?page={i}" for i in range(2, n + 1)), f"{base}?page=all"]


def _which_page(spec: ArticleSpec, url: str) -> int | None:
    """1..N for a page, 0 for the whole-article variant, None when `url` is not this article's."""
    want = urllib.parse.urlsplit(url)
    for i, candidate in enumerate(page_urls(spec)):
        got = urllib.parse.urlsplit(candidate)
        if (got.netloc.lower(), got.path.rstrip("/"), got.query) == (
            want.netloc.lower(), want.path.rstrip("/"), want.query
        ):
            n = _page_count(spec)
            return 0 if n > 1 and i == n else i + 1
    return None


def _chunks(paragraphs: Sequence[str], n: int) -> list[list[str]]:
    size, extra = divmod(len(paragraphs), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(list(paragraphs[start:end]))
        start = end
    return out


def _split_dateline(paragraph: str) -> tuple[str, str, str]:
    """("Jakarta", "-", "Seorang ...") or ("", "", paragraph)."""
    m = _DATELINE.match(paragraph)
    if not m:
        return "", "", paragraph
    return m.group(1), m.group(2), paragraph[m.end():]


def _e(text: str) -> str:
    """HTML-escaped text (quotes too, for attributes)."""
    return html.escape(text, quote=True)


def _jsonld(data: dict[str, object]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _related(spec: ArticleSpec, k: int) -> tuple[str, str]:
    """A made-up related article (url, title) on the same host."""
    parts = urllib.parse.urlsplit(spec.url)
    titles = ("Harga Cabai di Pasar Induk Turun Jelang Akhir Pekan",
              "Warga Bantaran Kali Gotong Royong Bersihkan Sampah",
              "Jadwal Kereta Tambahan untuk Libur Panjang Dirilis",
              "Cuaca Cerah Berawan Diprakirakan hingga Sore Hari")
    title = titles[k % len(titles)]
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{parts.scheme}://{parts.netloc}/berita/{9000000 + k}/{slug}", title


def _head(title: str, canonical: str, meta: Sequence[tuple[str, str, str]], ld: dict[str, object]) -> str:
    metas = "\n".join(f'<meta {kind}="{_e(name)}" content="{_e(value)}" />' for kind, name, value in meta)
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8" />\n'
            f"<title>{_e(title)}</title>\n{metas}\n"
            f'<link rel="canonical" href="{_e(canonical)}" />\n{_jsonld(ld)}\n</head>\n')


def _news_ld(spec: ArticleSpec, authors: Sequence[str], extra: dict[str, object] | None = None) -> dict[str, object]:
    updated = spec.updated or spec.published
    ld: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": spec.url},
        "headline": spec.title,
        "datePublished": spec.published.isoformat(),
        "dateModified": updated.isoformat(),
        "author": [{"@type": "Person", "name": a} for a in authors],
    }
    ld.update(extra or {})
    return ld


# --- detik ---------------------------------------------------------------------------------------

def _detik_date(when: dt.datetime) -> str:
    w = when.astimezone(WIB)
    return f"{_DAYS[w.weekday()]}, {w.day:02d} {_MONTHS_SHORT[w.month - 1]} {w.year} {w:%H:%M} WIB"


def _render_detik(spec: ArticleSpec, page: int) -> str:
    n = _page_count(spec)
    chunks = _chunks(spec.paragraphs, n)
    paras = list(spec.paragraphs) if page == 0 else chunks[page - 1]
    out = [_detik_head(spec, n), "<body>\n"]
    if spec.noise:
        out.append('<div id="megabillboard-desktop" class="megabillboard"><div id="div-gpt-ad-1001-0"></div></div>\n')
    out.append(_detik_header(spec))
    if spec.noise:
        out.append('<div class="detail__media"><figure class="detail__media-image"><img src="/foto.jpg" alt="foto" />'
                   '<figcaption class="detail__media-caption">Ilustrasi. (Foto: Dok. Replika)</figcaption>'
                   '</figure></div>\n')
    out.append('<div class="detail__body itp_bodycontent_wrapper">\n<div class="detail__body-text itp_bodycontent">\n')
    out.extend(_detik_paragraphs(spec, paras, first_of_article=page in (0, 1)))
    out.append("\n")
    out.extend(_detik_ending(spec, last=page == 0 or page == n))
    out.append("</div>\n")
    if n > 1 and page != 0:
        out.append(_detik_pager(spec, page, n))
    out.append("</div>\n</article>\n")
    if spec.noise:
        rel_url, rel_title = _related(spec, 7)
        out.append('<div class="box cb-berita-terkait"><div class="box__title">Berita Terkait</div>'
                   f'<article class="list-content__item"><h3 class="list-content__title"><a href="{_e(rel_url)}">'
                   f"{_e(rel_title)}</a></h3></article></div>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


def _detik_head(spec: ArticleSpec, n: int) -> str:
    pub = spec.published.astimezone(WIB)
    meta = [
        ("property", "og:title", spec.title),
        ("property", "og:url", spec.url),
        ("name", "dtk:author", spec.author),
        ("name", "dtk:publishdate", f"{pub:%Y/%m/%d %H:%M:%S}"),
        ("name", "dtk:articletype", "singlepage" if n == 1 else "multiplepage"),
        # detik's own pubdate meta is malformed in exactly this way
        ("name", "pubdate", f"{pub:%Y-%m-%dT%H-%M-%S}Z"),
    ]
    return _head(f"{spec.title}", spec.url, meta, _news_ld(spec, [spec.author]))


def _detik_header(spec: ArticleSpec) -> str:
    host = urllib.parse.urlsplit(spec.url).netloc
    channel = "detik" + host.split(".")[0].capitalize() if host.count(".") >= 2 else "detikNews"
    return ('<article class="detail">\n<div class="detail__header">\n'
            f'<h1 class="detail__title">\n    {_e(spec.title)}    </h1>\n'
            f'<div class="detail__author">{_e(spec.author)} - '
            f'<span class="detail__label">{_e(channel)}</span></div>\n'
            f'<div class="detail__date">{_detik_date(spec.published)}</div>\n</div>\n')


def _detik_paragraphs(spec: ArticleSpec, paras: Sequence[str], first_of_article: bool) -> list[str]:
    """The body paragraphs (the dateline in <strong> on the article's first), with ads and a
    "Baca juga" box between them on a noisy page."""
    out: list[str] = []
    for i, para in enumerate(paras):
        if i == 0 and first_of_article:
            place, dash, rest = _split_dateline(para)
            if place:
                out.append(f"<strong>{_e(place)}</strong> {dash} <p>{_e(rest)}</p>")
                continue
        out.append(f"<p>{_e(para)}</p>")
        if spec.noise and i == 1:
            out.append('<div class="parallaxindetail scrollpage"><p class="para_caption">ADVERTISEMENT</p>'
                       '<div class="ads-scrollpage-container"><div id="div-gpt-ad-1002-0"><script>'
                       "googletag.cmd.push(function(){googletag.display('div-gpt-ad-1002-0');});"
                       '</script></div></div><p class="para_caption">SCROLL TO CONTINUE WITH CONTENT</p></div>')
        if spec.noise and i == 2:
            rel_url, rel_title = _related(spec, i)
            out.append('<table class="linksisip"><tbody><tr><td><div class="lihatjg"><strong>Baca juga: </strong>'
                       f'<a href="{_e(rel_url)}">{_e(rel_title)}</a></div></td></tr></tbody></table>')
    return out


def _detik_ending(spec: ArticleSpec, last: bool) -> list[str]:
    """After the paragraphs: "next page" on a page before the last; video, desk and tags on the last."""
    if not last:
        return ["<p><strong>Simak berita selengkapnya di halaman selanjutnya.</strong></p>\n"]
    out: list[str] = []
    if spec.noise:
        out.append('<br/><br/><strong>Simak Video "<span id="aevp_title">Suasana Pagi di Ibu Kota</span>"</strong><br/>'
                   '<a id="aevp" href="https://20.detik.com/embed/000001" class="embed video20detik">'
                   "[Gambas:Video 20detik]</a><br/>\n")
    if spec.desk:
        out.append(f"<strong>({_e(spec.desk)})</strong>\n")
    if spec.noise:
        out.append('<div class="detail__body-tag mgt-16"><div class="nav">'
                   '<a class="nav__item" href="https://www.detik.com/tag/replika/">replika</a>'
                   '<a class="nav__item" href="https://www.detik.com/tag/berita/">berita</a></div></div>\n')
    return out


def _detik_pager(spec: ArticleSpec, page: int, n: int) -> str:
    base = spec.url.rstrip("/")
    links = "".join(
        f'<a class="detail__anchor-numb{" selected" if i == page else ""}" '
        f'href="{_e(spec.url if i == 1 else f"{base}/{i}")}">{i}</a>'
        for i in range(1, n + 1)
    )
    return (f'<div class="detail__long-nav"><span class="detail__long-nav-text">Halaman {page} dari {n}</span>'
            f'{links}<a class="detail__long-nav-all" href="{_e(base)}?single=1">Tampilkan Semua</a></div>\n')


# --- Tribun --------------------------------------------------------------------------------------

def _tribun_date(when: dt.datetime) -> str:
    w = when.astimezone(WIB)
    return f"{_DAYS[w.weekday()]}, {w.day} {_MONTHS[w.month - 1]} {w.year} {w:%H:%M} WIB"


_ACTIVE = ' class="active"'


def _render_tribun(spec: ArticleSpec, page: int) -> str:
    n = _page_count(spec)
    chunks = _chunks(spec.paragraphs, n)
    paras = list(spec.paragraphs) if page == 0 else chunks[page - 1]
    out = [_tribun_head(spec, page), "<body>\n"]
    if spec.noise:
        out.append("<div id='div-Top-Leaderboard' class='ads-placeholder'></div>\n")
    out.append(_tribun_header(spec))
    out.append('<div class="side-article txt-article multi-fontsize">\n')
    if spec.noise and page in (0, 1):
        out.append('<blockquote class="summary-article mceNonEditable"><strong class="summary-head">Ringkasan Berita:'
                   "</strong><ul><li>Ringkasan poin pertama dari redaksi.</li><li>Ringkasan poin kedua.</li></ul>"
                   "</blockquote>\n")
    out.extend(_tribun_paragraphs(spec, paras, first_of_article=page in (0, 1)))
    out.append("</div>\n")
    if spec.noise:
        rel_url, rel_title = _related(spec, 3)
        out.append('<div class="side-article mb5"><div id="widget_pilihanuntukmu_article" class="pilihan-list">'
                   f'<div class="item-pilihan"><a href="{_e(rel_url)}">{_e(rel_title)}</a></div></div></div>\n')
    if n > 1 and page != 0:
        out.append(_tribun_pager(spec, page, n))
    if spec.noise:
        out.append('<div class="mb10 f16 ln24" itemprop="keywords"><div class="fbo2 pr10 grey fl">Tags</div>'
                   '<h5 class="tagcloud3"><a class="rd2" href="/tag/replika">Replika</a></h5></div>\n')
    out.append("</body>\n</html>\n")
    return "".join(out)


def _tribun_head(spec: ArticleSpec, page: int) -> str:
    extra: dict[str, object] = {"isAccessibleForFree": True}
    if spec.editor:
        extra["editor"] = {"@type": "Person", "name": spec.editor}
    ld: dict[str, object] = {"@context": "https://schema.org", "@graph": [_news_ld(spec, [spec.author], extra)]}
    title = spec.title if page in (0, 1) else f"{spec.title} - Halaman {page}"
    meta = [("property", "og:title", f"{spec.title} - Tribunnews.com"), ("property", "og:url", spec.url)]
    return _head(title, spec.url, meta, ld)


def _tribun_header(spec: ArticleSpec) -> str:
    pub = spec.published.astimezone(WIB)
    editor = (f'<div id="editor">Editor: <a href="/editor/replika">{_e(spec.editor)}</a></div>\n'
              if spec.editor else "")
    return (f'<h1 class="f50 black2 f400 crimson" id="arttitle">{_e(spec.title)}</h1>\n<div class="mt10">\n'
            f'<div class="grey bdr3 pb10 pt10"><strong>Tayang:</strong> '
            f'<time datetime="{pub:%Y-%m-%dT%H:%M}+07:00">{_tribun_date(spec.published)}</time></div>\n'
            '<div class="f20 credit mt10"><div class="fbo f13">\n'
            f'<div id="penulis">Penulis: <a href="/penulis/replika">{_e(spec.author)}</a></div>\n'
            f"{editor}</div></div>\n</div>\n")


def _tribun_paragraphs(spec: ArticleSpec, paras: Sequence[str], first_of_article: bool) -> list[str]:
    """The body paragraphs (the dateline in <strong> on the article's first), with an ad, a photo
    and a "Baca juga" line between them on a noisy page."""
    out: list[str] = []
    for i, para in enumerate(paras):
        place, dash, rest = _split_dateline(para) if i == 0 and first_of_article else ("", "", para)
        if place:
            out.append(f"<p><strong>{_e(place)} {dash} </strong>{_e(rest)}</p>\n")
        else:
            out.append(f"<p>{_e(para)}</p>\n")
        if spec.noise and i == 0:
            out.append("<div class='ads-placeholder'><div id='div-Inside-MediumRectangle'></div></div>\n"
                       '<figure class="image"><img src="/foto.jpg" alt="foto" />'
                       "<figcaption>Foto ilustrasi dari replika.</figcaption></figure>\n")
        if spec.noise and i == 1:
            rel_url, rel_title = _related(spec, i)
            out.append(f'<p class="baca"><strong><span class="more">Baca juga: </span> <a href="{_e(rel_url)}">'
                       f"{_e(rel_title)}</a></strong></p>\n")
    return out


def _tribun_pager(spec: ArticleSpec, page: int, n: int) -> str:
    base = spec.url.rstrip("/")
    links = "".join(
        f'<a href="{_e(spec.url if i == 1 else f"{base}?page={i}")}"{_ACTIVE if i == page else ""} '
        f'rel="page-{i}">{i}</a>'
        for i in range(1, n + 1)
    )
    return ('<div class="paging"><div class="pagination-wrap">'
            f'<span class="total-page">Halaman {page}/{n}</span>'
            f'<div class="page-number">{links}</div>'
            f'<a href="{_e(base)}?page=all" class="all-page">Tampilkan semua</a></div></div>\n')


# --- Republika ------------------------------------------------------------------------------------

def _render_republika(spec: ArticleSpec, page: int) -> str:
    pub = spec.published.astimezone(WIB)
    editor = spec.editor or spec.author
    meta = [("property", "og:title", f"{spec.title} |Republika Online"), ("property", "og:url", spec.url),
            ("property", "article:published_time", pub.isoformat())]
    out = [_head(f"{spec.title} |Republika Online", spec.url, meta, _news_ld(spec, [editor])), "<body>\n"]
    out.append('<div class="main-content" id="detail"><div class="main-content__left">\n'
               f'<div class="date date-item__headline">{_DAYS[pub.weekday()]}   {pub.day:02d} '
               f"{_MONTHS_SHORT[pub.month - 1]} {pub.year}  {pub:%H:%M} WIB</div>\n"
               f'<div class="max-card__title">\n<h1>{_e(spec.title)}</h1>\n'
               f'<div class="">\n  Rep: {_e(spec.author)}/        Red: <a href="/page/penulis/1/redaktur">'
               f"{_e(editor)}</a></div>\n</div>\n"
               '<div class="max-card__image">\n')
    if spec.noise:
        out.append('<figure><img src="/foto.jpg" alt="foto"><figcaption class="detail__media-caption">'
                   '<div class="source-img">Foto: Dok Replika</div></figcaption></figure>\n')
    out.append('<div class="article-content">\n<article>\n')
    for i, para in enumerate(spec.paragraphs):
        out.append(f'<p class="b2">   <p>{_e(para)}</p><!-- B1 -->')
        if spec.noise and i == 0:
            out.append("<div style=\"width:100%;text-align:center\"><div id='div-gpt-ad-2001-0'></div></div>"
                       '<div id="bn_replika1"></div>')
        if spec.noise and i == 1:
            rel_url, rel_title = _related(spec, i)
            out.append('<div class="picked-article"><div class="title"><span>Baca Juga</span></div>'
                       f'<ul><li><a href="{_e(rel_url)}">{_e(rel_title)}</a></li></ul></div>')
        out.append("\n")
    out.append('<p class="b2">\n<p>&nbsp;</p>\n')
    if spec.noise:
        out.append('<div class="footnote-wrap"><p>Artikel ini disadur dari arsip replika.</p></div>\n')
    out.append("</article>\n</div>\n</div>\n</div>\n</div>\n</body>\n</html>\n")
    return "".join(out)


# --- Tempo (2024+ Nuxt template) ------------------------------------------------------------------

def _tempo_date(when: dt.datetime) -> str:
    w = when.astimezone(WIB)
    return f"{w.day} {_MONTHS[w.month - 1]} {w.year} | {w:%H.%M} WIB"


def _render_tempo(spec: ArticleSpec, page: int) -> str:
    if "/read/" in urllib.parse.urlsplit(spec.url).path:
        return _render_tempo_read(spec)
    ld = _news_ld(spec, [spec.author], {"isAccessibleForFree": True, "articleBody": "\n".join(spec.paragraphs)})
    meta = [("property", "og:title", spec.title), ("property", "og:url", spec.url),
            ("property", "article:published_time", _tempo_date(spec.published))]
    out = [_head(f"{spec.title} | tempo.co", spec.url, meta, ld), '<body>\n<div id="__nuxt">\n<article>\n']
    out.append(f'<h1 class="text-[26px] font-bold leading-[122%] text-neutral-1200">{_e(spec.title)}</h1>\n'
               f'<p class="text-neutral-900 text-sm">{_tempo_date(spec.published)}</p>\n'
               f'<div><a href="/penulis/replika-1">{_e(spec.author)}</a></div>\n')
    if spec.noise:
        out.append('<figure><img src="/foto.jpg" alt="foto">'
                   "<figcaption>Foto ilustrasi. Dok. Replika</figcaption></figure>\n")
    for i, para in enumerate(spec.paragraphs):
        out.append(f'<div id="content-wrapper" class="max-lg:container xl"><p>{_e(para)}</p></div>\n')
        if spec.noise and i == 0:
            out.append('<div id="ads-slot-1" class="remp-banner"></div>\n'
                       '<div class="bg-neutral-200 w-full text-center"><p class="text-neutral-900 text-xs">'
                       "Scroll ke bawah untuk melanjutkan membaca</p></div>\n")
    if spec.noise:
        rel_url, rel_title = _related(spec, 2)
        out.append(f'<div id="content-wrapper" class="max-lg:container xl"><p>Pilihan Editor: <a href="{_e(rel_url)}">'
                   f"{_e(rel_title)}</a></p></div>\n"
                   '<div class="container gap-4 flex flex-wrap"><div><a href="/tag/replika"><span>replika</span></a>'
                   "</div></div>\n")
    out.append("</article>\n</div>\n</body>\n</html>\n")
    return "".join(out)


def _render_tempo_read(spec: ArticleSpec) -> str:
    """The pre-2024 `*.tempo.co/read/` template: body in div#isi, no JSON-LD."""
    pub = spec.published.astimezone(WIB)
    meta = [("property", "og:title", spec.title), ("property", "og:url", spec.url), ("name", "author", spec.author),
            ("property", "article:published_time", pub.isoformat())]
    metas = "\n".join(f'<meta {kind}="{_e(name)}" content="{_e(value)}">' for kind, name, value in meta)
    out = [f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="UTF-8">\n<title>{_e(spec.title)} - Tempo.co'
           f'</title>\n{metas}\n<link rel="canonical" href="{_e(spec.url)}">\n</head>\n<body>\n']
    if spec.noise:
        out.append('<div class="modal-login"><p>Lupa Kata Sandi? <a href="#">Klik di Sini</a></p>'
                   '<form><input type="email" name="email"><input type="password" name="password"></form></div>\n')
    out.append(f'<article class="detail-artikel">\n<h1 itemprop="headline">{_e(spec.title)}</h1>\n'
               f'<h4 class="date"><span id="date">{_DAYS[pub.weekday()]}, {pub.day} {_MONTHS[pub.month - 1]} '
               f"{pub.year} {pub:%H:%M} WIB</span></h4>\n"
               f'<div class="reporter"><span class="title-reporter">Reporter</span> '
               f'<a href="/penulis/replika">{_e(spec.author)}</a></div>\n<div id="isi" itemprop="articleBody">\n')
    for i, para in enumerate(spec.paragraphs):
        m = re.match(r"^TEMPO\.CO, (\w[\w ]*?) - ", para) if i == 0 else None
        if m:
            out.append(f"<p><strong>TEMPO.CO</strong>, <strong>{_e(m.group(1))}</strong> - {_e(para[m.end():])}</p>\n")
        else:
            out.append(f"<p>{_e(para)}</p>\n")
        if spec.noise and i == 0:
            rel_url, rel_title = _related(spec, 1)
            out.append('<div class="iklan"><div id="div-gpt-ad-3001-0"></div><p>Iklan</p></div>\n'
                       f'<p>Baca juga: <a href="{_e(rel_url)}">{_e(rel_title)}</a></p>\n')
        if spec.noise and i == 1:
            out.append('<div class="parallax-box"><p>Iklan</p><p>Scroll Untuk Melanjutkan</p></div>\n')
    if spec.noise:
        rel_url, rel_title = _related(spec, 2)
        out.append(f'<p>Pilihan Editor: <a href="{_e(rel_url)}">{_e(rel_title)}</a></p>\n')
    out.append("</div>\n")
    if spec.noise:
        rel_url, rel_title = _related(spec, 3)
        out.append('<div class="tags"><span>Tags:</span> <a href="/tag/replika">replika</a></div>\n</article>\n'
                   f'<div class="rekomendasi-artikel"><h3>Rekomendasi Artikel</h3><ul><li><a href="{_e(rel_url)}">'
                   f"{_e(rel_title)}</a></li></ul></div>\n")
    else:
        out.append("</article>\n")
    out.append("</body>\n</html>\n")
    return "".join(out)


_RENDERERS: dict[str, Callable[[ArticleSpec, int], str]] = {
    "detik": _render_detik,
    "tribun": _render_tribun,
    "republika": _render_republika,
    "tempo": _render_tempo,
}


def _render_from_pack(spec: ArticleSpec, page: int) -> str | None:
    """Portals without a renderer of their own: one page built from their pack's selectors."""
    pack = BY_NAME.get(spec.portal)
    if pack is None:
        return None
    return packpages.article_page(pack, spec.url, spec.title, spec.author, spec.published,
                                  spec.updated or spec.published, spec.paragraphs)


def render(spec: ArticleSpec, url: str) -> str | None:
    """The HTML served at `url` (one of `page_urls(spec)`), or None when it is not this article's."""
    page = _which_page(spec, url)
    if page is None:
        return None
    renderer = _RENDERERS.get(_portal(spec))
    return renderer(spec, page) if renderer is not None else _render_from_pack(spec, page)
