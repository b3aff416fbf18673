-- HoSoSucKhoe star schema. Idempotent: run at every open.
-- Conventions: snapshot_id on every fact as read (snapshots are full copies, so a fact row is "as of" its snapshot);
-- the facts are stored once per distinct row with the range of snapshots that hold it (fact_*_rows, below, and
-- warehouse/Loading/FactHistory.cs), and read through views that give every snapshot its full copy back.
-- dq_flags is a bitmask of data-quality defects (see warehouse/Loading/DqFlags.cs), never a reason to drop a row.

-- ───────────── dimensions ─────────────

-- Administrative units of both code systems, effective-dated (names and types change while codes stay).
-- code_system '2025': level province|commune; 'legacy': level province|district|commune.
CREATE TABLE IF NOT EXISTS dim_admin_unit (
  code_system   VARCHAR NOT NULL,
  level         VARCHAR NOT NULL,
  code          VARCHAR NOT NULL,
  parent_code   VARCHAR,            -- province for 2025 communes and legacy districts; district for legacy communes
  province_code VARCHAR NOT NULL,
  name          VARCHAR NOT NULL,   -- "Ba Đình"
  full_name     VARCHAR NOT NULL,   -- "Phường Ba Đình"
  unit_type     VARCHAR NOT NULL,   -- "Phường", "Xã", "Đặc khu", "Tỉnh", "Thành phố", "Quận", "Huyện", ...
  name_ascii    VARCHAR NOT NULL,   -- lower-case, diacritics removed: search without accents
  valid_from    DATE NOT NULL,
  valid_to      DATE,               -- exclusive; NULL = still in force
  PRIMARY KEY (code_system, code, valid_from)
);

-- Old commune (legacy) → new commune (2025). weight = share of the old commune allocated to the new one
-- (sums to 1 per old_code); rule documented in docs/definitions.md.
CREATE TABLE IF NOT EXISTS dim_unit_bridge (
  old_code  VARCHAR NOT NULL,
  new_code  VARCHAR NOT NULL,
  link      VARCHAR NOT NULL,       -- 'full' | 'partial'
  weight    DOUBLE NOT NULL,
  PRIMARY KEY (old_code, new_code)
);

-- dim_date was seeded but never read: dropped.
DROP TABLE IF EXISTS dim_date;

CREATE TABLE IF NOT EXISTS dim_facility (
  facility_code VARCHAR PRIMARY KEY,
  province_code VARCHAR,            -- first two characters of MA_CSKCB
  first_seen_snapshot VARCHAR NOT NULL
);

-- ICD-10 three-character categories: the loader sets has_htn_code / has_dm_code from the hypertension and diabetes
-- groups; the others document the codes the NCD notes refer to.
CREATE TABLE IF NOT EXISTS dim_icd_group (
  icd3        VARCHAR PRIMARY KEY,  -- 'I10'
  group_code  VARCHAR NOT NULL,     -- 'hypertension' | 'diabetes' | 'cardiovascular' | 'cerebrovascular' | 'ckd'
  group_name  VARCHAR NOT NULL      -- Vietnamese label
);

-- Drug classes: an ATC prefix or a normalised Vietnamese/INN active-ingredient spelling → class.
CREATE TABLE IF NOT EXISTS dim_drug_class (
  ingredient  VARCHAR PRIMARY KEY,  -- normalised: lower case, no diacritics, no spaces ('amlodipin')
  atc_code    VARCHAR NOT NULL,     -- 'C08CA01'
  drug_group  VARCHAR NOT NULL      -- 'antihypertensive' | 'antidiabetic' | 'lipid' | 'other'
);

-- ───────────── load bookkeeping ─────────────

CREATE TABLE IF NOT EXISTS wh_meta (
  key   VARCHAR PRIMARY KEY,         -- 'pseudonym_key_fingerprint', 'schema_version'
  value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_snapshot (
  snapshot_id    VARCHAR PRIMARY KEY,
  province_code  VARCHAR NOT NULL,
  as_of          DATE NOT NULL,
  code_system    VARCHAR NOT NULL,
  source         VARCHAR,
  checksums      VARCHAR NOT NULL,  -- "file:sha256;..." sorted: identity of the content
  persons        BIGINT NOT NULL,
  encounters     BIGINT NOT NULL,
  labs           BIGINT NOT NULL,
  medications    BIGINT NOT NULL,
  loaded_at      TIMESTAMP NOT NULL,
  load_seconds   DOUBLE NOT NULL,
  seq            INTEGER            -- load order (1, 2, …): the stored rows' ranges are ranges of seq
);
ALTER TABLE fact_snapshot ADD COLUMN IF NOT EXISTS seq INTEGER;

-- ───────────── facts ─────────────

-- One row per health record per snapshot (as read through the view fact_record, which adds age_years). The record's
-- pseudonymised identifiers are kept apart in record_key_rows: they do not change when the record does, so each is
-- stored once per record instead of once per version (three keys were 224 of 304 MB at 24 monthly snapshots).
CREATE TABLE IF NOT EXISTS fact_record_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- 1, 2, … among identical rows of one snapshot (a later one finds the row unchanged
                                    -- when every column and dup_no are equal)
  record_id          VARCHAR NOT NULL,
  citizen_id_kind    TINYINT,         -- 12 = CCCD, 9 = CMND, 0 = malformed, NULL = missing
  birth_year         SMALLINT NOT NULL,
  birth_date         DATE,
  sex                TINYINT NOT NULL,
  ward_code          VARCHAR NOT NULL,  -- as delivered, in the snapshot's code system
  residence          TINYINT NOT NULL,
  created_date       DATE NOT NULL,
  updated_date       DATE,
  first_exam_date    DATE,
  verified           BOOLEAN NOT NULL,
  death_date         DATE,
  abo_group          VARCHAR,
  rh                 VARCHAR,
  height_cm          FLOAT,
  weight_kg          FLOAT,
  hx_hypertension    BOOLEAN,
  hx_diabetes        BOOLEAN,
  hx_cardiovascular  BOOLEAN,
  smoking            BOOLEAN,
  alcohol            BOOLEAN,
  inactive           BOOLEAN,
  history_recorded   BOOLEAN NOT NULL,
  vaccination_recorded BOOLEAN NOT NULL,
  pregnant           BOOLEAN,
  has_phone          BOOLEAN NOT NULL,
  dq_flags           INTEGER NOT NULL,
  has_name           BOOLEAN NOT NULL  -- a name was delivered (record_key.name_key IS NOT NULL)
);

-- The pseudonymised identifiers of a record (keyed HMAC-SHA256, hex): linkage and duplicate finding, no names.
CREATE TABLE IF NOT EXISTS record_key_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- always 1 (record_id is unique within a snapshot)
  record_id     VARCHAR NOT NULL,
  citizen_key   VARCHAR,            -- HMAC(citizen_id); NULL when missing
  insurance_key VARCHAR,            -- HMAC(insurance_id)
  name_key      VARCHAR             -- HMAC(normalised full name): probable-duplicate matching without names
);

-- Names and phones: restricted (line lists for the commune's own officers only).
CREATE TABLE IF NOT EXISTS person_identity_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- 1, 2, … among identical rows of one snapshot (a later one finds the row unchanged
                                    -- when every column and dup_no are equal)
  record_id   VARCHAR NOT NULL,
  full_name   VARCHAR,
  phone       VARCHAR
);

CREATE TABLE IF NOT EXISTS fact_encounter_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- 1, 2, … among identical rows of one snapshot (a later one finds the row unchanged
                                    -- when every column and dup_no are equal)
  encounter_id  VARCHAR NOT NULL,
  record_id     VARCHAR NOT NULL,
  facility_code VARCHAR NOT NULL,
  visit_time    TIMESTAMP NOT NULL,
  visit_date    DATE NOT NULL,
  kind          VARCHAR NOT NULL,
  icd_main      VARCHAR,
  icd_other     VARCHAR,
  has_htn_code  BOOLEAN NOT NULL,     -- I10–I15 in main or other
  has_dm_code   BOOLEAN NOT NULL,     -- E10–E14 in main or other
  systolic      SMALLINT,
  diastolic     SMALLINT,
  height_cm     FLOAT,
  weight_kg     FLOAT,
  waist_cm      FLOAT,
  dq_flags      INTEGER NOT NULL
);

-- value_num is in the canonical unit of the test: glucose mmol/L, HbA1c % (NGSP), lipids mmol/L,
-- creatinine umol/L. value_text/unit are kept as delivered.
CREATE TABLE IF NOT EXISTS fact_lab_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- 1, 2, … among identical rows of one snapshot (a later one finds the row unchanged
                                    -- when every column and dup_no are equal)
  encounter_id  VARCHAR NOT NULL,
  record_id     VARCHAR NOT NULL,
  result_time   TIMESTAMP NOT NULL,
  test          VARCHAR NOT NULL,
  value_text    VARCHAR NOT NULL,
  unit          VARCHAR,
  value_num     DOUBLE,
  canonical_unit VARCHAR,
  censored      VARCHAR,              -- '>' or '<' when the text was a bound such as '>20'
  parse_status  VARCHAR NOT NULL,     -- 'ok' | 'censored' | 'qualitative' | 'unparseable' | 'unknown_unit' | 'uninterpreted'
  dq_flags      INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_medication_rows (
  province_code VARCHAR NOT NULL,
  seq_from      INTEGER NOT NULL,   -- first snapshot (fact_snapshot.seq) of the province that holds the row
  seq_to        INTEGER,            -- last one; NULL = every later snapshot too (still current)
  dup_no        INTEGER NOT NULL,   -- 1, 2, … among identical rows of one snapshot (a later one finds the row unchanged
                                    -- when every column and dup_no are equal)
  encounter_id      VARCHAR NOT NULL,
  record_id         VARCHAR NOT NULL,
  dispensed_time    TIMESTAMP NOT NULL,
  drug_name         VARCHAR NOT NULL,
  active_ingredient VARCHAR,
  atc_code          VARCHAR,          -- as delivered
  atc_resolved      VARCHAR,          -- delivered, or mapped from the ingredient/drug name
  drug_group        VARCHAR NOT NULL, -- 'antihypertensive' | 'antidiabetic' | 'lipid' | 'other' | 'unknown'
  days_supply       SMALLINT
);

-- Official denominators. age_band/sex NULL = all ages/both sexes. code_system of ward_code.
CREATE TABLE IF NOT EXISTS fact_population (
  code_system VARCHAR NOT NULL,
  ward_code   VARCHAR NOT NULL,
  year        SMALLINT NOT NULL,
  age_band    VARCHAR,
  sex         TINYINT,
  population  BIGINT NOT NULL,
  permanent_population BIGINT,
  source      VARCHAR NOT NULL       -- 'default-2025' (shipped) or the loaded file name
);

-- ───────────── facts as read: every snapshot's full copy ─────────────
-- A stored row belongs to the snapshots of its province whose seq lies in [seq_from, seq_to] (seq_to NULL = no end).
-- Every query reads these views, never the *_rows tables; only FactHistory (warehouse/Loading) writes those.

CREATE OR REPLACE VIEW fact_record AS
SELECT s.snapshot_id, r.record_id, r.citizen_id_kind, r.birth_year, r.birth_date,
       -- completed years at the snapshot's as_of (docs/definitions.md): computed here, so a birthday is no new row
       (CASE WHEN r.birth_date IS NOT NULL
             THEN year(s.as_of) - year(r.birth_date)
                  - CASE WHEN month(s.as_of) * 100 + day(s.as_of) < month(r.birth_date) * 100 + day(r.birth_date) THEN 1 ELSE 0 END
             ELSE year(s.as_of) - r.birth_year END)::SMALLINT AS age_years,
       r.sex, r.ward_code, r.residence, r.created_date, r.updated_date, r.first_exam_date, r.verified, r.death_date,
       r.abo_group, r.rh, r.height_cm, r.weight_kg, r.hx_hypertension, r.hx_diabetes, r.hx_cardiovascular, r.smoking,
       r.alcohol, r.inactive, r.history_recorded, r.vaccination_recorded, r.pregnant, r.has_phone, r.has_name, r.dq_flags
FROM fact_record_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);

CREATE OR REPLACE VIEW record_key AS
SELECT s.snapshot_id, r.record_id, r.citizen_key, r.insurance_key, r.name_key
FROM record_key_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);

CREATE OR REPLACE VIEW person_identity AS
SELECT s.snapshot_id, r.record_id, r.full_name, r.phone
FROM person_identity_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);

CREATE OR REPLACE VIEW fact_encounter AS
SELECT s.snapshot_id, r.encounter_id, r.record_id, r.facility_code, r.visit_time, r.visit_date, r.kind, r.icd_main,
       r.icd_other, r.has_htn_code, r.has_dm_code, r.systolic, r.diastolic, r.height_cm, r.weight_kg, r.waist_cm, r.dq_flags
FROM fact_encounter_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);

CREATE OR REPLACE VIEW fact_lab AS
SELECT s.snapshot_id, r.encounter_id, r.record_id, r.result_time, r.test, r.value_text, r.unit, r.value_num,
       r.canonical_unit, r.censored, r.parse_status, r.dq_flags
FROM fact_lab_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);

CREATE OR REPLACE VIEW fact_medication AS
SELECT s.snapshot_id, r.encounter_id, r.record_id, r.dispensed_time, r.drug_name, r.active_ingredient, r.atc_code,
       r.atc_resolved, r.drug_group, r.days_supply
FROM fact_medication_rows r
JOIN fact_snapshot s ON s.province_code = r.province_code AND s.seq >= r.seq_from AND s.seq <= coalesce(r.seq_to, 2147483647);
