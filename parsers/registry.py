"""Host -> portal parser, built from the portal packs (parsers/portals/); unknown hosts get the generic fallback."""
from __future__ import annotations

from typing import NamedTuple

from parsers import generic
from parsers.common import Region, host_of
from parsers.pack import Parser
from parsers.portals import PACKS


class Site(NamedTuple):
    """A registered portal: its name, its parser, and where its article sits in the raw HTML."""

    portal: str
    parse: Parser
    region: Region | None = None


# registrable domain -> site; every subdomain of a domain belongs to it
# (one fast-path region per site until parse() tries several: the first of the pack's regions)
SITES: dict[str, Site] = {pack.domain: Site(pack.name, pack.parse, pack.regions[0] if pack.regions else None)
                          for pack in PACKS}
GENERIC = Site("generic", generic.parse)


def lookup(url: str) -> tuple[str | None, Site]:
    """(registrable domain, site) for the URL's host; (None, GENERIC) for unknown hosts."""
    host = host_of(url)
    for domain, site in SITES.items():
        if host == domain or host.endswith("." + domain):
            return domain, site
    return None, GENERIC
