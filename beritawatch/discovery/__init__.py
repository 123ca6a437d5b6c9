"""Discovery: which article URLs a portal's feeds, sitemaps, index pages and payloads list.

Pure functions of fetched bytes; no I/O. URLs come back absolute but not canonicalized (the caller
canonicalizes), and must pass `filter_candidates` before anything fetches them.
"""
from beritawatch.discovery.core import discover, extract_candidates, sniff
from beritawatch.discovery.model import DEFAULT_LIMITS, Candidate, Discovery, DiscoveryError, Limits, SourceKind
from beritawatch.discovery.portals import (
                                         MEDIA_SHAPES,
                                         PORTAL_DOMAINS,
                                         REASON_MEDIA,
                                         listing_reason,
                                         looks_like_article_url,
                                         media_kind,
                                         portal_of_host,
)
from beritawatch.discovery.safety import AllowedHosts, filter_candidates, registrable_domain, rejection_reason

__all__ = [
    "DEFAULT_LIMITS", "MEDIA_SHAPES", "PORTAL_DOMAINS", "REASON_MEDIA", "AllowedHosts", "Candidate", "Discovery",
    "DiscoveryError", "Limits", "SourceKind", "discover", "extract_candidates", "filter_candidates", "listing_reason",
    "looks_like_article_url", "media_kind", "portal_of_host", "registrable_domain", "rejection_reason", "sniff",
]
