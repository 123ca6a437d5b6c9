-- The report's body diffs, rendered once (beritawatch.report.fragments): by the pass that records
-- an edit, and once for the edits stored before (or after a new renderer). Keyed by the edit's
-- two version ids and the renderer (a digest of the code and words that make the HTML, and the
-- language): a report never reads a fragment another renderer made. Not exported (a cache).
CREATE TABLE diff_fragments (
    old_version_id  BIGINT NOT NULL,
    new_version_id  BIGINT NOT NULL,
    renderer        VARCHAR NOT NULL,
    title_html      VARCHAR,             -- the title's word diff (NULL: the title did not change)
    html            VARCHAR NOT NULL,    -- what an article page shows inside <div class="body-diff">
    whole           BOOLEAN NOT NULL     -- a block too large to align word by word is shown whole
);

-- The renderer whose fragments were filled for every stored edit (one row): a pass that finds
-- another renderer here fills them once.
CREATE TABLE diff_fragment_fills (
    renderer   VARCHAR NOT NULL,
    filled_at  TIMESTAMPTZ NOT NULL
);
