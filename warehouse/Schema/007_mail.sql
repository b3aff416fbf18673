-- Scheduled report e-mails (docs/mail.md). Idempotent: run at every open.
-- Written only by the process that holds the warehouse (DuckDB allows one process per file): the server's scheduler,
-- the admin API, or the command line when no server runs.

CREATE SEQUENCE IF NOT EXISTS mail_subscription_seq START 1;

-- One subscription: a recipient, the access it receives with (a user's, or an explicit role + scope), a unit, a report
-- kind and a schedule. Removing one sets removed_at (the send log keeps naming it).
CREATE TABLE IF NOT EXISTS mail_subscription (
  subscription_id  BIGINT PRIMARY KEY DEFAULT nextval('mail_subscription_seq'),
  address          VARCHAR NOT NULL,
  recipient_name   VARCHAR NOT NULL,
  user_name        VARCHAR,            -- tied to a user: role and scope are that user's at every send
  role             VARCHAR NOT NULL,   -- api/Access roles: leadership, epidemiologist, commune_officer, admin
  scope            VARCHAR,            -- 2025 unit code of the scope (province or commune); NULL: national
  unit_code        VARCHAR NOT NULL,   -- 2025 unit the report is about (province or commune)
  kind             VARCHAR NOT NULL,   -- weekly_coverage | monthly_appendix | monthly_ncd
  cron             VARCHAR NOT NULL,   -- five-field cron expression (Cronos)
  time_zone        VARCHAR NOT NULL,   -- IANA id, default Asia/Ho_Chi_Minh
  skip_unchanged   BOOLEAN NOT NULL,   -- true: no message when no new snapshot since the last one sent
  created_at       TIMESTAMP NOT NULL, -- UTC; occurrences before it are never sent
  created_by       VARCHAR NOT NULL,
  removed_at       TIMESTAMP
);

-- One row per (subscription, period): the claim taken in a transaction before the message goes to SMTP, then its
-- outcome. period_key: the cron occurrence in UTC (yyyy-MM-ddTHH:mmZ), or manual:<UTC time> for send-now.
-- status: sending (claimed; left so after a crash between the SMTP accept and the record, and then NOT resent),
-- sent, retry (transient failure; next_attempt_at), failed (permanent, or retries exhausted), skipped (unchanged data).
CREATE TABLE IF NOT EXISTS mail_send (
  subscription_id  BIGINT NOT NULL,
  period_key       VARCHAR NOT NULL,
  period_label     VARCHAR NOT NULL,   -- "tuần 48/2026", "tháng 11/2026"
  message_id       VARCHAR NOT NULL,   -- stable: derived from subscription and period
  address          VARCHAR NOT NULL,
  kind             VARCHAR NOT NULL,
  unit_code        VARCHAR NOT NULL,
  status           VARCHAR NOT NULL,
  attempts         INTEGER NOT NULL,
  claimed_at       TIMESTAMP NOT NULL, -- UTC
  finished_at      TIMESTAMP,          -- UTC, when status became sent, failed or skipped
  next_attempt_at  TIMESTAMP,          -- UTC, status retry only
  snapshot_id      VARCHAR,            -- the snapshot the figures came from
  coverage_pct     DECIMAL(9,2),       -- the unit's coverage in that snapshot (change since the last report)
  error            VARCHAR,
  PRIMARY KEY (subscription_id, period_key)
);
