"""detik.com: news., health., inet., finance., ... (one template); m.detik.com puts the channel in the path."""
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
    segment,
    www_host,
)
from parsers.portals.detik import parse

DOMAIN = "detik.com"
# m.detik.com/news/... is news.detik.com/...
_CHANNELS = frozenset({"news", "finance", "inet", "hot", "sport", "oto", "travel", "food", "health", "wolipop", "edu"})
_ARTICLE = re.compile(r"^(?P<path>/(?:[\w.-]+/)*d-(?P<id>\d+)/[^/]+)(?:/\d+)?$")
# 2015-16: /read/2015/11/05/100026/3062623/323/slug (time, news id, channel id); the news id is the one today's
# d-{id} addresses carry (detik moved its old articles to d-{id}: believed, not checked against a live redirect)
_OLD_ARTICLE = re.compile(r"^/read/\d{4}/\d{2}/\d{2}/\d{6}/(?P<id>\d+)/\d+/[^/]+$")


def identify(host: str, path: str) -> Identity | None:
    """detik:d-{id}; the `/N` page suffix and the /amp/ segment are dropped."""
    segments = [s for s in path.split("/") if s and s != "amp"]
    if host == "m.detik.com" and segments and segments[0] in _CHANNELS:
        host = segments.pop(0) + ".detik.com"
    m = _ARTICLE.match("/" + "/".join(segments))
    if not m:
        old = _OLD_ARTICLE.match("/" + "/".join(segments))
        return (www_host(host, DOMAIN), old.group(0), f"detik:d-{old.group('id')}", True) if old else None
    return www_host(host, DOMAIN), m.group("path"), f"detik:d-{m.group('id')}", True


PACK = Pack(
    name="detik",
    domain=DOMAIN,
    hosts=("news.detik.com", "www.detik.com", "m.detik.com", "health.detik.com", "finance.detik.com"),
    parse=parse.parse,
    regions=parse.REGIONS,
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, authors=parse.AUTHOR, date=parse.DATE),
    identify=identify,
    # /internasional/d-6769960/slug, /berita/d-123/slug, /d-123/slug, page 2 at .../slug/2
    article_paths=(re.compile(rf"^(?:/[\w-]+)*/d-\d{{5,}}/{SLUG}(?:/\d{{1,3}})?/?$"), _OLD_ARTICLE),
    media=(
        MediaShape("video", host=host_pattern(r"20\.detik\.com")),  # 20detik: detikupdate, e-flash, ... all video
        MediaShape("video", path=segment("detiktv", "20detik")),
        *COMMON_MEDIA,
    ),
    # news.detik.com/indeks?page=N&date=MM/DD/YYYY
    index_layouts=(IndexLayout("detik", item="article.list-content__item",
                               link="h3 a[href], a.media__link[href], a[href]", title="h3",
                               time_attr=("[d-time]", "d-time")),),
    sources=(
        Source("https://news.detik.com/indeks", "index", 10, 40,
               "the news index lists every story of the day (a 2024 capture; a 2026 crawler's output)"),
        Source("https://news.detik.com/rss", "rss", 10, 40, "the news RSS answered 200 in a 2026 audit"),
    ),
    dates=("Kamis, 02 Nov 2023 20:59 WIB", "2023/11/02 20:59:53"),
    # `{url}/N`; `?single=1` is the whole article on one page
    pagination=Pagination("path", links=parse.PAGE_LINKS, whole="?single=1"),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://news.detik.com/internasional/d-6769960/as-khawatir/2", "detik:d-6769960"),
        ("https://m.detik.com/news/internasional/d-6769960/as-khawatir", "detik:d-6769960"),
    ),
)
