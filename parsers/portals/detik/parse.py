"""detik.com (news., health., inet., finance., ... one template): selectors and the few detik quirks."""
from __future__ import annotations

import re
import urllib.parse

from parsers.article import Article
from parsers.common import Page, clean, non_article_reason, split_people, strip_page_params
from parsers.dates import parse_text
from parsers.portals.detik import older
from parsers.region import Region, markers

TITLE = ("h1.detail__title", "article.detail h1", ".detail h1")
AUTHOR = ("div.detail__author",)
DATE = ("div.detail__date",)
BODY = ("div.detail__body-text", ".itp_bodycontent", "#detikdetailtext")
NOISE = (
    "table.linksisip", ".lihatjg", ".linksisip", ".noncontent", ".parallaxindetail", ".paradetail",
    "[class*=scrollpage]", ".para_caption", ".detail__body-tag", ".detail__long-nav", ".nav",
    "a.embed", ".video20detik", "#aevp", ".aevp", ".sisip_video_ds", ".sisip_embed_sosmed",
    ".staticdetail_ads", ".staticdetail_container", ".detikads", ".ads-slot", ".banner_inside_article",
    ".teads-player", ".detail__media", ".detail__body-toc", ".recommendation-box",
)
# title .. end of article.detail (page nav and desk sit inside the body text)
PAGE_LINKS = ".detail__long-nav a.detail__anchor-numb, a.detail__anchor-numb"
# (what the parser reads from the page: nowhere outside the region, its first title not before it)
REGION = Region(start=('class="detail__title"',), body='class="detail__body-text', end=("</article>",),
                nested="<article", only_inside=markers(BODY[0], *AUTHOR, *DATE, PAGE_LINKS), before=markers(TITLE[0]))
REGIONS = (REGION, *older.REGIONS)  # today's template first, then the 2015-16 one
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*detik\w*\s*$", re.I)
# "Novi Christiastuti - detikNews": the channel label is not a name
_CHANNEL = re.compile(r"\s*-\s*(detik\w*|20detik|cnn indonesia|cnbc indonesia)\s*$", re.I)
_PAGE_SUFFIX = re.compile(r"(/d-\d+/[^/?#]+)/\d+/?$")


def canonical_article_url(url: str) -> str:
    """The article URL without detik's `/N` page suffix or `?single=1`."""
    try:
        parts = urllib.parse.urlsplit(strip_page_params(url))
    except ValueError:
        return url
    return urllib.parse.urlunsplit(parts._replace(path=_PAGE_SUFFIX.sub(r"\1", parts.path)))


def _page_number(url: str) -> int:
    m = re.search(r"/d-\d+/[^/?#]+/(\d+)/?(?:[?#]|$)", url)
    return int(m.group(1)) if m else 1


def _authors(page: Page) -> list[str]:
    node = page.first(AUTHOR)
    if node is not None:
        text = _CHANNEL.sub("", clean(node.text(deep=True))).rstrip(" -")
        names = split_people(text)
        if names:
            return names
    meta = page.meta.get("dtk:author") or page.meta.get("author")
    if meta:
        return split_people(_CHANNEL.sub("", meta))
    return page.ld_people()


def parse(page: Page) -> Article:
    """Parse a detik article page; a page without today's body container but with the 2015-16 template's is
    read by that template's selectors (see `older`)."""
    if not page.any_match(BODY):
        known = older.parse(page)
        if known is not None:
            return known
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    # meta[name=pubdate] is malformed (local time marked as UTC): never read it
    published = (page.ld_date("datePublished") or page.meta_date("dtk:publishdate", "publishdate")
                 or parse_text(page.first_text(DATE)))
    updated = page.ld_date("dateModified") or published
    current = _page_number(page.url)
    single = re.search(r"[?&]single=1(?:&|#|$)", page.url) is not None
    next_pages: list[str] = []
    if not single:
        for link in page.links(PAGE_LINKS):
            if _page_number(link) > current and page.same_portal(link):
                next_pages.append(link)
    url = canonical_article_url(page.canonical())
    return Article(
        url=url,
        portal="detik",
        title=title,
        authors=tuple(_authors(page)),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(next_pages),
        not_article=non_article_reason(page, title, body),
    )
