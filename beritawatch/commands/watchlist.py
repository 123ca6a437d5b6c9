"""`track` and `sources`: edit the config's [[track]] and [[discover]] entries in place.

The file is edited with tomlkit, so comments, order and layout stay as written. Every change is
validated by the config loader itself before the file is replaced (atomically): a value the
loader would refuse is refused here with the loader's message, and the file stays untouched.
"""
from __future__ import annotations

import argparse
import os
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

import tomlkit
import tomlkit.exceptions
from rich.console import Console
from rich.table import Table
from tomlkit.items import AoT, Array, InlineTable
from tomlkit.items import Table as TomlTable

from beritawatch.commands.base import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    UserError,
    config_path,
)
from beritawatch.config import ConfigError, config_from_dict
from beritawatch.urls import canonical_url

KINDS = ("auto", "rss", "sitemap", "index")


def read_document(path: pathlib.Path) -> tomlkit.TOMLDocument:
    """The config as an editable document (an empty one when the file does not exist yet)."""
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise UserError(f"config error: {path}: not valid TOML ({exc})", EXIT_CONFIG) from None


def write_document(path: pathlib.Path, doc: tomlkit.TOMLDocument, what: str) -> None:
    """Validate `doc` as the loader would, then replace the file atomically."""
    try:
        config_from_dict(doc.unwrap(), {})
    except ConfigError as exc:
        raise UserError(f"{what} refused, {path} unchanged: {exc}", EXIT_CONFIG) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)


def _entries(doc: tomlkit.TOMLDocument, key: str) -> AoT | Array:
    """The [[key]] array (created as an array of tables when absent)."""
    if key not in doc:
        doc.append(key, tomlkit.aot())
    value = doc[key]
    if not isinstance(value, AoT | Array):
        raise UserError(f"config error: {key}: must be an array of tables ([[{key}]])", EXIT_CONFIG)
    return value


def _url_of(entry: Any) -> str:
    return str(entry.get("url", "")) if isinstance(entry, TomlTable | InlineTable | dict) else str(entry)


def _same(a: str, b: str) -> bool:
    if a.strip() == b.strip():
        return True
    try:
        return canonical_url(a.strip()) == canonical_url(b.strip())
    except ValueError:
        return False


def _find(entries: AoT | Array, url: str) -> list[int]:
    return [i for i, entry in enumerate(entries) if _same(_url_of(entry), url)]


def _new_entry(entries: AoT | Array, values: dict[str, Any]) -> None:
    if isinstance(entries, AoT):
        table = tomlkit.table()
        for name, value in values.items():
            table[name] = value
        table.add(tomlkit.nl())  # a blank line before whatever follows, as a person would write it
        entries.append(table)
    else:
        inline = tomlkit.inline_table()
        inline.update(values)
        entries.append(inline)


# -- track ---------------------------------------------------------------------------------------

def track_add(args: argparse.Namespace) -> int:
    path = config_path(args)
    doc = read_document(path)
    entries = _entries(doc, "track")
    if _find(entries, args.url):
        print(f"already tracked: {args.url}")
        return EXIT_OK
    _new_entry(entries, {"url": args.url, **({"label": args.label} if args.label else {})})
    write_document(path, doc, f"track add {args.url!r}")
    print(f"tracking {args.url} (in {path}); the next pass checks it")
    return EXIT_OK


def _set_paused(args: argparse.Namespace, paused: bool) -> int:
    path = config_path(args)
    doc = read_document(path)
    entries = _entries(doc, "track")
    found = _find(entries, args.url)
    if not found:
        raise UserError(f"not tracked in {path}: {args.url} (see `beritawatch track list`)", EXIT_FAILED)
    for i in found:
        entry = entries[i]
        if not isinstance(entry, TomlTable | InlineTable):  # a bare URL string: becomes {url, paused}
            entry = tomlkit.inline_table()
            entry.update({"url": _url_of(entries[i])})
            entries[i] = entry
        if paused:
            entry["paused"] = True
        elif "paused" in entry:
            del entry["paused"]
    write_document(path, doc, f"track {'pause' if paused else 'resume'} {args.url!r}")
    print(f"{'paused' if paused else 'resumed'}: {args.url}")
    return EXIT_OK


def track_pause(args: argparse.Namespace) -> int:
    return _set_paused(args, True)


def track_resume(args: argparse.Namespace) -> int:
    return _set_paused(args, False)


def _remove(args: argparse.Namespace, key: str, noun: str) -> int:
    path = config_path(args)
    doc = read_document(path)
    entries = _entries(doc, key)
    found = _find(entries, args.url)
    if not found:
        raise UserError(f"no {noun} {args.url} in {path}", EXIT_FAILED)
    for i in reversed(found):
        del entries[i]
    write_document(path, doc, f"{noun} remove {args.url!r}")
    print(f"removed {noun}: {args.url} (its history stays in the warehouse)")
    return EXIT_OK


def track_remove(args: argparse.Namespace) -> int:
    return _remove(args, "track", "tracked article")


def _print_table(title: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    console = Console()
    if not console.is_terminal:  # plain tab-separated lines for scripts
        for row in rows:
            print("\t".join(row))
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def track_list(args: argparse.Namespace) -> int:
    from beritawatch.commands.base import load

    config = load(args)
    rows = [(t.url, t.label or "", "paused" if t.paused else "tracked") for t in config.track]
    _print_table(f"{len(rows)} tracked articles ({config_path(args)})", ("url", "label", "state"), rows)
    return EXIT_OK


# -- sources -------------------------------------------------------------------------------------

def sources_add(args: argparse.Namespace) -> int:
    path = config_path(args)
    doc = read_document(path)
    entries = _entries(doc, "discover")
    if _find(entries, args.url):
        print(f"already a source: {args.url}")
        return EXIT_OK
    values: dict[str, Any] = {"url": args.url, "kind": args.kind}
    if args.every is not None:
        values["every_minutes"] = args.every
    _new_entry(entries, values)
    write_document(path, doc, f"sources add {args.url!r}")
    print(f"polling {args.url} ({args.kind}) from the next pass (in {path})")
    return EXIT_OK


def sources_remove(args: argparse.Namespace) -> int:
    return _remove(args, "discover", "source")


def sources_list(args: argparse.Namespace) -> int:
    from beritawatch.commands.base import load

    config = load(args)
    rows = [(s.url, s.kind, f"{s.every_minutes:g}") for s in config.discover]
    _print_table(f"{len(rows)} discovery sources ({config_path(args)})", ("url", "kind", "every (min)"), rows)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: Callable[[argparse.ArgumentParser], None]) -> None:
    """The `track` and `sources` commands."""
    track = sub.add_parser("track", help="add, list, pause, resume or remove tracked articles (edits the config)")
    track_sub = track.add_subparsers(dest="action", required=True)
    for name, func, helptext in (("add", track_add, "track an article"),
                                 ("remove", track_remove, "stop tracking an article"),
                                 ("pause", track_pause, "keep it in the config, check it no more"),
                                 ("resume", track_resume, "check a paused article again")):
        p = track_sub.add_parser(name, help=helptext)
        common(p)
        p.add_argument("url")
        if name == "add":
            p.add_argument("--label", help="a note shown by `track list`")
        p.set_defaults(func=func)
    listing = track_sub.add_parser("list", help="the tracked articles")
    common(listing)
    listing.set_defaults(func=track_list)

    sources = sub.add_parser("sources", help="add, list or remove discovery sources (edits the config)")
    sources_sub = sources.add_subparsers(dest="action", required=True)
    add = sources_sub.add_parser("add", help="poll a feed, sitemap or index page for new articles")
    common(add)
    add.add_argument("url")
    add.add_argument("--kind", choices=KINDS, default="auto")
    add.add_argument("--every", type=float, default=None, help="minutes between polls (default 10)")
    add.set_defaults(func=sources_add)
    remove = sources_sub.add_parser("remove", help="stop polling a source")
    common(remove)
    remove.add_argument("url")
    remove.set_defaults(func=sources_remove)
    listing = sources_sub.add_parser("list", help="the discovery sources")
    common(listing)
    listing.set_defaults(func=sources_list)
