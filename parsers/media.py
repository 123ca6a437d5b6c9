"""Pages that are media, not news text: a video, a web story, a podcast, a gallery without a story.

Recognised by the page itself (its declared type, a player, how little text it carries), so that a
media page that reached a parser becomes a not-article and never an article version. Every portal
parser and the generic one ask this through `common.non_article_reason`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from parsers.query import select, select_first

if TYPE_CHECKING:
    from parsers.common import Page

MEDIA = "media"  # not_article reasons start with this: "media: video"
CAPTION_MAX_CHARS = 400  # a player's or gallery's description; a news story is longer
DECLARED_VIDEO_MAX_CHARS = 1200  # a page declaring itself a video may carry a longer blurb
VIDEO_PLAYERS = (
    "video", "amp-video", "video-js", "iframe[src*='youtube.com/embed']", "iframe[src*='youtube-nocookie.com']",
    "iframe[src*='20.detik.com']", "iframe[src*='vidio.com']", "iframe[src*='dailymotion.com']",
    "iframe[src*='player']", "[class*='video-player']", "[class*='videoplayer']", "[class*='jwplayer']",
    "[id*='video-player']", "[id^='player']",
)
AUDIO_PLAYERS = ("audio", "iframe[src*='spotify.com/embed']", "iframe[src*='anchor.fm']",
                 "iframe[src*='soundcloud.com']")
GALLERY_IMAGES = ("[class*='gallery'] img", "[class*='galeri'] img", "[class*='slide'] img", "figure img")
GALLERY_MIN_IMAGES = 3


def declares_article(page: Page) -> bool:
    """og:type article or a JSON-LD article: the page says it is one."""
    og = (page.meta.get("og:type") or "").strip().lower()
    return bool(page.ld_article) or og == "article"


def _declared_video(page: Page) -> bool:
    """og:type video.* (video.other, video.episode ...) or a JSON-LD VideoObject and no article."""
    og = (page.meta.get("og:type") or "").strip().lower()
    if og.startswith("video"):
        return True
    return not page.ld_article and any(obj.get("@type") == "VideoObject" for obj in page.jsonld)


def _has(page: Page, selectors: Sequence[str]) -> bool:
    return any(select_first(page.doc, selector) is not None for selector in selectors)


def media_reason(page: Page, body: Sequence[str]) -> str | None:
    """Why this page is media rather than an article ("media: video" ...), or None."""
    if select_first(page.doc, "amp-story") is not None:
        return f"{MEDIA}: web story"
    chars = sum(map(len, body))
    if _declared_video(page) and chars < DECLARED_VIDEO_MAX_CHARS:
        return f"{MEDIA}: video"
    if chars >= CAPTION_MAX_CHARS:
        return None  # a story with an embedded player or photos is an article (detik foto-news)
    if not declares_article(page):
        # Article pages (pages 2..N included) embed players too: only undeclared pages count.
        if _has(page, VIDEO_PLAYERS):
            return f"{MEDIA}: video"
        if _has(page, AUDIO_PLAYERS):
            return f"{MEDIA}: podcast"
    images = sum(len(select(page.doc, selector)) for selector in GALLERY_IMAGES)
    if images >= GALLERY_MIN_IMAGES and chars < CAPTION_MAX_CHARS // 2:
        return f"{MEDIA}: gallery"
    return None
