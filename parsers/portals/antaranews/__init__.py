"""antaranews.com: www. and kanal subdomains (otomotif., megapolitan., ...): /berita/{id}/{slug}, one page each."""
from __future__ import annotations

import pathlib
import re

from parsers.pack import (
    COMMON_MEDIA,
    SLUG,
    Identity,
    IndexLayout,
    MediaShape,
    Pack,
    Pagination,
    Selectors,
    Source,
    segment,
    www_host,
)
from parsers.portals.antaranews import parse

DOMAIN = "antaranews.com"
_ARTICLE = re.compile(r"^(?:/amp)?(?P<path>/berita/(?P<id>\d{4,})/[^/]+)$")


def identify(host: str, path: str) -> Identity | None:
    """antaranews:{id}: one numbering across www. and the kanal subdomains."""
    m = _ARTICLE.match(path)
    if not m:
        return None
    return www_host(host, DOMAIN), m.group("path"), f"antaranews:{m.group('id')}", True


PACK = Pack(
    name="antaranews",
    domain=DOMAIN,
    hosts=("www.antaranews.com", "otomotif.antaranews.com", "megapolitan.antaranews.com"),
    parse=parse.parse,
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, authors=parse.CREDITS,
                        date=parse.DATE),
    identify=identify,
    article_paths=(re.compile(rf"^(?:/amp)?/berita/\d{{4,}}/{SLUG}/?$"),),
    media=(
        MediaShape("gallery", path=segment("foto")),  # /foto/{id}/{slug}: photo essays, captions only
        *COMMON_MEDIA,  # /video/{id}/{slug}, /infografik/{id}/{slug}
    ),
    listing_segments=frozenset({"terkini", "top-news", "terpopuler"}),
    # /terkini: div.card__post cards, the headline link in the title block (public scrapers); the time
    # element is a guess (no real page seen): an item without a date is still listed
    index_layouts=(IndexLayout("antaranews", item="div.card__post", link=".card__post__title a[href], h3 a[href]",
                               title=".card__post__title", time_text=".card__post__author-info span"),),
    sources=(
        Source("https://www.antaranews.com/rss/terkini.xml", "rss", 15, 30,
               "the newest stories; in many public feed lists and aggregators (2023-25)", shipped=False),
        Source("https://www.antaranews.com/rss/top-news.xml", "rss", 30, 20,
               "the editors' top stories, next to terkini.xml in a 2025 public feed list", shipped=False),
        Source("https://www.antaranews.com/terkini", "index", 30, 40,
               "the newest-stories page; a backup for the RSS", shipped=False),
    ),
    dates=("Senin, 16 Juni 2025 10:15 WIB", "2 jam lalu"),
    pagination=Pagination("none"),  # one page per article
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://www.antaranews.com/berita/4891555/pengamat-ri", "antaranews:4891555"),
        ("https://otomotif.antaranews.com/berita/546646/judul", "antaranews:546646"),
        ("https://m.antaranews.com/berita/4891555/pengamat-ri", "antaranews:4891555"),
    ),
)
