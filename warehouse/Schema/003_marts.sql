-- KPI marts (docs/definitions.md). Idempotent: run at every open. Built by warehouse/Marts/KpiMarts.cs inside each
-- snapshot's load transaction, so they commit or roll back with the snapshot.
-- Numerators are built once per snapshot; denominators (mart_unit_denominator, mart_bridged_denominator, at the
-- end) are rebuilt for every snapshot by each population load, so a later population load changes coverage without
-- reloading snapshots (docs/definitions.md).
-- One row per (snapshot_id, level, unit_code) — not declared as a key: the rows of a snapshot are deleted and
-- re-inserted in one transaction, which DuckDB's index constraints handle poorly.

-- Appendix columns, priority groups, completeness and data quality per unit of the snapshot's own code system.
-- level: 'commune'; 'district' (legacy snapshots); 'province'. Rollups are sums of the commune rows.
-- Commune rows exist for every commune of the snapshot's province in force on as_of (zeros when it has no
-- record) and for any other commune that has records.
CREATE TABLE IF NOT EXISTS mart_unit_kpi (
  snapshot_id      VARCHAR NOT NULL,
  code_system      VARCHAR NOT NULL,
  as_of            DATE NOT NULL,
  level            VARCHAR NOT NULL,
  unit_code        VARCHAR NOT NULL,
  parent_code      VARCHAR,           -- province (2025 commune, legacy district), district (legacy commune), NULL (province)
  province_code    VARCHAR NOT NULL,
  records_all      BIGINT NOT NULL,   -- every record of the unit, dead included (denominator of the DQ counts)
  records_linked   BIGINT NOT NULL,   -- (4) death_date null or > as_of
  examined         BIGINT NOT NULL,   -- (5)
  managed          BIGINT NOT NULL,   -- (6)
  deceased         BIGINT NOT NULL,   -- death_date <= as_of
  priority_group1  BIGINT NOT NULL,   -- over records_linked (HCMC plan 3160/KH-UBND)
  priority_group2  BIGINT NOT NULL,
  priority_group3  BIGINT NOT NULL,
  complete_administrative        BIGINT NOT NULL,   -- completeness: over records_linked
  complete_immunisation          BIGINT NOT NULL,
  complete_history_allergy       BIGINT NOT NULL,
  complete_anthropometrics       BIGINT NOT NULL,
  complete_blood_group           BIGINT NOT NULL,
  complete_underlying_conditions BIGINT NOT NULL,
  complete_all                   BIGINT NOT NULL,
  duplicate_citizen      BIGINT NOT NULL,   -- data quality: over records_all
  probable_duplicate     BIGINT NOT NULL,
  missing_citizen_adult  BIGINT NOT NULL,
  malformed_citizen      BIGINT NOT NULL,
  missing_insurance      BIGINT NOT NULL,
  missing_phone          BIGINT NOT NULL,
  visit_after_death      BIGINT NOT NULL,
  implausible_birth      BIGINT NOT NULL,   -- records
  implausible_record_anthropometrics BIGINT NOT NULL,   -- records: height or weight outside range
  implausible_encounters BIGINT NOT NULL,   -- encounters: BP, height or weight outside range
  implausible_labs       BIGINT NOT NULL,   -- labs: glucose or HbA1c outside range
  unparseable_labs       BIGINT NOT NULL,
  unknown_unit_labs      BIGINT NOT NULL,
  unknown_ward           BIGINT NOT NULL    -- province rows only (0 elsewhere): records whose ward is not a commune
);

-- Age/sex-specific numerators, for coverage against age/sex denominators (priority-group coverage).
-- age_band: the population CSV bands 0-4 … 80+ (NULL when the age is negative); sex 1, 2, 3 (3 has no denominator).
-- Only (unit, band, sex) cells with at least one record.
CREATE TABLE IF NOT EXISTS mart_unit_agesex (
  snapshot_id      VARCHAR NOT NULL,
  code_system      VARCHAR NOT NULL,
  level            VARCHAR NOT NULL,
  unit_code        VARCHAR NOT NULL,
  age_band         VARCHAR,
  sex              TINYINT NOT NULL,
  records_linked   BIGINT NOT NULL,
  examined         BIGINT NOT NULL,
  managed          BIGINT NOT NULL,
  priority_group1  BIGINT NOT NULL,
  priority_group2  BIGINT NOT NULL,
  priority_group3  BIGINT NOT NULL
);

-- Legacy snapshots seen through the old→new bridge: each old commune's counts allocated to 2025 communes by
-- dim_unit_bridge.weight, rolled up to the 2025 province. Fractional by construction.
-- approximate: a contributing link is partial, or an old commune of the 2025 unit is missing from the snapshot.
CREATE TABLE IF NOT EXISTS mart_bridged_kpi (
  snapshot_id      VARCHAR NOT NULL,   -- a legacy snapshot
  as_of            DATE NOT NULL,
  level            VARCHAR NOT NULL,   -- 'commune' | 'province' (2025 units)
  unit_code        VARCHAR NOT NULL,
  province_code    VARCHAR NOT NULL,   -- 2025 province
  records_linked   DOUBLE NOT NULL,
  examined         DOUBLE NOT NULL,
  managed          DOUBLE NOT NULL,
  old_communes     INTEGER NOT NULL,   -- contributing old communes
  approximate      BOOLEAN NOT NULL
);

-- Coverage of permanent residents (issue 9, docs/definitions.md): added in place so warehouses created before it
-- open; NULL in rows built before it, which KpiMarts.BuildMissing rebuilds once (wh_meta kpi_marts_version).
ALTER TABLE mart_unit_kpi ADD COLUMN IF NOT EXISTS permanent_records BIGINT;   -- of (4), residence = 1 (thường trú), created_date <= as_of
ALTER TABLE mart_unit_kpi ADD COLUMN IF NOT EXISTS permanent_updated BIGINT;   -- of those, updated (coalesce(updated_date, created_date)) in (as_of - 365 days, as_of]
ALTER TABLE mart_bridged_kpi ADD COLUMN IF NOT EXISTS permanent_records DOUBLE;
ALTER TABLE mart_bridged_kpi ADD COLUMN IF NOT EXISTS permanent_updated DOUBLE;
-- Completeness among visitors (issue 9, Kiên Giang phase 2, docs/definitions.md): added in place like the above.
ALTER TABLE mart_unit_kpi ADD COLUMN IF NOT EXISTS visitors BIGINT;            -- of (4), a visit (kind <> 'SL') in (as_of - 365 days, as_of]
ALTER TABLE mart_unit_kpi ADD COLUMN IF NOT EXISTS visitors_complete BIGINT;   -- of those, every mandatory data group complete
ALTER TABLE mart_bridged_kpi ADD COLUMN IF NOT EXISTS visitors DOUBLE;
ALTER TABLE mart_bridged_kpi ADD COLUMN IF NOT EXISTS visitors_complete DOUBLE;

-- Denominators of every unit of a snapshot (docs/definitions.md, (3) and permanent_population), computed once where
-- the numerators are (in the load transaction) and again for every snapshot by each population load (same
-- transaction as the population rows), so readers join one row instead of re-deriving the year rule per request.
-- Commune: the sum of its fact_population rows of the chosen year (the latest ≤ year(as_of), the snapshot's code
-- system); districts and provinces: the sum over their communes in the snapshot that have one. NULL: none has.
-- permanent_population: communes whose chosen year's permanent population is blank or 0 have none.
CREATE TABLE IF NOT EXISTS mart_unit_denominator (
  snapshot_id          VARCHAR NOT NULL,
  level                VARCHAR NOT NULL,
  unit_code            VARCHAR NOT NULL,
  population           BIGINT,
  permanent_population BIGINT
);

-- The same for the 2025 communes and provinces of a legacy snapshot seen through the bridge (mart_bridged_kpi):
-- Σ weight × legacy denominator of the old communes the snapshot has or, when one of them has none, the commune's
-- own 2025-code denominator of the earliest year (fell_back, approximate). Fractional by construction.
CREATE TABLE IF NOT EXISTS mart_bridged_denominator (
  snapshot_id          VARCHAR NOT NULL,
  level                VARCHAR NOT NULL,   -- 'commune' | 'province' (2025 units)
  unit_code            VARCHAR NOT NULL,
  population           DOUBLE,
  fell_back            BOOLEAN NOT NULL,
  permanent_population DOUBLE
);
