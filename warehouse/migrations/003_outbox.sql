-- The alert outbox: alerts are written in the same transaction as what caused them;
-- delivery is a separate step recording each target's outcome.
CREATE SEQUENCE alert_id_seq;

CREATE TABLE alerts (
    alert_id     BIGINT PRIMARY KEY DEFAULT nextval('alert_id_seq'),
    dedupe_key   VARCHAR NOT NULL UNIQUE,   -- one alert per thing that happened, ever
    kind         VARCHAR NOT NULL,          -- new | edit | removed | restored | health | digest
    created_at   TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR,
    article_url  VARCHAR,
    payload      JSON NOT NULL              -- beritawatch.alerts.model.Alert as JSON
);

-- One row per (alert, target): created when delivery is first attempted.
CREATE TABLE deliveries (
    alert_id         BIGINT NOT NULL,
    target           VARCHAR NOT NULL,      -- target id: redacted URL + short digest, never the secret
    status           VARCHAR NOT NULL,      -- pending | sent | failed | digested
    attempts         INTEGER NOT NULL DEFAULT 0,
    messages         JSON,                  -- the rendered parts, fixed at planning so retries resend the same text
    parts_sent       INTEGER NOT NULL DEFAULT 0,
    planned_at       TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ,
    last_error       VARCHAR,               -- redacted
    sent_at          TIMESTAMPTZ,
    PRIMARY KEY (alert_id, target)
);
