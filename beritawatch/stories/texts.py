"""Every user-facing sentence of the stories feature, in Indonesian, in one place (so it can move
into the project's message catalogue as it is)."""
from __future__ import annotations

from collections.abc import Sequence

ROLE_LABELS = {"first": "pertama", "copy": "salinan", "rewrite": "tulis ulang", "follow-up": "lanjutan"}
DIFFERENCE_LABELS = {"added": "hanya di sini", "missing": "tidak dimuat", "changed": "berbeda",
                     "edited_after": "disunting setelah outlet lain terbit"}
REASON_LABELS = {"numbers": "angka", "quotes": "kutipan", "names": "nama", "attributions": "sumber",
                 "negation": "negasi", "reworded": "susunan kata"}


def also_in(members: Sequence[tuple[str, str]], first_portal: str) -> str:
    """The follow-up line for later members that add nothing new: (portal, url) pairs."""
    listed = ", ".join(f"{portal} ({url})" for portal, url in members)
    return f"Juga di: {listed}. Cerita yang sama pertama kali dimuat {first_portal}."


def adds_facts(first_portal: str, first_title: str, facts: Sequence[str]) -> str:
    """The summary of a later member that states facts the first member did not."""
    shown = ", ".join(facts[:5]) + (f" (+{len(facts) - 5})" if len(facts) > 5 else "")
    return (f"Cerita yang sama dengan {first_portal} (“{first_title}”), dengan fakta tambahan: {shown}.")


PAGE = {
    "page_title": "Cerita",
    "all_stories": "Cerita lintas portal",
    "none_stories": "Belum ada cerita yang dimuat lebih dari satu portal.",
    "outlets": "outlet",
    "started": "mulai",
    "new_facts": "fakta baru",
    "members": "Anggota cerita",
    "timeline": "Linimasa",
    "differences": "Perbedaan antar-outlet",
    "reference": "Dibandingkan dengan",
    "role": "Peran",
    "similarity": "Kemiripan",
    "published": "Terbit/terlihat",
    "none": "Tidak ada perbedaan.",
    "back": "Kembali ke laporan",
}
