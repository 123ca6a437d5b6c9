"""How many articles the URLs in some files name: URLs vs canonical URLs (the identity before
migration 005) vs article keys (the identity after), per portal.

    python bench/identity_keys.py                 # the URLs in ../shared (notes, seeds, corpus)
    python bench/identity_keys.py urls.txt ...    # any text files holding URLs (one or many a line)
"""
from __future__ import annotations

import collections
import pathlib
import re
import sys

from beritawatch.urls import article_key, canonical_url, is_article_url, portal_of

_URL = re.compile(r"https?://[a-z0-9.-]+\.(?:detik\.com|tribunnews\.com|republika\.co\.id|tempo\.co)/[^\s\"'<>)\]]*")
SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"


def urls_in(paths: list[pathlib.Path]) -> set[str]:
    found: set[str] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        found.update(m.group(0).rstrip(".,;`|") for m in _URL.finditer(text))
    return found


def main(argv: list[str]) -> int:
    paths = [pathlib.Path(a) for a in argv] or [p for p in SHARED.rglob("*") if p.is_file()
                                                 and p.suffix in (".html", ".xml", ".json", ".md", ".txt")]
    if not paths:
        print(f"no input: pass files, or provide {SHARED}")
        return 1
    urls = urls_in(paths)
    articles = [u for u in urls if is_article_url(u)]
    print(f"{len(urls)} portal URLs, {len(articles)} of them article-shaped, in {len(paths)} files")
    print(f"{'portal':10} {'urls':>6} {'canonical':>10} {'keys':>6}")
    for portal in sorted({portal_of(u) or "?" for u in articles}):
        mine = [u for u in articles if portal_of(u) == portal]
        print(f"{portal:10} {len(mine):6} {len({canonical_url(u) for u in mine}):10} "
              f"{len({article_key(u) for u in mine}):6}")
    twins = collections.defaultdict(set)
    for url in articles:
        twins[article_key(url)].add(canonical_url(url))
    shared = {k: v for k, v in twins.items() if len(v) > 1}
    print(f"{len(shared)} identities seen under more than one canonical URL, e.g.:")
    for key, seen in list(shared.items())[:3]:
        print(f"  {key}: {', '.join(sorted(seen))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
