"""How discovery reads real captured listings: articles vs media vs other refused links.

    .venv/bin/python bench/discovery_real.py SOURCE_URL=PATH_OR_GLOB [SOURCE_URL=PATH_OR_GLOB ...]

Each file is read as the source it was captured from (the URL anchors relative links and picks the
index layout); an article page read as a source gets the page-wide link scan. Links are counted
once per group however many captures list them. Prints a table; asserts nothing.
"""
from __future__ import annotations

import collections
import glob
import pathlib
import sys

from beritawatch.discovery import DiscoveryError, discover, filter_candidates, looks_like_article_url

PORTAL_HOSTS = ["detik.com", "tribunnews.com", "republika.co.id", "tempo.co"]


def measure(source_url: str, paths: list[pathlib.Path]) -> dict[str, object]:
    """Unique links of every capture of one source, by what discovery made of them."""
    articles: set[str] = set()
    media: dict[str, str] = {}
    other: dict[str, str] = {}
    errors = 0
    for path in paths:
        try:
            found = discover(path.read_bytes(), None, source_url)
        except DiscoveryError:
            errors += 1
            continue
        kept, refused = filter_candidates(found.candidates, PORTAL_HOSTS)
        articles.update(c.url for c in kept)
        other.update(refused)
        for url, reason in found.dropped:
            (media if reason.startswith("media") else other)[url] = reason
    return {"files": len(paths), "errors": errors, "articles": articles, "media": media, "other": other}


def main(args: list[str]) -> int:
    if not args:
        print(__doc__)
        return 2
    totals = collections.Counter[str]()
    print(f"{'source':<58} {'files':>5} {'links':>6} {'articles':>8} {'shaped':>6} {'media':>6} {'other':>6}")
    for arg in args:
        source_url, _, pattern = arg.partition("=")
        paths = sorted(pathlib.Path(p) for p in glob.glob(pattern))
        result = measure(source_url, paths)
        articles, media, other = result["articles"], result["media"], result["other"]
        assert isinstance(articles, set) and isinstance(media, dict) and isinstance(other, dict)
        links = len(articles) + len(media) + len(other)
        shaped = sum(looks_like_article_url(url) for url in articles)  # the article URL shapes know them
        print(f"{source_url[:58]:<58} {result['files']:>5} {links:>6} {len(articles):>8} {shaped:>6} {len(media):>6} "
              f"{len(other):>6}" + (f"  ({result['errors']} unreadable)" if result["errors"] else ""))
        kinds = collections.Counter(reason for reason in media.values())
        for kind, count in sorted(kinds.items()):
            print(f"    {kind}: {count}  e.g. {next(u for u, r in media.items() if r == kind)}")
        for reason, count in collections.Counter(other.values()).most_common(3):
            print(f"    other: {reason}: {count}")
        for url in sorted(u for u in articles if not looks_like_article_url(u))[:3]:
            print(f"    not article-shaped: {url}")
        totals.update(links=links, articles=len(articles), shaped=shaped, media=len(media), other=len(other))
    print(f"{'total':<58} {'':>5} {totals['links']:>6} {totals['articles']:>8} {totals['shaped']:>6} "
          f"{totals['media']:>6} "
          f"{totals['other']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
