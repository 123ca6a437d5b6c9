"""kompas.com: {kanal}.kompas.com/read/... and, since the 2020s, www.kompas.com/{kanal}/read/... (one template).

Kompas TV is www.kompas.tv, another domain: not this pack. Images come from asset.kompas.com (not content).
"""
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
    host_pattern,
    www_host,
)
from parsers.portals.kompas import parse

DOMAIN = "kompas.com"
# /read/YYYY/MM/DD/{id}/{slug}, optionally under a kanal folder; before 2016 also /read/xml/...
# The id (8-9 digits: the hour, minute and a sequence) is unique only within a day: the key holds the date.
_ARTICLE = re.compile(
    r"^(?P<path>(?:/[a-z][\w-]*)?/read(?:/xml)?/(?P<date>\d{4}/\d{2}/\d{2})/(?P<id>\d{8,9})/[^/]+)$")


def identify(host: str, path: str) -> Identity | None:
    """kompas:{YYYY/MM/DD}/{id}: one key for the kanal host and the www.kompas.com/{kanal}/ form;
    `?page=N` and `?page=all` are dropped with the query."""
    m = _ARTICLE.match(path)
    if not m:
        return None
    return www_host(host, DOMAIN), m.group("path"), f"kompas:{m.group('date')}/{m.group('id')}", True


PACK = Pack(
    name="kompas",
    domain=DOMAIN,
    hosts=("www.kompas.com", "nasional.kompas.com", "internasional.kompas.com", "regional.kompas.com",
           "amp.kompas.com", "indeks.kompas.com"),
    parse=parse.parse,
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, authors=parse.AUTHORS,
                        date=parse.DATE),
    identify=identify,
    article_paths=(re.compile(rf"^(?:/[a-z][\w-]*)?/read(?:/xml)?/\d{{4}}/\d{{2}}/\d{{2}}/\d{{8,9}}/{SLUG}/?$"),),
    media=(
        # video.kompas.com/watch/{id}/{slug} (links of the 2020s)
        MediaShape("video", host=host_pattern(r"video\.kompas\.com")),
        *COMMON_MEDIA,
    ),
    index_layouts=(
        # indeks.kompas.com, 2020-23 template: div.article__list with a.article__link (several crawlers)
        IndexLayout("kompas", item="div.article__list", link="a.article__link[href]", title=".article__title",
                    time_text=".article__date"),
        # the 2024 template: div.articleItem with a.article-link and an h2 (a 2024 crawler); the date
        # element's class is a guess
        IndexLayout("kompas", item="div.articleItem", link="a.article-link[href]", title="h2",
                    time_text=".articlePost-date"),
    ),
    sources=(
        Source("https://indeks.kompas.com/?site=all", "index", 15, 40,
               "the day's index across kanal (`&date=YYYY-MM-DD&page=N` for older days); read by several "
               "public crawlers 2019-2025", shipped=False),
        Source("https://rss.kompas.com/", "rss", 15, 30,
               "the main feed, listed as a working source by public feed lists (2024-25)", shipped=False),
        Source("https://rss.kompas.com/nasional", "rss", 20, 30,
               "the national desk's feed, in a 2025 public feed list", shipped=False),
    ),
    dates=("Kompas.com - 12/06/2025, 09:30 WIB", "Kamis, 12 Juni 2025 09:30 WIB"),
    # `?page=2` ...; `?page=all` is the whole article on one page
    pagination=Pagination("query", links=parse.PAGE_LINKS, whole="?page=all"),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://internasional.kompas.com/read/2025/06/12/09301271/rusia-dan-korea-utara?page=all",
         "kompas:2025/06/12/09301271"),
        ("https://www.kompas.com/global/read/2025/06/14/151500870/pakar-pasokan", "kompas:2025/06/14/151500870"),
        ("https://amp.kompas.com/nasional/read/2016/03/01/10450061/judul", "kompas:2016/03/01/10450061"),
    ),
)
