"""The stories feature's words, looked up in the project's message catalogue (beritawatch.i18n)."""
from __future__ import annotations

from collections.abc import Sequence

from beritawatch import i18n
from beritawatch.i18n import DEFAULT_LANGUAGE, Language

PAGE_KEYS = ("page_title", "all_stories", "none_stories", "outlets", "started", "new_facts", "members",
             "timeline", "differences", "reference", "role", "similarity", "published", "none", "back")


def _label(prefix: str, value: str, lang: Language) -> str:
    key = f"story.{prefix}.{value}"
    return i18n.t(key, lang) if key in i18n.MESSAGES else value


def role_label(role: str, lang: Language = DEFAULT_LANGUAGE) -> str:
    """"pertama" / "first" for the role "first"; an unknown role as it is."""
    return _label("role", role, lang)


def difference_label(kind: str, lang: Language = DEFAULT_LANGUAGE) -> str:
    """How a story difference of `kind` (added, missing, changed, edited_after) is named."""
    return _label("diff", kind, lang)


def reason_label(reason: str, lang: Language = DEFAULT_LANGUAGE) -> str:
    """How a reason of a changed sentence (numbers, quotes, ...) is named."""
    return _label("reason", reason, lang)


def page_labels(lang: Language = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The story pages' fixed words."""
    return {key: i18n.t(f"story.page.{key}", lang) for key in PAGE_KEYS}


def also_in(members: Sequence[tuple[str, str]], first_portal: str, lang: Language = DEFAULT_LANGUAGE) -> str:
    """The follow-up line for later members that add nothing new: (portal, url) pairs."""
    listed = ", ".join(f"{portal} ({url})" for portal, url in members)
    return i18n.t("story.also_in", lang, listed=listed, first=first_portal)


def adds_facts(first_portal: str, first_title: str, facts: Sequence[str], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The summary of a later member that states facts the first member did not."""
    shown = ", ".join(facts[:5]) + (f" (+{len(facts) - 5})" if len(facts) > 5 else "")
    return i18n.t("story.adds_facts", lang, first=first_portal, title=first_title, facts=shown)
