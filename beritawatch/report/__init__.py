"""The static HTML report: a coverage timeline per portal, the articles of interest, and each
article's version history with a word-level inline diff (like NewsDiffs).

Self-contained files (inline CSS and SVG, no script, nothing fetched from elsewhere), written
from an open read-only warehouse connection with Jinja2 templates (`templates/`). Autoescaping
is on for every template, so everything scraped (titles, bodies, URLs, error texts) is text; a
URL becomes a link only when it is plain http(s), and every page carries a Content-Security-Policy
allowing no script at all and only the report's own stylesheet (by its hash).
"""
from __future__ import annotations

from beritawatch.report.data import Article
from beritawatch.report.diff import body_diff, word_diff
from beritawatch.report.pages import CSP, diff_html, safe_href, timeline_svg, write_report

__all__ = ["CSP", "Article", "body_diff", "diff_html", "safe_href", "timeline_svg", "word_diff", "write_report"]
