"""Host -> portal parser, built from the portal packs (parsers/portals/); unknown hosts get the generic fallback."""
from __future__ import annotations

from typing import NamedTuple

from parsers import generic
from parsers.common import host_of
from parsers.pack import Parser
from parsers.portals import PACKS
from parsers.region import Region


class Site(NamedTuple):
    """A registered portal: its name, its parser, and where its article sits in the raw HTML (per template)."""

    portal: str
    parse: Parser
    regions: tuple[Region, ...] = ()


# registrable domain -> site; every subdomain of a domain belongs to it
SITES: dict[str, Site] = {pack.domain: Site(pack.name, pack.parse, pack.regions) for pack in PACKS}
GENERIC = Site("generic", generic.parse)


def lookup(url: str) -> tuple[str | None, Site]:
    """(registrable domain, site) for the URL's host; (None, GENERIC) for unknown hosts."""
    host = host_of(url)
    for domain, site in SITES.items():
        if host == domain or host.endswith("." + domain):
            return domain, site
    return None, GENERIC
