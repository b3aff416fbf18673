-- Hypertension and diabetes (docs/models.md): case status per adult, counts per cell, model registry, scores, audit.
-- Idempotent: run at every open after 001–003. Definitions: docs/definitions.md; methods: docs/models.md.
-- No primary keys on the per-person tables: DuckDB's index upkeep made the load step ~10× slower; (snapshot_id,
-- record_id) uniqueness follows from fact_record's, and each snapshot's rows are deleted before they are written.

-- One row per adult (18+) of records_linked in a known commune, per snapshot: the case definitions at as_of.
-- Written by the after-load step inside the load transaction (models/Ncd/NcdMarts.cs).
-- Stored once for the snapshots that share a row (warehouse/Loading/FactHistory.cs, derived tables: every range closed,
-- so a snapshot not computed yet holds no rows); read through the view ncd_person below.
CREATE TABLE IF NOT EXISTS ncd_person_rows (
  province_code    VARCHAR NOT NULL,
  seq_from         INTEGER NOT NULL,   -- first and last snapshot (fact_snapshot.seq) of the province that hold the row
  seq_to           INTEGER NOT NULL,
  dup_no           INTEGER NOT NULL,   -- always 1 (record_id is unique in a snapshot)
  record_id        VARCHAR NOT NULL,
  ward_code        VARCHAR NOT NULL,
  age_years        SMALLINT NOT NULL,
  band_lo          TINYINT NOT NULL,   -- lower age of the five-year band: 15 (= 18–19), 20, …, 80 (= 80+)
  sex              TINYINT NOT NULL,
  htn_screened     BOOLEAN NOT NULL,
  htn_raised       BOOLEAN NOT NULL,
  htn_diagnosed    BOOLEAN NOT NULL,
  htn_treated      BOOLEAN NOT NULL,
  htn_controlled   BOOLEAN NOT NULL,
  dm_screened      BOOLEAN NOT NULL,
  dm_raised        BOOLEAN NOT NULL,
  dm_diagnosed     BOOLEAN NOT NULL,
  dm_treated       BOOLEAN NOT NULL,
  dm_controlled    BOOLEAN NOT NULL,
  bmi              FLOAT,              -- kg/m², NULL when no plausible height and weight
  last_systolic    SMALLINT,           -- latest plausible reading in 12 months
  last_diastolic   SMALLINT,
  last_bp_date     DATE,
  last_visit_date  DATE,               -- any encounter ≤ as_of
  visits_12m       INTEGER NOT NULL,
  last_fpg         DOUBLE,             -- mmol/L, latest in 12 months
  last_hba1c       DOUBLE,             -- %, latest in 12 months
  htn_first_evidence DATE,             -- first code, first antihypertensive, or record creation when hx_hypertension
  prog_status      VARCHAR             -- programme patients only: controlled | uncontrolled | missed_visit | no_bp
);

CREATE OR REPLACE VIEW ncd_person AS
SELECT s.snapshot_id, r.record_id, r.ward_code, r.age_years, r.band_lo, r.sex, r.htn_screened, r.htn_raised,
       r.htn_diagnosed, r.htn_treated, r.htn_controlled, r.dm_screened, r.dm_raised, r.dm_diagnosed,
       r.dm_treated, r.dm_controlled, r.bmi, r.last_systolic, r.last_diastolic, r.last_bp_date,
       r.last_visit_date, r.visits_12m, r.last_fpg, r.last_hba1c, r.htn_first_evidence, r.prog_status
FROM ncd_person_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= r.seq_to;

-- Counts per snapshot × commune × sex × five-year band: every cascade, prevalence and programme figure is a sum of these.
CREATE TABLE IF NOT EXISTS ncd_cell (
  snapshot_id      VARCHAR NOT NULL,
  ward_code        VARCHAR NOT NULL,
  sex              TINYINT NOT NULL,
  band_lo          TINYINT NOT NULL,
  adults           INTEGER NOT NULL,
  htn_screened     INTEGER NOT NULL,
  htn_raised       INTEGER NOT NULL,
  htn_hypertensive INTEGER NOT NULL,
  htn_diagnosed    INTEGER NOT NULL,
  htn_treated      INTEGER NOT NULL,
  htn_controlled   INTEGER NOT NULL,
  htn_screened_hypertensive INTEGER NOT NULL,  -- screened and hypertensive: numerator of prevalence among the screened
  dm_screened      INTEGER NOT NULL,
  dm_raised        INTEGER NOT NULL,
  dm_hyperglycaemic INTEGER NOT NULL,          -- diagnosed or raised glucose
  dm_diagnosed     INTEGER NOT NULL,
  dm_treated       INTEGER NOT NULL,
  dm_controlled    INTEGER NOT NULL,
  dm_screened_hyperglycaemic INTEGER NOT NULL,
  bmi_known        INTEGER NOT NULL,
  obese            INTEGER NOT NULL,           -- BMI ≥ 25 (WHO Western Pacific / Asian cut-off)
  prog_patients    INTEGER NOT NULL,
  prog_controlled  INTEGER NOT NULL,
  prog_uncontrolled INTEGER NOT NULL,
  prog_missed_visit INTEGER NOT NULL,
  prog_no_bp       INTEGER NOT NULL
);

-- Trained risk models: the ML.NET zip, what it was trained on and how it did (the model card).
CREATE TABLE IF NOT EXISTS ncd_model (
  model_id         VARCHAR PRIMARY KEY,  -- 'ncd-risk-<version>-<features snapshot>'
  version          VARCHAR NOT NULL,
  trained_at       TIMESTAMP NOT NULL,
  train_snapshot   VARCHAR NOT NULL,     -- features of training rows
  train_label_snapshot VARCHAR NOT NULL,
  test_snapshot    VARCHAR NOT NULL,     -- features of the out-of-time evaluation rows
  test_label_snapshot VARCHAR NOT NULL,
  auc              DOUBLE,
  baseline_auc     DOUBLE,
  card_json        VARCHAR NOT NULL,
  model_zip        VARCHAR NOT NULL,     -- base64 of the ML.NET model zip
  train_seconds    DOUBLE NOT NULL
);

-- Risk scores of adults not yet diagnosed, per snapshot, from one model.
CREATE TABLE IF NOT EXISTS ncd_risk_score (
  snapshot_id VARCHAR NOT NULL,
  record_id   VARCHAR NOT NULL,
  model_id    VARCHAR NOT NULL,
  score       FLOAT NOT NULL
);

-- Every line-list access: who, when, which unit, how many rows (docs/definitions.md, "Line lists").
CREATE TABLE IF NOT EXISTS ncd_audit (
  audit_id    UUID PRIMARY KEY DEFAULT uuid(),
  accessed_at TIMESTAMP NOT NULL,
  user_name   VARCHAR NOT NULL,
  role        VARCHAR NOT NULL,
  unit_code   VARCHAR NOT NULL,
  snapshot_id VARCHAR NOT NULL,
  list_kind   VARCHAR NOT NULL,
  row_count   INTEGER NOT NULL,
  identified  BOOLEAN NOT NULL,      -- names and phones were included
  outcome     VARCHAR NOT NULL       -- 'granted' | 'denied' | 'refused' (a bad parameter from an allowed caller)
);

-- Snapshots whose NCD rows are computed (a snapshot with no adults has none, yet is done).
CREATE TABLE IF NOT EXISTS ncd_done (
  snapshot_id VARCHAR PRIMARY KEY,
  computed_at TIMESTAMP NOT NULL,
  seconds     DOUBLE NOT NULL
);
