-- XML 130 feed (docs/xml130.md): people seen at a facility who have no health record, per commune of residence and
-- snapshot, from the optional unrecorded_visitors.arrow of a snapshot written by the xml130 verb. Loaded by
-- warehouse/Xml130/UnrecordedVisitorsStore.cs inside the snapshot's load transaction (deleted and re-inserted on replace).
CREATE TABLE IF NOT EXISTS fact_unrecorded_visitor (
  snapshot_id VARCHAR NOT NULL,
  ward_code   VARCHAR,            -- commune of residence in the snapshot's code system; NULL = MAXA_CU_TRU unknown
  people      BIGINT NOT NULL,    -- distinct people (citizen id, else BHXH number, else name + birth + commune)
  episodes    BIGINT NOT NULL     -- their episodes (the last sending of each)
);
