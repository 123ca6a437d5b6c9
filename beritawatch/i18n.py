"""Every word a person reads, in Indonesian and English, and the number and date formats of each.

One output speaks one language, chosen once by `[ui] language` ("id" by default). Messages are
looked up by key; a message is one template, or a (singular, plural) pair where a language
inflects for number (Indonesian does not). Times are shown in Jakarta time (WIB, UTC+7, no
daylight saving time) in both languages.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, get_args

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "id"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
DISPLAY_TIMEZONE = "Asia/Jakarta"

Text = str | tuple[str, str]  # one template, or (singular, plural)

MESSAGES: dict[str, dict[Language, Text]] = {
    # alert kinds and edit kinds
    "kind.new": {"id": "Baru", "en": "New"},
    "kind.edit": {"id": "Diedit", "en": "Edited"},
    "kind.removed": {"id": "Dihapus", "en": "Removed"},
    "kind.restored": {"id": "Dipulihkan", "en": "Restored"},
    "kind.health": {"id": "Kesehatan portal", "en": "Portal health"},
    "kind.digest": {"id": "Ringkasan", "en": "Digest"},
    "kind.story": {"id": "Cerita sama", "en": "Same story"},
    "edit.minor": {"id": "kecil", "en": "minor"},
    "edit.substantive": {"id": "substantif", "en": "substantive"},
    "edit.rewrite": {"id": "ditulis ulang", "en": "rewrite"},
    # stories across portals (beritawatch/stories)
    "story.also_in": {"id": "Juga di: {listed}. Cerita yang sama pertama kali dimuat {first}.",
                      "en": "Also in: {listed}. The same story was first published by {first}."},
    "story.adds_facts": {"id": "Cerita yang sama dengan {first} (“{title}”), dengan fakta tambahan: {facts}.",
                         "en": "The same story as {first} (“{title}”), with additional facts: {facts}."},
    "story.role.first": {"id": "pertama", "en": "first"},
    "story.role.copy": {"id": "salinan", "en": "copy"},
    "story.role.rewrite": {"id": "tulis ulang", "en": "rewrite"},
    "story.role.follow-up": {"id": "lanjutan", "en": "follow-up"},
    "story.diff.added": {"id": "hanya di sini", "en": "only here"},
    "story.diff.missing": {"id": "tidak dimuat", "en": "left out"},
    "story.diff.changed": {"id": "berbeda", "en": "different"},
    "story.diff.edited_after": {"id": "disunting setelah outlet lain terbit",
                                "en": "edited after another outlet published"},
    "story.reason.numbers": {"id": "angka", "en": "numbers"},
    "story.reason.quotes": {"id": "kutipan", "en": "quotes"},
    "story.reason.names": {"id": "nama", "en": "names"},
    "story.reason.attributions": {"id": "sumber", "en": "attributions"},
    "story.reason.negation": {"id": "negasi", "en": "negation"},
    "story.reason.reworded": {"id": "susunan kata", "en": "wording"},
    "story.page.page_title": {"id": "Cerita", "en": "Story"},
    "story.page.all_stories": {"id": "Cerita lintas portal", "en": "Stories across portals"},
    "story.page.none_stories": {"id": "Belum ada cerita yang dimuat lebih dari satu portal.",
                                "en": "No story has been published by more than one portal yet."},
    "story.page.outlets": {"id": "outlet", "en": "outlets"},
    "story.page.started": {"id": "mulai", "en": "started"},
    "story.page.new_facts": {"id": "fakta baru", "en": "new facts"},
    "story.page.members": {"id": "Anggota cerita", "en": "Members of the story"},
    "story.page.timeline": {"id": "Linimasa", "en": "Timeline"},
    "story.page.differences": {"id": "Perbedaan antar-outlet", "en": "Differences between outlets"},
    "story.page.reference": {"id": "Dibandingkan dengan", "en": "Compared with"},
    "story.page.role": {"id": "Peran", "en": "Role"},
    "story.page.similarity": {"id": "Kemiripan", "en": "Similarity"},
    "story.page.published": {"id": "Terbit/terlihat", "en": "Published/seen"},
    "story.page.none": {"id": "Tidak ada perbedaan.", "en": "No differences."},
    "story.page.back": {"id": "Kembali ke laporan", "en": "Back to the report"},
    "story.page.more_rows": {
        "id": "… {n} perbedaan lain anggota ini tidak ditampilkan (view SQL story_differences).",
        "en": ("… {n} more difference of this member not shown (SQL view story_differences).",
               "… {n} more differences of this member not shown (SQL view story_differences).")},
    "story.page.more_members": {
        "id": "Perbedaan {members} anggota lain ({n} baris) tidak ditampilkan di halaman ini: "
              "SELECT * FROM story_differences WHERE story_id = {story}.",
        "en": ("The differences of {members} more members ({n} row) are not shown on this page: "
               "SELECT * FROM story_differences WHERE story_id = {story}.",
               "The differences of {members} more members ({n} rows) are not shown on this page: "
               "SELECT * FROM story_differences WHERE story_id = {story}.")},
    # alert lines
    "alert.edit_kind": {"id": "Jenis suntingan:", "en": "Edit kind:"},
    "alert.old_title": {"id": "Judul sebelumnya:", "en": "Previous title:"},
    "alert.story_facts": {"id": "Kalimat dengan fakta baru", "en": "Sentences with new facts"},
    "alert.published": {"id": "Terbit:", "en": "Published:"},
    "alert.relevance": {"id": "Relevansi artikel:", "en": "Article relevance:"},
    "alert.edit_score": {"id": "Skor topik suntingan:", "en": "Edit topic score:"},
    "alert.article_score": {"id": "skor artikel", "en": "article score"},
    "alert.terms": {"id": "Kata kunci:", "en": "Key terms:"},
    "alert.gone": {"id": "Artikel tidak lagi tersedia.", "en": "The article is no longer available."},
    "alert.back": {"id": "Artikel kembali tersedia.", "en": "The article is available again."},
    "alert.problem": {"id": "Masalah:", "en": "Problem:"},
    "alert.reason": {"id": "Keterangan:", "en": "Reason:"},
    "alert.summary": {"id": "Ringkasan:", "en": "Summary:"},
    "alert.added": {"id": "Kalimat ditambahkan", "en": "Sentences added"},
    "alert.removed": {"id": "Kalimat dihapus", "en": "Sentences removed"},
    "alert.changed": {"id": "Kalimat diubah", "en": "Sentences changed"},
    "alert.continued": {"id": " (lanjutan)", "en": " (continued)"},
    "alert.read": {"id": "Baca:", "en": "Read:"},
    "alert.more_sentences": {"id": ("… dan {n} kalimat lainnya tidak ditampilkan.",) * 2,
                             "en": ("… and {n} more sentence not shown.", "… and {n} more sentences not shown.")},
    "alert.full_text": {"id": " Selengkapnya: ", "en": " Full text: "},
    "alert.part": {"id": " (bagian {part}/{parts})", "en": " (part {part}/{parts})"},
    "alert.test_title": {"id": "[Uji] beritawatch", "en": "[Test] beritawatch"},
    "alert.test_body": {"id": "Pesan uji dari beritawatch: target ini menerima peringatan.",
                        "en": "A test message from beritawatch: this target receives alerts."},
    "digest.count": {"id": ("{n} peringatan",) * 2, "en": ("{n} alert", "{n} alerts")},
    "digest.more": {"id": "… dan {n} lainnya", "en": "… and {n} more"},
    "digest.more_groups": {"id": ("… dan {n} kelompok lainnya",) * 2,
                           "en": ("… and {n} more group", "… and {n} more groups")},
    # edit summaries (the stored record stays machine-readable; this is how a person reads it)
    "sum.title": {"id": "judul diubah", "en": "title changed"},
    "sum.lede": {"id": "paragraf pembuka diubah", "en": "lede changed"},
    "sum.added": {"id": ("{n} kalimat ditambahkan",) * 2, "en": ("{n} sentence added", "{n} sentences added")},
    "sum.removed": {"id": ("{n} kalimat dihapus",) * 2, "en": ("{n} sentence removed", "{n} sentences removed")},
    "sum.changed": {"id": ("{n} kalimat diubah",) * 2, "en": ("{n} sentence changed", "{n} sentences changed")},
    "sum.moved": {"id": ("{n} kalimat dipindah",) * 2, "en": ("{n} sentence moved", "{n} sentences moved")},
    "sum.numbers": {"id": "angka: {old} → {new}", "en": "numbers: {old} → {new}"},
    "sum.quotes_added": {"id": ("{n} kutipan ditambahkan",) * 2, "en": ("{n} quote added", "{n} quotes added")},
    "sum.quotes_removed": {"id": ("{n} kutipan dihapus",) * 2, "en": ("{n} quote removed", "{n} quotes removed")},
    "sum.sources_added": {"id": "narasumber baru: {names}", "en": "new sources: {names}"},
    "sum.sources_removed": {"id": "narasumber hilang: {names}", "en": "sources dropped: {names}"},
    "sum.none": {"id": "perubahan kecil pada kata", "en": "small wording change"},
    # counted things (report, CLI)
    "n.edits": {"id": ("{n} suntingan",) * 2, "en": ("{n} edit", "{n} edits")},
    "n.removals": {"id": ("{n} penghapusan",) * 2, "en": ("{n} removal", "{n} removals")},
    "n.versions": {"id": ("{n} versi",) * 2, "en": ("{n} version", "{n} versions")},
    "n.articles": {"id": ("{n} artikel",) * 2, "en": ("{n} article", "{n} articles")},
    "n.portals": {"id": ("{n} portal",) * 2, "en": ("{n} portal", "{n} portals")},
    "n.new": {"id": ("{n} baru",) * 2, "en": ("{n} new", "{n} new")},
    # the report
    "r.title": {"id": "Laporan beritawatch", "en": "beritawatch report"},
    "r.generated": {"id": "Dibuat {now} · pass terakhir dimulai {last} · waktu dalam WIB (Asia/Jakarta)",
                    "en": "Generated {now} · last pass started {last} · times in WIB (Asia/Jakarta)"},
    "r.recorded": {"id": "artikel tercatat", "en": "articles recorded"},
    "r.interesting": {"id": "dipantau atau relevan", "en": "tracked or relevant"},
    "r.versions": {"id": "versi", "en": "versions"},
    "r.edits": {"id": "suntingan", "en": "edits"},
    "r.removals": {"id": "penghapusan", "en": "removals"},
    "r.stories": {"id": "Cerita lintas portal", "en": "Stories across portals"},
    "r.timeline": {"id": "Lini masa liputan", "en": "Coverage timeline"},
    "r.timeline_note": {
        "id": "Artikel yang dipantau atau relevan per hari dan portal, {first} s.d. {last}; liputan yang lebih "
              "lama dijumlahkan di kolom pertama. {other} artikel lain yang tercatat tidak digambarkan.",
        "en": "Tracked or relevant articles per day and portal, {first} to {last}; older coverage is counted "
              "in the first column. {other} other recorded articles are not charted."},
    "r.timeline_empty": {"id": "Belum ada liputan untuk digambarkan.", "en": "No coverage to chart yet."},
    "r.timeline_label": {"id": "Lini masa liputan per portal", "en": "Coverage timeline per portal"},
    "r.before": {"id": "sebelum {day}", "en": "before {day}"},
    "r.seen": {"id": "pertama terlihat", "en": "first seen"},
    "r.published": {"id": "terbit", "en": "published"},
    "r.edited": {"id": "diedit", "en": "edited"},
    "r.removed": {"id": "dihapus", "en": "removed"},
    "r.bin_tip": {"id": "{portal} · {label}: {seen} pertama terlihat, {published} terbit, {edits}, {removals}",
                  "en": "{portal} · {label}: {seen} first seen, {published} published, {edits}, {removals}"},
    "r.articles": {"id": "Artikel relevan", "en": "Relevant articles"},
    "r.articles_note": {
        "id": "Artikel yang dipantau dan yang relevan dengan topik, terbaru dulu. Judul membuka riwayat versi "
              "di laporan ini; “asli” membuka halaman portal.",
        "en": "Tracked articles and those relevant to a topic, newest first. The title opens the version "
              "history in this report; “original” opens the portal's page."},
    "r.list_part": {"id": "Artikel {first}–{last} dari {total}, {size} per halaman.",
                    "en": "Articles {first}–{last} of {total}, {size} per page."},
    "r.list_title": {"id": "Artikel relevan, halaman {page} dari {pages}",
                     "en": "Relevant articles, page {page} of {pages}"},
    "r.pages": {"id": "Halaman:", "en": "Pages:"},
    "r.original": {"id": "asli", "en": "original"},
    "r.no_articles": {"id": "Belum ada artikel yang dipantau atau relevan.",
                      "en": "No tracked or relevant article yet."},
    "r.col.portal": {"id": "Portal", "en": "Portal"},
    "r.col.title": {"id": "Judul", "en": "Title"},
    "r.col.published": {"id": "Terbit", "en": "Published"},
    "r.col.first_seen": {"id": "Pertama terlihat", "en": "First seen"},
    "r.col.versions": {"id": "Versi", "en": "Versions"},
    "r.col.edits": {"id": "Suntingan", "en": "Edits"},
    "r.col.status": {"id": "Status", "en": "Status"},
    "r.col.when": {"id": "Waktu", "en": "When"},
    "r.col.what": {"id": "Apa", "en": "What"},
    "r.col.article": {"id": "Artikel", "en": "Article"},
    "r.col.detail": {"id": "Rincian", "en": "Detail"},
    "r.col.fetches": {"id": "Pengambilan", "en": "Fetches"},
    "r.col.ok": {"id": "OK", "en": "OK"},
    "r.col.not_modified": {"id": "Tidak berubah", "en": "Not modified"},
    "r.col.failed": {"id": "Gagal, per hasil", "en": "Failed, by outcome"},
    "r.col.outcome": {"id": "Hasil", "en": "Outcome"},
    "r.col.error": {"id": "Galat", "en": "Error"},
    "r.col.seen": {"id": "Terlihat", "en": "Seen"},
    "r.col.paragraphs": {"id": "Paragraf", "en": "Paragraphs"},
    "r.col.characters": {"id": "Karakter", "en": "Characters"},
    "r.col.change": {"id": "Perubahan", "en": "Change"},
    "r.changes": {"id": "Perubahan terbaru", "en": "Recent changes"},
    "r.no_changes": {"id": "Belum ada suntingan atau penghapusan.", "en": "No edit or removal yet."},
    "r.health": {"id": "Kegagalan dan kesehatan portal", "en": "Failures and portal health"},
    "r.health_note": {"id": "Hasil pengambilan selama {n} pass terakhir.",
                      "en": "Fetch outcomes over the last {n} passes."},
    "r.no_fetch": {"id": "Belum ada pengambilan.", "en": "No fetch yet."},
    "r.warnings": {"id": "Peringatan kesehatan portal", "en": "Portal health warnings"},
    "r.failing": {"id": "Artikel yang gagal sekarang", "en": "Articles failing now"},
    "r.failing_note": {
        "id": "Pengambilan gagal terakhir dari tiap artikel yang galat, diduga dihapus, atau dihapus (paling "
              "banyak {n}).",
        "en": "Latest failed fetch of each article that is in error, suspected removed or removed (at most {n})."},
    "r.back": {"id": "← laporan", "en": "← report"},
    "r.tracked": {"id": "dipantau", "en": "tracked"},
    "r.discovered": {"id": "ditemukan", "en": "discovered"},
    "r.relevance": {"id": "relevansi {score}", "en": "relevance {score}"},
    "r.dates": {"id": "Terbit {published} · pertama terlihat {seen} · terakhir dicek {checked}",
                "en": "Published {published} · first seen {seen} · last checked {checked}"},
    "r.original_link": {"id": "Asli:", "en": "Original:"},
    "r.events": {"id": "Peristiwa", "en": "Events"},
    "r.versions_title": {"id": "Versi", "en": "Versions"},
    "r.no_versions": {"id": "Belum ada versi tersimpan (belum pernah berhasil diambil).",
                      "en": "No version stored (never fetched successfully)."},
    "r.first_version": {"id": "versi pertama", "en": "first version"},
    "r.diffs": {"id": "Perubahan, terbaru dulu", "en": "Changes, newest first"},
    "r.diffs_shown": {"id": "Menampilkan {shown} perubahan terakhir dari {total}.",
                      "en": "Showing the latest {shown} of {total} changes."},
    "r.one_version": {"id": "Baru ada satu versi.", "en": "Only one version so far."},
    "r.diff_heading": {"id": "Versi {number} · terlihat {seen} · perubahan dari versi {base}",
                       "en": "Version {number} · seen {seen} · changes from version {base}"},
    "r.title_label": {"id": "Judul:", "en": "Title:"},
    "r.whole_block": {"id": "Blok panjang yang ditulis ulang ditampilkan utuh, tidak kata per kata.",
                      "en": "A long rewritten block is shown whole, not word by word."},
    "r.fulltext": {"id": "Teks lengkap", "en": "Full text"},
    "r.version_of": {"id": "Versi {number} ({seen})", "en": "Version {number} ({seen})"},
    "r.by": {"id": " · oleh {authors}", "en": " · by {authors}"},
    "r.unchanged_body": {"id": "Isi artikel tidak berubah.", "en": "The body text did not change."},
    "r.skip": {"id": ("⋯ {n} paragraf tidak berubah ⋯",) * 2,
               "en": ("⋯ {n} unchanged paragraph ⋯", "⋯ {n} unchanged paragraphs ⋯")},
    "r.cut": {"id": "Perbedaan dipotong pada {words} kata: {n} paragraf berubah lainnya tidak ditampilkan. "
                    "Teks lengkap tiap versi ada di bawah.",
              "en": "Diff cut at {words} words: {n} more changed paragraph(s) not shown. The full text of "
                    "each version is below."},
    "r.not_link": {"id": "bukan tautan http(s)", "en": "not an http(s) link"},
    "status.ok": {"id": "ok", "en": "ok"},
    "status.removed": {"id": "dihapus", "en": "removed"},
    "status.removal_suspected": {"id": "diduga dihapus", "en": "removal suspected"},
    "status.error": {"id": "galat", "en": "error"},
    "status.restored": {"id": "dipulihkan", "en": "restored"},
    "status.revert": {"id": "kembali ke versi lama", "en": "reverted"},
    "status.retired": {"id": "pensiun", "en": "retired"},
    # the Prefect artifact of a pass (beritawatch/artifact.py)
    "art.title": {"id": "Pass beritawatch", "en": "beritawatch pass"},
    "art.run": {"id": "Run {run}", "en": "Run {run}"},
    "art.no_run": {"id": "Run (tanpa id)", "en": "Run (no id)"},
    "art.checked": {"id": "**{n}** dicek", "en": "**{n}** checked"},
    "art.new": {"id": "**{n}** artikel baru ({relevant} relevan)", "en": "**{n}** new articles ({relevant} relevant)"},
    "art.edits": {"id": "**{n}** suntingan", "en": "**{n}** edits"},
    "art.removals": {"id": "**{n}** penghapusan", "en": "**{n}** removals"},
    "art.failures": {"id": "**{n}** kegagalan", "en": "**{n}** failures"},
    "art.alerts": {"id": "**{n}** peringatan", "en": "**{n}** alerts"},
    "art.per_portal": {"id": "Per portal", "en": "Per portal"},
    "art.col.portal": {"id": "Portal", "en": "Portal"},
    "art.col.checked": {"id": "Dicek", "en": "Checked"},
    "art.col.fetched": {"id": "Diunduh", "en": "Fetched"},
    "art.col.unchanged": {"id": "Tetap", "en": "Unchanged"},
    "art.col.new_articles": {"id": "Baru", "en": "New"},
    "art.col.new_versions": {"id": "Diedit", "en": "Edited"},
    "art.col.reverts": {"id": "Kembali", "en": "Reverts"},
    "art.col.held": {"id": "Ditahan", "en": "Held"},
    "art.col.removed": {"id": "Dihapus", "en": "Removed"},
    "art.col.errors": {"id": "Galat", "en": "Errors"},
    "art.col.outcomes": {"id": "Hasil", "en": "Outcomes"},
    "art.col.outcome": {"id": "Hasil", "en": "Outcome"},
    "art.col.count": {"id": "Jumlah", "en": "Count"},
    "art.col.examples": {"id": "Contoh", "en": "Examples"},
    "art.total": {"id": "Total", "en": "Total"},
    "art.coverage": {"id": "Liputan baru ({n})", "en": "New coverage ({n})"},
    "art.relevant": {"id": "**relevan**", "en": "**relevant**"},
    "art.not_relevant": {"id": "tidak relevan", "en": "not relevant"},
    "art.edit_list": {"id": "Suntingan ({n})", "en": "Edits ({n})"},
    "art.removal_list": {"id": "Penghapusan ({n})", "en": "Removals ({n})"},
    "art.other_events": {"id": "Kejadian lain ({n})", "en": "Other events ({n})"},
    "art.failure_list": {"id": "Kegagalan ({n})", "en": "Failures ({n})"},
    "art.none": {"id": "Tidak ada.", "en": "None."},
    "art.more": {"id": "… dan {n} lainnya", "en": "… and {n} more"},
    "art.discovery": {"id": "Penemuan", "en": "Discovery"},
    "art.no_discovery": {"id": "Tidak ada hitungan penemuan.", "en": "No discovery counts."},
    "art.delivery": {"id": "Pengiriman", "en": "Delivery"},
    "art.no_delivery": {"id": "Tidak ada laporan pengiriman.", "en": "No delivery report."},
    "art.planned": {"id": "direncanakan **{n}**", "en": "planned **{n}**"},
    "art.sent": {"id": "terkirim **{n}**", "en": "sent **{n}**"},
    "art.retried_later": {"id": "dicoba lagi nanti **{n}**", "en": "retried later **{n}**"},
    "art.failed": {"id": "gagal **{n}**", "en": "failed **{n}**"},
    "art.unknown_targets": {"id": "target tak dikenal **{n}**", "en": "unknown targets **{n}**"},
    "art.description": {"id": "{checked} dicek, {new} baru, {edited} diedit, {removed} dihapus, {failures} kegagalan",
                        "en": "{checked} checked, {new} new, {edited} edited, {removed} removed, {failures} failures"},
    # CLI
    "cli.diff_header": {"id": "versi {old} ({old_seen}) → versi {new} ({new_seen})",
                        "en": "version {old} ({old_seen}) → version {new} ({new_seen})"},
    "cli.same_version": {"id": "(versi yang sama)", "en": "(the same version)"},
    "cli.portal": {"id": "portal", "en": "portal"},
    "cli.checked": {"id": "dicek", "en": "checked"},
    "cli.fetched": {"id": "diunduh", "en": "fetched"},
    "cli.unchanged": {"id": "tetap", "en": "unchanged"},
    "cli.new": {"id": "baru", "en": "new"},
    "cli.edited": {"id": "diedit", "en": "edited"},
    "cli.errors": {"id": "galat", "en": "errors"},
    "cli.nothing_due": {"id": "(tidak ada yang jatuh tempo)", "en": "(nothing due)"},
    # `alerts`: pending and failed deliveries, and what was sent
    "cli.no_pending": {"id": "tidak ada pengiriman yang tertunda atau gagal", "en": "no pending or failed deliveries"},
    "cli.delivery.pending": {"id": "tertunda", "en": "pending"},
    "cli.delivery.failed": {"id": "gagal", "en": "failed"},
    "cli.pending.new": {"id": "baru", "en": "new"},
    "cli.pending.edit": {"id": "diedit", "en": "edit"},
    "cli.pending.removed": {"id": "dihapus", "en": "removed"},
    "cli.pending.restored": {"id": "pulih", "en": "restored"},
    "cli.pending.health": {"id": "portal", "en": "health"},
    "cli.pending.story": {"id": "cerita", "en": "story"},
    "cli.pending.digest": {"id": "ringkasan", "en": "digest"},
    "cli.attempts": {"id": "percobaan={n}", "en": "attempts={n}"},
    "cli.next_try": {"id": ", dicoba lagi {when}", "en": ", next try {when}"},
    "cli.last_error": {"id": "galat terakhir: {error}", "en": "last error: {error}"},
    "cli.retried": {"id": "direncanakan {planned}, terkirim {sent}, dicoba lagi nanti {later}, menyerah {failed}, "
                          "target tak dikenal {unknown}",
                    "en": "planned {planned}, sent {sent}, will retry {later}, gave up {failed}, "
                          "unknown targets {unknown}"},
    "cli.nothing_sent": {"id": "tidak ada yang terkirim sejak {since}", "en": "nothing sent since {since}"},
    # `explain`: which article, and its topic score with the evidence
    "explain.article": {"id": "Artikel: {url}", "en": "Article: {url}"},
    "explain.by_alias": {"id": "  ditemukan lewat alamatnya {alias} ({kind})",
                         "en": "  found through its address {alias} ({kind})"},
    "explain.by_canonical": {"id": "  ditemukan lewat bentuk kanonis {alias}",
                             "en": "  found through the canonical form {alias}"},
    "explain.by_key": {"id": "  ditemukan lewat identitasnya {key}", "en": "  found through its identity {key}"},
    "explain.fetched": {"id": "Tidak ada di gudang data; diambil sekarang: {url}",
                        "en": "Not in the warehouse; fetched now: {url}"},
    "alias.track": {"id": "dipantau", "en": "tracked"},
    "alias.discover": {"id": "didaftar sumber", "en": "listed by a source"},
    "alias.redirect": {"id": "pengalihan", "en": "a redirect"},
    "alias.canonical": {"id": "tautan kanonis", "en": "the canonical link"},
    "alias.merged": {"id": "artikel yang digabung", "en": "a merged article"},
    "explain.relevant": {"id": "RELEVAN", "en": "RELEVANT"},
    "explain.not_relevant": {"id": "tidak relevan", "en": "not relevant"},
    "explain.verdict": {"id": "{verdict}: {label} — skor {score} (ambang {threshold})",
                        "en": "{verdict}: {label} — score {score} (threshold {threshold})"},
    "explain.windows": {"id": "  {n} kemunculan bersama {groups} dalam ±{window} kalimat:",
                        "en": "  {n} co-occurrence(s) of {groups} within ±{window} sentence(s):"},
    "explain.hit": {"id": "  [{zone} s{sentence}] +{weight} ({link}; jendela {span})",
                    "en": "  [{zone} s{sentence}] +{weight} ({link}; window {span})"},
    "explain.linked": {"id": "ada kata transaksi", "en": "linked"},
    "explain.unlinked": {"id": "tanpa kata transaksi", "en": "no link word"},
    "explain.no_window": {"id": "  tidak ada jendela yang memuat {groups} (±{window} kalimat)",
                          "en": "  no window holds {groups} (±{window} sentence(s))"},
    "explain.seen": {"id": "  terlihat: {found}", "en": "  seen: {found}"},
    "explain.no_terms": {"id": "tidak ada istilah topik sama sekali", "en": "no topic terms at all"},
    "explain.never_seen": {"id": "  tidak pernah terlihat: {groups}", "en": "  never seen: {groups}"},
    "zone.title": {"id": "judul", "en": "title"},
    "zone.lede": {"id": "teras", "en": "lede"},
    "zone.body": {"id": "isi", "en": "body"},
}

_MONTHS: dict[Language, tuple[str, ...]] = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def check_language(value: object) -> Language:
    """`value` as a Language, or ValueError naming the choices."""
    for language in LANGUAGES:
        if value == language:
            return language
    raise ValueError(f"must be one of {', '.join(repr(x) for x in LANGUAGES)}, got {value!r}")


def t(key: str, lang: Language = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The message `key` in `lang`, with `{name}` fields filled; `n` picks singular or plural."""
    text = MESSAGES[key][lang]
    if isinstance(text, tuple):
        text = text[0] if values.get("n") == 1 else text[1]
    return text.format(**values) if values else text


def number(value: float, lang: Language = DEFAULT_LANGUAGE, digits: int = 2) -> str:
    """`value` with `digits` decimals: "1.234,50" in Indonesian, "1,234.50" in English."""
    text = f"{value:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def count(value: int, lang: Language = DEFAULT_LANGUAGE) -> str:
    """A whole number with the language's thousands separator."""
    return number(value, lang, 0)


def when(value: dt.datetime | None, lang: Language = DEFAULT_LANGUAGE, *, time: bool = True) -> str:
    """A moment as read in Jakarta: "4 Des 2026 09:30 WIB" (naive values are taken as UTC)."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(WIB)
    day = f"{local.day} {_MONTHS[lang][local.month - 1]} {local.year}"
    return f"{day} {local:%H:%M} WIB" if time else day


def moment(value: dt.datetime, lang: Language = DEFAULT_LANGUAGE) -> str:
    """A moment in its own zone, to the second: "4 Des 2026 09:30:05 WIB" (for `sql`)."""
    if value.tzinfo is None:
        return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year} {value:%H:%M:%S}"
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year} {value:%H:%M:%S} {value.tzname()}"


def month(day: dt.date, lang: Language = DEFAULT_LANGUAGE) -> str:
    """ "Des 2026" / "Dec 2026"."""
    return f"{_MONTHS[lang][day.month - 1]} {day.year}"


def short_day(day: dt.date, lang: Language = DEFAULT_LANGUAGE) -> str:
    """ "4 Des" / "4 Dec"."""
    return f"{day.day} {_MONTHS[lang][day.month - 1]}"


def catalogue(lang: Language) -> Mapping[str, Text]:
    """Every message of one language (for templates and tests)."""
    return {key: texts[lang] for key, texts in MESSAGES.items()}
