-- Programme indicators over time (docs/models.md, "Programme indicators over time"): per snapshot, disease, month and
-- commune, the counts of the monthly programme statuses computed from the snapshot's visit history (month offset 0
-- is the snapshot's own month, at its as_of), and the quarterly registration cohorts. Idempotent; written by the
-- after-load step inside the load transaction (models/Ncd/ProgrammeMarts.cs) and, for snapshots loaded before the
-- step existed, at open (rows missing from ncd_prog_done).
CREATE TABLE IF NOT EXISTS ncd_prog_month (
  snapshot_id   VARCHAR NOT NULL,
  disease       VARCHAR NOT NULL,   -- 'htn' | 'dm'
  month         DATE NOT NULL,      -- first day of the month
  eval_date     DATE NOT NULL,      -- status taken at this date (as_of for offset 0, else the month's last day)
  ward_code     VARCHAR NOT NULL,
  under_care    INTEGER NOT NULL,
  controlled    INTEGER NOT NULL,
  uncontrolled  INTEGER NOT NULL,
  missed_visit  INTEGER NOT NULL,
  no_measure    INTEGER NOT NULL,
  lost          INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ncd_prog_cohort (
  snapshot_id   VARCHAR NOT NULL,
  disease       VARCHAR NOT NULL,
  quarter_start DATE NOT NULL,      -- first day of the registration quarter
  ward_code     VARCHAR NOT NULL,
  registered    INTEGER NOT NULL,
  controlled    INTEGER NOT NULL,
  uncontrolled  INTEGER NOT NULL,
  missed_visit  INTEGER NOT NULL,
  no_measure    INTEGER NOT NULL
);

-- Snapshots whose programme rows are computed; version: the definitions' version (a new one recomputes at open).
CREATE TABLE IF NOT EXISTS ncd_prog_done (
  snapshot_id VARCHAR PRIMARY KEY,
  version     INTEGER NOT NULL,
  computed_at TIMESTAMP NOT NULL,
  seconds     DOUBLE NOT NULL
);
