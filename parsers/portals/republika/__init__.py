"""republika.co.id: every kanal subdomain (internasional., ekonomi., ...), AMP pages and /share/ short links."""
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
from parsers.portals.republika import parse

DOMAIN = "republika.co.id"
# Ids mix letters and digits ("s0kbre472"); "/berita/terpopuler" is a listing.
# Ids are usually 9 characters; a 2025 double-slash URL carries 21 ("s9xi5i181996644825001").
_ARTICLE = re.compile(r"^/(?P<kind>berita|amp|share)/(?P<id>(?=[a-z]*\d)[a-z0-9]{6,24})(?P<slug>/[^/]+)?$")


def identify(host: str, path: str) -> Identity | None:
    """republika:{id}; /amp/ and /share/ forms name the /berita/ article (a short form is incomplete)."""
    m = _ARTICLE.match(path)
    if not m:
        return None
    slug = m.group("slug") or ""
    complete = bool(slug) and m.group("kind") != "share"
    return (
        www_host(host, DOMAIN),
        f"/berita/{m.group('id')}{slug if m.group('kind') != 'share' else ''}",
        f"republika:{m.group('id')}",
        complete,
    )


PACK = Pack(
    name="republika",
    domain=DOMAIN,
    hosts=("internasional.republika.co.id", "www.republika.co.id", "republika.co.id", "m.republika.co.id"),
    parse=parse.parse,
    regions=parse.REGIONS,
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, authors=parse.BYLINE,
                        date=parse.DATE),
    identify=identify,
    article_paths=(
        # /berita/{id}/{slug} on any kanal host; the AMP twin is /amp/{id}/{slug}
        # 2026 listings also write the bare host with a double slash: republika.co.id/berita//{id}/{slug}
        re.compile(rf"^(?:/[a-z0-9-]+)?/(?:berita|amp)/+(?=[a-z]*\d)[a-z0-9]{{6,24}}/{SLUG}/?$"),
    ),
    media=(
        MediaShape("video", host=host_pattern(r"(?:video|tv|visual)\.republika\.co\.id")),
        MediaShape("gallery", path=segment("galeri", "gallery")),
        *COMMON_MEDIA,
    ),
    # republika.co.id/indeks: the whole card is one link; its date is relative ("7 menit yang lalu")
    index_layouts=(IndexLayout("republika", item="ul.wrap-latest > li", link="a[href]", title="h3",
                               time_text=".date"),),
    sources=(
        Source("https://www.republika.co.id/rss", "rss", 10, 30, "about 15 items (2026)"),
        Source("https://www.republika.co.id/indeks", "index", 15, 40, "a 2026 crawler adapter"),
    ),
    dates=("Selasa 05 Sep 2023 10:40 WIB", "7 menit yang lalu"),
    pagination=Pagination("query", links=parse.PAGE_LINKS),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://m.republika.co.id/amp/s0kbre472/as-ingatkan", "republika:s0kbre472"),
        ("https://republika.co.id/berita//s9xi5i181996644825001/judul", "republika:s9xi5i181996644825001"),
    ),
)
