"""The portal packs: one folder per portal, and this explicit list of them (add a portal here)."""
from __future__ import annotations

from parsers.pack import Pack
from parsers.portals import antaranews, cnnindonesia, detik, kompas, republika, tempo, tribun

PACKS: tuple[Pack, ...] = (
    detik.PACK,
    tribun.PACK,
    republika.PACK,
    tempo.PACK,
    kompas.PACK,
    cnnindonesia.PACK,
    antaranews.PACK,
)
BY_NAME: dict[str, Pack] = {pack.name: pack for pack in PACKS}


def pack_of_host(host: str | None) -> Pack | None:
    """The pack whose domain `host` is or lies under ("kaltim.tribunnews.com" -> tribun), or None."""
    if not host:
        return None
    host = host.lower().rstrip(".")
    for pack in PACKS:
        if host == pack.domain or host.endswith("." + pack.domain):
            return pack
    return None
