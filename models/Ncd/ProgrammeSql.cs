using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// The programme statuses of docs/models.md ("Programme indicators over time") as set-based SQL over one snapshot's
/// history. Parameters: $sid, $asof (D). Months: offset 0 is D's month evaluated at D, offsets 1–17 the earlier months
/// evaluated at their last day. Qualified <c>wh.main</c> like <see cref="NcdSql"/>.
/// </summary>
static class ProgrammeSql
{
    /// <summary>Bumped when a definition changes: rows of an older version are recomputed at open.</summary>
    public const int Version = 1;

    public const int Months = 18;

    public const string DeleteSnapshot = """
        DELETE FROM wh.main.ncd_prog_month WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_prog_cohort WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_prog_done WHERE snapshot_id = $sid;
        """;

    /// <summary>Adults (at the snapshot) of a known commune, their first registration per disease, and the tables of
    /// their visits, usable blood pressures and usable glucose tests up to D (one row per result time; at a time with
    /// an HbA1c the HbA1c decides).</summary>
    public static readonly string Base = $"""
        CREATE OR REPLACE TEMP TABLE prog_e AS
            SELECT record_id, visit_time, visit_date, has_htn_code, has_dm_code,
                   dq_flags & {EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic:D} = 0 AND systolic IS NOT NULL AND diastolic IS NOT NULL AS bp_ok,
                   systolic >= 140 OR diastolic >= 90 AS raised
            FROM wh.main.fact_encounter
            WHERE snapshot_id = $sid AND visit_date <= $asof::DATE
              AND record_id IN (SELECT record_id FROM wh.main.fact_record WHERE snapshot_id = $sid AND age_years >= 18
                                AND dq_flags & {RecordDq.UnknownWard:D} = 0);
        CREATE OR REPLACE TEMP TABLE prog_g AS
            WITH r AS (
                SELECT record_id, ward_code, death_date, created_date,
                       coalesce(hx_hypertension, false) AS hx_htn, coalesce(hx_diabetes, false) AS hx_dm
                FROM wh.main.fact_record
                WHERE snapshot_id = $sid AND age_years >= 18 AND dq_flags & {RecordDq.UnknownWard:D} = 0),
            ef AS (
                SELECT record_id, min(visit_date) FILTER (WHERE has_htn_code) AS htn_code, min(visit_date) FILTER (WHERE has_dm_code) AS dm_code
                FROM prog_e GROUP BY record_id),
            md AS (
                SELECT record_id,
                       min(dispensed_time::DATE) FILTER (WHERE drug_group = 'antihypertensive') AS aht,
                       min(dispensed_time::DATE) FILTER (WHERE drug_group = 'antidiabetic') AS ad
                FROM wh.main.fact_medication
                WHERE snapshot_id = $sid AND drug_group IN ('antihypertensive', 'antidiabetic') AND dispensed_time::DATE <= $asof::DATE
                GROUP BY record_id),
            p AS (
                SELECT r.record_id, r.ward_code, r.death_date,
                       least(ef.htn_code, md.aht, CASE WHEN r.hx_htn THEN r.created_date END) AS htn_first,
                       least(ef.dm_code, md.ad, CASE WHEN r.hx_dm THEN r.created_date END) AS dm_first
                FROM r LEFT JOIN ef USING (record_id) LEFT JOIN md USING (record_id))
            SELECT 'htn' AS disease, record_id, ward_code, death_date, htn_first AS first FROM p WHERE htn_first IS NOT NULL
            UNION ALL
            SELECT 'dm', record_id, ward_code, death_date, dm_first FROM p WHERE dm_first IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE prog_bp AS
            SELECT record_id, visit_time AS t, raised AS bad FROM prog_e WHERE bp_ok;
        CREATE OR REPLACE TEMP TABLE prog_lab AS
            SELECT record_id, result_time AS t,
                   CASE WHEN bool_or(test = 'HBA1C') THEN max(value_num) FILTER (WHERE test = 'HBA1C') >= 7
                        ELSE max(value_num) >= 7.0 END AS bad
            FROM wh.main.fact_lab
            WHERE snapshot_id = $sid AND test IN ('GLU_FASTING', 'HBA1C') AND value_num IS NOT NULL AND dq_flags = {LabDq.None:D}
              AND result_time::DATE <= $asof::DATE AND record_id IN (SELECT record_id FROM prog_g WHERE disease = 'dm')
            GROUP BY record_id, result_time;
        """;

    /// <summary>Monthly statuses: at D' (month end, or D), a registered patient (first ≤ D' − 3 months, alive at D') is
    /// lost (no visit in (D' − 365 d, D']), else missed (no visit in (D' − 3 months, D']), else controlled/uncontrolled by
    /// the last measurement in (D' − 3 months, D'], else visited without a measurement. Set-based: each patient's visits
    /// and measurements are reduced to one row per calendar month (earlier ones folded into the first month), and running
    /// aggregates over the 18 months give the last visit and last measurement at each D' (no per-month range joins).</summary>
    public const string MonthRows = """
        INSERT INTO wh.main.ncd_prog_month
        WITH months AS (
            SELECT (date_trunc('month', $asof::DATE) - to_months(k::INTEGER))::DATE AS month,
                   CASE WHEN k = 0 THEN $asof::DATE
                        ELSE last_day((date_trunc('month', $asof::DATE) - to_months(k::INTEGER))::DATE) END AS d
            FROM range(0, 18) t(k)),
        first_month AS (SELECT min(month) AS m0 FROM months),
        ev AS (
            SELECT record_id, greatest(date_trunc('month', visit_date)::DATE, (SELECT m0 FROM first_month)) AS month, max(visit_date) AS v
            FROM prog_e WHERE record_id IN (SELECT record_id FROM prog_g) GROUP BY ALL),
        ms AS (
            SELECT 'htn' AS disease, record_id, greatest(date_trunc('month', t)::DATE, (SELECT m0 FROM first_month)) AS month,
                   max(t) AS mt, arg_max(bad, t) AS mbad
            FROM prog_bp WHERE record_id IN (SELECT record_id FROM prog_g WHERE disease = 'htn') GROUP BY ALL
            UNION ALL
            SELECT 'dm', record_id, greatest(date_trunc('month', t)::DATE, (SELECT m0 FROM first_month)), max(t), arg_max(bad, t)
            FROM prog_lab GROUP BY ALL),
        grid AS (
            SELECT g.disease, g.record_id, g.ward_code, g.first, g.death_date, m.month, m.d, (m.d - INTERVAL 3 MONTH)::DATE AS m3,
                   max(ev.v) OVER w AS last_visit, max(ms.mt) OVER w AS mt, arg_max(ms.mbad, ms.mt) OVER w AS bad
            FROM prog_g g CROSS JOIN months m
            LEFT JOIN ev ON ev.record_id = g.record_id AND ev.month = m.month
            LEFT JOIN ms ON ms.disease = g.disease AND ms.record_id = g.record_id AND ms.month = m.month
            WINDOW w AS (PARTITION BY g.disease, g.record_id ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
        s AS (
            SELECT disease, ward_code, month, d,
                   CASE WHEN last_visit IS NULL OR last_visit <= d - 365 THEN 'lost'
                        WHEN last_visit <= m3 THEN 'missed'
                        WHEN mt::DATE > m3 THEN CASE WHEN bad THEN 'uncontrolled' ELSE 'controlled' END
                        ELSE 'no_measure' END AS status
            FROM grid
            WHERE first <= m3 AND (death_date IS NULL OR death_date > d))
        SELECT $sid, disease, month, d, ward_code,
               count(*) FILTER (WHERE status <> 'lost')::INTEGER,
               count(*) FILTER (WHERE status = 'controlled')::INTEGER,
               count(*) FILTER (WHERE status = 'uncontrolled')::INTEGER,
               count(*) FILTER (WHERE status = 'missed')::INTEGER,
               count(*) FILTER (WHERE status = 'no_measure')::INTEGER,
               count(*) FILTER (WHERE status = 'lost')::INTEGER
        FROM s GROUP BY ALL
        """;

    /// <summary>Registration cohorts: quarters Q with Q + 1 ended by D and Q starting no earlier than D's month − 17;
    /// patients first registered in Q, alive at the end of Q + 1; outcome over Q + 1 (last measurement of the quarter
    /// decides control; visits without one: no measurement; no visit: missed).</summary>
    public const string CohortRows = """
        INSERT INTO wh.main.ncd_prog_cohort
        WITH q AS (
            SELECT q, (q + INTERVAL 3 MONTH)::DATE AS o1, (q + INTERVAL 6 MONTH - INTERVAL 1 DAY)::DATE AS o2
            FROM (SELECT (date_trunc('quarter', $asof::DATE) - to_months(3 * k::INTEGER))::DATE AS q FROM range(1, 8) t(k))
            WHERE (q + INTERVAL 6 MONTH - INTERVAL 1 DAY)::DATE <= $asof::DATE
              AND q >= (date_trunc('month', $asof::DATE) - INTERVAL 17 MONTH)::DATE),
        c AS (
            SELECT g.disease, g.record_id, g.ward_code, q.q, q.o1, q.o2
            FROM prog_g g JOIN q ON g.first >= q.q AND g.first < q.o1
            WHERE g.death_date IS NULL OR g.death_date > q.o2),
        cv AS (
            SELECT c.disease, c.record_id, c.ward_code, c.q,
                   EXISTS (SELECT 1 FROM prog_e e WHERE e.record_id = c.record_id AND e.visit_date BETWEEN c.o1 AND c.o2) AS visited,
                   CASE WHEN c.disease = 'htn'
                        THEN (SELECT arg_max(b.bad, b.t) FROM prog_bp b WHERE b.record_id = c.record_id AND b.t::DATE BETWEEN c.o1 AND c.o2)
                        ELSE (SELECT arg_max(l.bad, l.t) FROM prog_lab l WHERE l.record_id = c.record_id AND l.t::DATE BETWEEN c.o1 AND c.o2)
                   END AS bad
            FROM c)
        SELECT $sid, disease, q, ward_code,
               count(*)::INTEGER,
               count(*) FILTER (WHERE visited AND bad IS NOT NULL AND NOT bad)::INTEGER,
               count(*) FILTER (WHERE visited AND bad)::INTEGER,
               count(*) FILTER (WHERE NOT visited)::INTEGER,
               count(*) FILTER (WHERE visited AND bad IS NULL)::INTEGER
        FROM cv GROUP BY ALL
        """;

    public const string Cleanup = "DROP TABLE IF EXISTS prog_e; DROP TABLE IF EXISTS prog_g; DROP TABLE IF EXISTS prog_bp; DROP TABLE IF EXISTS prog_lab;";

    public const string Done = "INSERT INTO wh.main.ncd_prog_done VALUES ($sid, $version, now()::TIMESTAMP, $seconds)";
}
