-- Parse results remembered between passes (beritawatch/parse_memo.py): per article, the articles its
-- pages parsed to under a digest of each page's address, fast-path cut and parser code, and the
-- merged article's content hash. A cache: losing a row only means those pages are parsed again.
-- One row per article, kept so by the writing code (delete, then insert, in the pass's transaction).
CREATE TABLE IF NOT EXISTS parse_memos (
    article_url  VARCHAR NOT NULL,
    written_at   TIMESTAMPTZ NOT NULL,
    memo         BLOB NOT NULL          -- zstd-packed JSON (parse_memo.encode)
);

-- What the pass registered from the config (flows/monitor.py `prepare`): a digest of the configured
-- articles and sources and of the code that registers them. A pass whose config gives the digest of
-- the latest registration does not register everything again.
ALTER TABLE runs ADD COLUMN config_digest VARCHAR;
