"""`diff`: how an article changed between two of its versions, in the terminal (coloured on a TTY,
plain `[-removed-]{+added+}` markers otherwise)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence

import duckdb
from rich.console import Console
from rich.text import Text

from beritawatch import i18n
from beritawatch.commands.base import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, UserError, load, warehouse
from beritawatch.report.diff import Block, Segment, body_diff, diff_blocks, word_diff
from beritawatch.urls import canonical_url

STYLES = {"+": "bold green", "-": "red strike", "=": ""}
MARKERS = {"+": ("{+", "+}"), "-": ("[-", "-]"), "=": ("", "")}
Version = tuple[int, dt.datetime, str, str]  # number, seen at, title, body


def _text(segments: Sequence[Segment], colour: bool) -> Text:
    out = Text()
    for op, chunk in segments:
        core = chunk.rstrip() if op != "=" else chunk
        tail = chunk[len(core):]
        if colour:
            out.append(core, style=STYLES[op])
        else:
            start, end = MARKERS[op]
            out.append(f"{start}{core}{end}" if core else "")
        out.append(tail)
    return out


def _versions(con: duckdb.DuckDBPyConnection, url: str) -> list[Version]:
    rows = con.execute(
        """SELECT version, seen_at, title, body FROM article_versions WHERE url = ? ORDER BY version""",
        [url]).fetchall()
    return [(int(v), seen, title or "", body or "") for v, seen, title, body in rows]


def _pick(versions: list[Version], args: argparse.Namespace) -> tuple[int, int]:
    numbers = [v[0] for v in versions]
    to = args.to if args.to is not None else numbers[-1]
    start = args.from_ if args.from_ is not None else max(to - 1, numbers[0])
    for n in (start, to):
        if n not in numbers:
            raise UserError(f"no version {n} (this article has versions {numbers[0]}–{numbers[-1]})", EXIT_CONFIG)
    return start, to


def _print_blocks(console: Console, blocks: Sequence[Block], colour: bool, lang: i18n.Language) -> None:
    for block in blocks:
        console.print()
        if block.kind == "skip":
            console.print(Text(i18n.t("r.skip", lang, n=block.count), style="dim" if colour else ""))
        elif block.kind == "cut":
            console.print(i18n.t("r.cut", lang, words=i18n.count(block.words, lang), n=block.count))
        else:
            console.print(_text([(p.op, p.text + p.tail) for p in block.pieces], colour))


def cmd_diff(args: argparse.Namespace) -> int:
    """Print the difference between two versions of an article."""
    config = load(args)
    try:
        url = canonical_url(args.url)
    except ValueError as exc:
        raise UserError(f"not an article URL: {args.url} ({exc})", EXIT_CONFIG) from None
    with warehouse(args, config, read_only=True) as con:
        versions = _versions(con, url)
    if not versions:
        raise UserError(f"no stored version of {url} (see `beritawatch sql \"SELECT url FROM articles\"`)",
                        EXIT_FAILED)
    start, to = _pick(versions, args)
    old = next(v for v in versions if v[0] == start)
    new = next(v for v in versions if v[0] == to)
    console = Console(highlight=False, soft_wrap=True)
    colour = console.is_terminal and not args.no_color
    lang = config.ui.language
    header = i18n.t("cli.diff_header", lang, old=start, new=to, old_seen=i18n.when(old[1], lang),
                    new_seen=i18n.when(new[1], lang))
    console.print(Text(f"{url}\n{header}", style="bold" if colour else ""))
    if old[2] != new[2]:
        title = _text(word_diff([old[2]], [new[2]])[0], colour)
        console.print(Text(i18n.t("r.title_label", lang) + " ").append_text(title))
    paragraphs, _ = body_diff(old[3].split("\n\n"), new[3].split("\n\n"))
    blocks = diff_blocks(paragraphs)
    if not blocks:
        console.print(i18n.t("r.unchanged_body", lang) if start != to else i18n.t("cli.same_version", lang))
    _print_blocks(console, blocks, colour, lang)
    sys.stdout.flush()
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: Callable[[argparse.ArgumentParser], None]) -> None:
    diff = sub.add_parser("diff", help="how an article changed between two versions")
    common(diff)
    diff.add_argument("url")
    diff.add_argument("--from", dest="from_", type=int, default=None,
                      help="older version (default: the one before --to)")
    diff.add_argument("--to", type=int, default=None, help="newer version (default: the latest)")
    diff.add_argument("--no-color", action="store_true", help="plain markers even on a terminal")
    diff.set_defaults(func=cmd_diff)
