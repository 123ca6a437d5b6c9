"""Per-portal article parsers: `parse(html, url) -> Article` (placeholder until the parsers land)."""
from parsers.article import Article, ParseError, merge_pages

__all__ = ["Article", "ParseError", "merge_pages", "parse"]


def parse(html: str | bytes, url: str) -> Article:  # replaced by the registry dispatch
    raise ParseError("no parser yet")
