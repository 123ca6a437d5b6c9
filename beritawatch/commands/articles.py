"""Commands about single articles and the stored versions: `parse`, `explain`, `reparse`, `report`."""
from __future__ import annotations

import argparse
import json
import pathlib
from typing import Any

from beritawatch import i18n
from beritawatch.commands.base import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, UserError, load, warehouse
from beritawatch.config import Config
from warehouse import lookup
from warehouse.lookup import Resolved


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the article extracted from a saved page as JSON."""
    import parsers

    try:
        html = args.file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror}", EXIT_FAILED) from None
    try:
        article = parsers.parse(html, args.url)
    except parsers.ParseError as exc:
        raise UserError(f"cannot parse {args.file}: {exc}", EXIT_FAILED) from None
    print(json.dumps(article.to_json(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """Score an article (a saved page, or a URL from the warehouse or the network) and say which
    article it is and why it scores as it does."""
    from beritawatch.relevance import default_topics, score_article

    config = load(args)
    lang = config.ui.language
    topics = config.topics or default_topics()
    path = pathlib.Path(args.target)
    if path.exists():
        header: list[str] = []
        title, body = _file_text(path, args.url)
    else:
        found = _stored_text(args, config, args.target)
        if found is None:
            header = [i18n.t("explain.fetched", lang, url=args.target)]
            title, body = _fetched_text(config, args.target)
        else:
            resolved, title, body = found
            header = _which_article(resolved, lang)
    score = score_article(title, body, topics)
    print("\n".join([*header, title, score.explain(lang)]))
    return EXIT_OK


def _file_text(path: pathlib.Path, url: str | None) -> tuple[str, tuple[str, ...]]:
    import parsers

    if not url:
        raise UserError("explaining a file needs --url (it selects the portal parser)", EXIT_CONFIG)
    try:
        article = parsers.parse(path.read_bytes(), url)
    except parsers.ParseError as exc:
        raise UserError(f"cannot parse {path}: {exc}", EXIT_FAILED) from None
    return article.title, article.body


def _which_article(resolved: Resolved, lang: i18n.Language) -> list[str]:
    """"Article: URL", and how the URL given led to it when it is not the display URL."""
    lines = [i18n.t("explain.article", lang, url=resolved.url)]
    if resolved.via == lookup.ALIAS and resolved.alias != resolved.url:
        kind = i18n.t(f"alias.{resolved.kind}", lang) if f"alias.{resolved.kind}" in i18n.MESSAGES else resolved.kind
        lines.append(i18n.t("explain.by_alias", lang, alias=resolved.alias, kind=kind))
    elif resolved.via == lookup.CANONICAL_FORM:
        lines.append(i18n.t("explain.by_canonical", lang, alias=resolved.alias))
    elif resolved.via == lookup.KEY:
        lines.append(i18n.t("explain.by_key", lang, key=resolved.key))
    return lines


def _stored_text(args: argparse.Namespace, config: Config,
                 url: str) -> tuple[Resolved, str, tuple[str, ...]] | None:
    """The article `url` names in the warehouse (by any of its addresses) with its current text."""
    if not (pathlib.Path(args.db) if args.db else config.database).exists():
        return None
    try:
        with warehouse(args, config, read_only=True) as con:
            resolved = lookup.resolve_article(con, url)
            if resolved is None:
                return None
            row = con.execute("""SELECT v.title, v.body FROM articles a JOIN versions v
                                 ON v.article_url = a.url AND v.content_hash = a.current_hash
                                 WHERE a.url = ? ORDER BY v.version_id DESC LIMIT 1""",
                              [resolved.url]).fetchone()
    except (UserError, ValueError):
        return None
    return (resolved, row[0], tuple(row[1].split("\n\n"))) if row else None


def _fetched_text(config: Config, url: str) -> tuple[str, tuple[str, ...]]:
    import asyncio

    from beritawatch.check import PARSED, DueArticle, check_article
    from beritawatch.fetch import Fetcher

    async def fetch() -> Any:
        async with Fetcher(config.http) as fetcher:
            return await check_article(fetcher, DueArticle(url, None))

    result = asyncio.run(fetch())
    if result.outcome != PARSED or result.article is None:
        raise UserError(f"could not read {url}: {result.error or result.outcome}", EXIT_FAILED)
    return result.article.title, result.article.body


def cmd_reparse(args: argparse.Namespace) -> int:
    """Re-run the current parsers over the stored raw HTML."""
    from warehouse.reparse import reparse

    config = load(args)
    with warehouse(args, config, read_only=False) as con:
        stats = reparse(con)
    print(f"re-parsed {stats.versions} versions: {stats.changed} read differently now, "
          f"{stats.failed} no longer parse (kept as they were); "
          f"edit records {stats.edits_before} -> {stats.edits_after}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the static HTML report from the warehouse."""
    from beritawatch.report import write_report

    config = load(args)
    out = args.out or config.report.out or pathlib.Path("report")
    with warehouse(args, config, read_only=True) as con:
        try:
            index = write_report(con, out, lang=config.ui.language)
        except OSError as exc:
            raise UserError(f"cannot write the report to {out}: {exc.strerror or exc}", EXIT_FAILED) from None
    print(f"report written: {index}")
    return EXIT_OK
