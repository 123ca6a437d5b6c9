"""cnnindonesia.com (www.; the 2023+ Tailwind template and the older detail_text one): selectors and paging."""
from __future__ import annotations

import re
import urllib.parse

from parsers.article import Article
from parsers.common import Page, non_article_reason, split_people, strip_page_params
from parsers.dates import parse_text
from parsers.generic import body_of

TITLE = ("div.detail h1", "h1.title", "article h1", "h1")
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*CNN Indonesia\s*$", re.I)
BODY = ("div.detail-text", "div.detail_text", "#detikdetailtext")
NOISE = (
    ".paradetail", ".para_caption", "table.linksisip", ".linksisip", ".topiksisip", ".sisip_embed_sosmed",
    ".sisip_video_ds", ".inbetween_ads", ".embed", ".detail-tag", ".video-inarticle", "[class*=pagination]",
)
DATE = ("div.text-cnn_grey.text-sm", ".date", ".detail__date")
# long articles: page N at `{url}/N` (same scheme as detik, of the same group; unverified on a real page)
PAGE_LINKS = "[class*=pagination] a[href], [class*=paging] a[href], a[dtr-evt=halaman][href], link[rel=next]"
_ARTICLE_PATH = re.compile(r"^(?P<base>/[\w-]+/\d{14}-\d+-\d+/[^/?#]+)(?:/(?P<n>\d{1,3}))?/?$")
_HOUSE = re.compile(r"^cnn\s*indonesia$", re.I)


def _split(url: str) -> tuple[str, int] | None:
    """(article path, page number) of a CNN Indonesia article URL, or None."""
    try:
        m = _ARTICLE_PATH.match(urllib.parse.urlsplit(url).path)
    except ValueError:
        return None
    return (m.group("base"), int(m.group("n") or 1)) if m else None


def canonical_article_url(url: str) -> str:
    """The article URL without the `/N` page suffix."""
    parts = urllib.parse.urlsplit(strip_page_params(url))
    found = _split(url)
    return urllib.parse.urlunsplit(parts._replace(path=found[0])) if found else strip_page_params(url)


def _next_pages(page: Page) -> list[str]:
    own = _split(page.url)
    if own is None:
        return []
    later = []
    for link in page.links(PAGE_LINKS):
        found = _split(link)
        if found and found[0] == own[0] and found[1] > own[1] and page.same_portal(link) and link not in later:
            later.append(link)
    return later


def parse(page: Page) -> Article:
    """Parse a CNN Indonesia article page."""
    title = page.title(TITLE, TITLE_SUFFIX)
    body, desk = page.body(BODY, NOISE)
    if not body and page.first(BODY) is None:
        body, desk = body_of(page, title)
    names = page.ld_people("author") or split_people(page.meta.get("author", ""))
    authors = [n for n in names if not _HOUSE.match(n)]  # "CNN Indonesia" is the house, not a writer
    published = (page.ld_date("datePublished") or page.meta_date("article:published_time", "publishdate")
                 or parse_text(page.first_text(DATE)))
    updated = page.ld_date("dateModified") or published
    return Article(
        url=canonical_article_url(page.canonical()),
        portal="cnnindonesia",
        title=title,
        authors=tuple(authors),
        editors=tuple(page.ld_people("editor")),
        published=published,
        updated=updated,
        body=tuple(body),
        desk=desk,
        next_pages=tuple(_next_pages(page)),
        not_article=non_article_reason(page, title, body),
    )
