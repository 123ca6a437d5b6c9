"""cnnindonesia.com: www. only; /{kanal}/{YYYYMMDDHHMMSS}-{kanalId}-{articleId}/{slug}, photo stories included."""
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
from parsers.portals.cnnindonesia import parse

DOMAIN = "cnnindonesia.com"
# page N of a long article at `{url}/N`
_ARTICLE = re.compile(r"^(?P<path>(?:/[a-z][\w-]*){1,2}/\d{14}-\d{1,4}-(?P<id>\d{3,})/[^/]+)(?:/\d{1,3})?$")


def identify(host: str, path: str) -> Identity | None:
    """cnnindonesia:{articleId}; the timestamp and kanal id in front of it may change, the id does not."""
    m = _ARTICLE.match(path)
    if not m:
        return None
    return www_host(host, DOMAIN), m.group("path"), f"cnnindonesia:{m.group('id')}", True


PACK = Pack(
    name="cnnindonesia",
    domain=DOMAIN,
    hosts=("www.cnnindonesia.com",),
    parse=parse.parse,
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, date=parse.DATE),
    identify=identify,
    # photo stories ("/foto-...") have the same shape and are articles when they carry text
    article_paths=(re.compile(rf"^(?:/[a-z][\w-]*){{1,2}}/\d{{14}}-\d{{1,4}}-\d{{3,}}/{SLUG}(?:/\d{{1,3}})?/?$"),),
    media=(
        MediaShape("video", path=segment("tv")),  # /tv/{ts}-404-{id}/video-..., /tv/embed/...
        *COMMON_MEDIA,
    ),
    # /indeks and /{kanal}/indeks/{n}: <article> cards, each one link around an h2 (2024-25 crawlers)
    index_layouts=(IndexLayout("cnnindonesia", item="div.nhl-list article, div.w-leftcontent article",
                               link="a[href]", title="h2"),),
    sources=(
        Source("https://www.cnnindonesia.com/indeks", "index", 15, 40,
               "the all-kanal index, read by public crawlers 2023-25 (`/{kanal}/indeks/{n}` per kanal)",
               shipped=False),
        Source("https://www.cnnindonesia.com/internasional/rss", "rss", 15, 30,
               "per-kanal RSS (`/{kanal}/rss`); `/rss` is the all-kanal feed in 2025 public scrapers",
               shipped=False),
        Source("https://www.cnnindonesia.com/nasional/rss", "rss", 20, 30, "per-kanal RSS, as above",
               shipped=False),
    ),
    dates=("Senin, 16 Jun 2025 08:15 WIB",),
    pagination=Pagination("path", links=parse.PAGE_LINKS),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://www.cnnindonesia.com/internasional/20250618154500-134-1241020/menakar-arti/2",
         "cnnindonesia:1241020"),
        ("https://cnnindonesia.com/internasional/20250618154500-134-1241020/menakar-arti", "cnnindonesia:1241020"),
    ),
)
