"""The one explicit map from host to portal parser; unknown hosts get the generic fallback."""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from parsers import antaranews, cnnindonesia, detik, generic, kompas, republika, tempo, tribun
from parsers.article import Article
from parsers.common import Page, Region, host_of

Parser = Callable[[Page], Article]


class Site(NamedTuple):
    """A registered portal: its name, its parser, and where its article sits in the raw HTML."""

    portal: str
    parse: Parser
    region: Region | None = None


# registrable domain -> site; every subdomain of a domain belongs to it
SITES: dict[str, Site] = {
    "detik.com": Site("detik", detik.parse, detik.REGION),  # news., health., inet., finance., ...
    "tribunnews.com": Site("tribun", tribun.parse, tribun.REGION),  # www., m., kaltim., solo., ...
    "republika.co.id": Site("republika", republika.parse),  # every kanal subdomain, AMP pages too
    "tempo.co": Site("tempo", tempo.parse),  # www. (Nuxt, 2024+) and dunia., nasional., ... /read/
    "kompas.com": Site("kompas", kompas.parse),  # www. and nasional., internasional., regional., ...
    "cnnindonesia.com": Site("cnnindonesia", cnnindonesia.parse),  # www.
    "antaranews.com": Site("antaranews", antaranews.parse),  # www. and kanal subdomains (otomotif., ...)
}
GENERIC = Site("generic", generic.parse)


def lookup(url: str) -> tuple[str | None, Site]:
    """(registrable domain, site) for the URL's host; (None, GENERIC) for unknown hosts."""
    host = host_of(url)
    for domain, site in SITES.items():
        if host == domain or host.endswith("." + domain):
            return domain, site
    return None, GENERIC
