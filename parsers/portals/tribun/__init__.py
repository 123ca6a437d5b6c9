"""tribunnews.com: www., m. and the regional network (kaltim., solo., ...), one template."""
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
from parsers.portals.tribun import parse

DOMAIN = "tribunnews.com"
_DATED = re.compile(r"^(?P<path>/(?:[\w-]+/)*(?P<date>\d{4}/\d{2}/\d{2})/(?P<slug>[^/]+))$")
_NUMBERED = re.compile(r"^(?P<path>/(?P<section>[a-z][\w-]*)/(?P<id>\d{5,})/[^/]+)$")


def identify(host: str, path: str) -> Identity | None:
    """tribun:{zone}/{id} (2026 numbered URLs) or tribun:{zone}/{date}/{slug} (dated, to 2024)."""
    host = www_host(host, DOMAIN)
    if path.startswith("/amp/"):
        path = path[4:]
    zone = host.removesuffix(".tribunnews.com")
    m = _NUMBERED.match(path)
    if m:
        return host, m.group("path"), f"tribun:{zone}/{m.group('id')}", True
    m = _DATED.match(path)
    if m:
        return host, m.group("path"), f"tribun:{zone}/{m.group('date')}/{m.group('slug')}", True
    return None


PACK = Pack(
    name="tribun",
    domain=DOMAIN,
    hosts=("www.tribunnews.com", "m.tribunnews.com", "kaltim.tribunnews.com", "video.tribunnews.com"),
    parse=parse.parse,
    regions=(parse.REGION,),
    selectors=Selectors(title=parse.TITLE, body=parse.BODY, noise=parse.NOISE, authors=parse.AUTHORS,
                        date=parse.DATE),
    identify=identify,
    article_paths=(
        # /{section}/{yyyy}/{mm}/{dd}/{slug} (to 2024; regional hosts omit the section)
        re.compile(rf"^(?:/[a-z0-9-]+){{0,2}}/(?:19|20)\d\d/[01]\d/[0-3]\d/{SLUG}/?$"),
        # /{section}/{numericId}/{slug} (2026)
        re.compile(rf"^(?:/[a-z0-9-]+){{1,2}}/\d{{5,}}/{SLUG}/?$"),
    ),
    media=(
        MediaShape("video", host=host_pattern(r"video\.tribunnews\.com")),  # video.tribunnews.com/view/{id}/{slug}
        MediaShape("gallery", path=re.compile(r"^/images/")),  # photo galleries: captions, no story
        *COMMON_MEDIA,  # web stories (/ampstory/images/{id}/{slug}) have the 2026 article shape: media first
    ),
    # www.tribunnews.com/index-news?page=N (the h4 above a headline is a topic link, not the story)
    index_layouts=(IndexLayout("tribun", item="ul.lsi > li", link="h3 a[href]", title="h3", time_text="time"),),
    sources=(
        Source("https://www.tribunnews.com/index-news", "index", 10, 40,
               "the newest stories across sections (a 2026 crawler adapter); the main RSS is not used: "
               "in 2026 every item links to the home page"),
        Source("https://www.tribunnews.com/sitemap.xml", "sitemap", 30, 60,
               "the sitemap index leads to per-section Google News sitemaps (`{section}/sitemap-news.xml`)"),
        Source("https://kaltim.tribunnews.com/rss", "rss", 15, 30,
               "regional RSS advertised on the regional home page (2024)"),
    ),
    dates=("Sabtu, 29 Juli 2023 09:15 WIB", "Selasa, 5 September 2023 14:05 WITA"),
    pagination=Pagination("query", links=parse.PAGE_LINKS, whole="?page=all"),
    folder=pathlib.Path(__file__).parent,
    examples=(
        ("https://m.tribunnews.com/internasional/7734512/korsel-korut", "tribun:www/7734512"),
        ("https://kaltim.tribunnews.com/2023/09/05/ukraina-dan-nato?page=2",
         "tribun:kaltim/2023/09/05/ukraina-dan-nato"),
    ),
)
