using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// The programme statuses of docs/models.md ("Programme indicators over time") as set-based SQL over one snapshot's
/// history. Parameters: $sid, $asof (D). Months: index 17 is D's month evaluated at D, 0–16 the earlier months
/// evaluated at their last day. Qualified <c>wh.main</c> like <see cref="NcdSql"/>.
/// </summary>
static class ProgrammeSql
{
    /// <summary>Bumped when a definition changes: rows of an older version are recomputed at open.</summary>
    public const int Version = 2;

    public const int Months = 18;

    public const string DeleteSnapshot = """
        DELETE FROM wh.main.ncd_prog_month WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_prog_cohort WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_prog_done WHERE snapshot_id = $sid;
        """;

    /// <summary>The first day of the first of the 18 months (month index 0).</summary>
    const string FirstMonth = "(date_trunc('month', $asof::DATE) - INTERVAL 17 MONTH)::DATE";

    /// <summary>Month index k of a date: 0 = the first of the 18 months (earlier dates fold into it), 17 = D's month.</summary>
    const string MonthIndex = $"greatest(datediff('month', {FirstMonth}, {{0}}), 0)";

    /// <summary>A measurement as one sortable key: microseconds of its time × 2 + 1 when not controlled, so the max of
    /// keys is the last measurement (at equal times the uncontrolled one) and its status is the key's parity.</summary>
    const string MeasureKey = "epoch_us({0}) * 2 + ({1})::INTEGER";

    /// <summary>prog_g: the registered patients, one row each (integer <c>pid</c>): adults (at the snapshot) of a known
    /// commune with a registration date for either disease, their commune and death date.</summary>
    public static readonly string Registered = $"""
        CREATE OR REPLACE TEMP TABLE prog_g AS
            WITH r AS (
                SELECT record_id, ward_code, death_date, created_date,
                       coalesce(hx_hypertension, false) AS hx_htn, coalesce(hx_diabetes, false) AS hx_dm
                FROM wh.main.fact_record
                WHERE snapshot_id = $sid AND age_years >= 18 AND dq_flags & {RecordDq.UnknownWard:D} = 0),
            ef AS (
                SELECT record_id, min(visit_date) FILTER (WHERE has_htn_code) AS htn_code, min(visit_date) FILTER (WHERE has_dm_code) AS dm_code
                FROM wh.main.fact_encounter
                WHERE snapshot_id = $sid AND visit_date <= $asof::DATE AND (has_htn_code OR has_dm_code)
                GROUP BY record_id),
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
            SELECT row_number() OVER ()::INTEGER AS pid, * FROM p WHERE htn_first IS NOT NULL OR dm_first IS NOT NULL;
        """;

    /// <summary>prog_b: each registered patient's history up to D reduced to one row per month index k (see
    /// <see cref="MonthIndex"/>): the last visit date <c>v</c>, the last usable blood pressure <c>bpk</c> and, for
    /// diabetes patients, the last usable glucose test <c>lbk</c> (as <see cref="MeasureKey"/>; at a result time with an
    /// HbA1c the HbA1c decides). The month and cohort statuses read only this table.</summary>
    public static readonly string Buckets = $"""
        CREATE OR REPLACE TEMP TABLE prog_b AS
            WITH eb AS (
                SELECT g.pid::BIGINT * 32 + {string.Format(MonthIndex, "e.visit_date")} AS pk, max(e.visit_date) AS v,
                       max(CASE WHEN e.dq_flags & {EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic:D} = 0 AND e.systolic IS NOT NULL AND e.diastolic IS NOT NULL
                                THEN {string.Format(MeasureKey, "e.visit_time", "e.systolic >= 140 OR e.diastolic >= 90")} END) AS bpk
                FROM wh.main.fact_encounter e JOIN prog_g g USING (record_id)
                WHERE e.snapshot_id = $sid AND e.visit_date <= $asof::DATE
                GROUP BY pk),
            lt AS (
                SELECT g.pid, l.result_time AS t,
                       CASE WHEN bool_or(l.test = 'HBA1C') THEN max(l.value_num) FILTER (WHERE l.test = 'HBA1C') >= 7
                            ELSE max(l.value_num) >= 7.0 END AS bad
                FROM wh.main.fact_lab l JOIN prog_g g USING (record_id)
                WHERE l.snapshot_id = $sid AND l.test IN ('GLU_FASTING', 'HBA1C') AND l.value_num IS NOT NULL AND l.dq_flags = {LabDq.None:D}
                  AND l.result_time::DATE <= $asof::DATE AND g.dm_first IS NOT NULL
                GROUP BY g.pid, l.result_time),
            lb AS (
                SELECT pid::BIGINT * 32 + {string.Format(MonthIndex, "t::DATE")} AS pk, max({string.Format(MeasureKey, "t", "bad")}) AS lbk
                FROM lt GROUP BY pk)
            SELECT (pk // 32)::INTEGER AS pid, (pk % 32)::INTEGER AS k, eb.v, eb.bpk, lb.lbk
            FROM eb FULL JOIN lb USING (pk);
        """;

    /// <summary>Monthly statuses: at D' (month end, or D), a registered patient (first ≤ D' − 3 months, alive at D') is
    /// lost (no visit in (D' − 365 d, D']), else missed (no visit in (D' − 3 months, D']), else controlled/uncontrolled by
    /// the last measurement in (D' − 3 months, D'], else visited without a measurement. Running maxima over each
    /// patient's monthly rows (one window, partitioned by the integer pid) give the last visit and measurement at every
    /// month; each row then stands for the months up to the patient's next row (a patient's months before the first
    /// row have nothing yet). Both diseases' statuses (1 controlled, 2 uncontrolled, 3 no measurement, 4 missed, 5 lost;
    /// null: not counted that month) come from the same patient-months, counted per commune and month in one pass.</summary>
    public const string MonthRows = """
        INSERT INTO wh.main.ncd_prog_month
        WITH months AS (
            SELECT k::INTEGER AS k, month, d, (d - INTERVAL 3 MONTH)::DATE AS m3, d - 365 AS y1
            FROM (SELECT k, (date_trunc('month', $asof::DATE) - to_months(17 - k::INTEGER))::DATE AS month,
                         CASE WHEN k = 17 THEN $asof::DATE
                              ELSE last_day((date_trunc('month', $asof::DATE) - to_months(17 - k::INTEGER))::DATE) END AS d
                  FROM range(0, 18) t(k))),
        w AS (
            SELECT pid, k, lead(k, 1, 18) OVER p AS k_next, max(v) OVER p AS v, max(bpk) OVER p AS bpk, max(lbk) OVER p AS lbk
            FROM (SELECT pid, k, v, bpk, lbk FROM prog_b UNION ALL SELECT pid, 0, NULL, NULL, NULL FROM prog_g)
            WINDOW p AS (PARTITION BY pid ORDER BY k, v NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
        run AS (
            SELECT g.ward_code, g.htn_first, g.dm_first, g.death_date, unnest(range(w.k, w.k_next))::INTEGER AS k, w.v, w.bpk, w.lbk
            FROM w JOIN prog_g g USING (pid) WHERE w.k_next > w.k),
        a AS (
            SELECT r.*, m.d, m.m3,
                   CASE WHEN r.v IS NULL OR r.v <= m.y1 THEN 5 WHEN r.v <= m.m3 THEN 4 ELSE 0 END AS vs,
                   r.death_date IS NULL OR r.death_date > m.d AS alive
            FROM run r JOIN months m USING (k)),
        s AS (
            SELECT ward_code, k,
                   CASE WHEN alive AND htn_first <= m3 THEN
                        CASE WHEN vs > 0 THEN vs WHEN make_timestamp(bpk // 2)::DATE > m3 THEN CASE WHEN bpk % 2 = 1 THEN 2 ELSE 1 END ELSE 3 END END AS h,
                   CASE WHEN alive AND dm_first <= m3 THEN
                        CASE WHEN vs > 0 THEN vs WHEN make_timestamp(lbk // 2)::DATE > m3 THEN CASE WHEN lbk % 2 = 1 THEN 2 ELSE 1 END ELSE 3 END END AS g
            FROM a),
        c AS (
            SELECT ward_code, k,
                   count(h) AS h_all, count(*) FILTER (WHERE h = 1) AS h1, count(*) FILTER (WHERE h = 2) AS h2, count(*) FILTER (WHERE h = 3) AS h3,
                   count(*) FILTER (WHERE h = 4) AS h4, count(*) FILTER (WHERE h = 5) AS h5,
                   count(g) AS g_all, count(*) FILTER (WHERE g = 1) AS g1, count(*) FILTER (WHERE g = 2) AS g2, count(*) FILTER (WHERE g = 3) AS g3,
                   count(*) FILTER (WHERE g = 4) AS g4, count(*) FILTER (WHERE g = 5) AS g5
            FROM s WHERE h IS NOT NULL OR g IS NOT NULL GROUP BY ward_code, k)
        SELECT $sid, 'htn', m.month, m.d, c.ward_code, (h_all - h5)::INTEGER, h1::INTEGER, h2::INTEGER, h4::INTEGER, h3::INTEGER, h5::INTEGER
        FROM c JOIN months m USING (k) WHERE h_all > 0
        UNION ALL
        SELECT $sid, 'dm', m.month, m.d, c.ward_code, (g_all - g5)::INTEGER, g1::INTEGER, g2::INTEGER, g4::INTEGER, g3::INTEGER, g5::INTEGER
        FROM c JOIN months m USING (k) WHERE g_all > 0
        """;

    /// <summary>Registration cohorts: quarters Q with Q + 1 ended by D and Q starting no earlier than D's month − 17;
    /// patients first registered in Q, alive at the end of Q + 1; outcome over Q + 1 (last measurement of the quarter
    /// decides control; visits without one: no measurement; no visit: missed). Q + 1 is three whole months (indices
    /// k1 … k1 + 2, never folded), so its visits and last measurement are those of prog_b's rows there (joined on equality).</summary>
    public const string CohortRows = $"""
        INSERT INTO wh.main.ncd_prog_cohort
        WITH q AS (
            SELECT q, (q + INTERVAL 3 MONTH)::DATE AS o1, (q + INTERVAL 6 MONTH - INTERVAL 1 DAY)::DATE AS o2,
                   datediff('month', {FirstMonth}, q)::INTEGER + 3 AS k1
            FROM (SELECT (date_trunc('quarter', $asof::DATE) - to_months(3 * k::INTEGER))::DATE AS q FROM range(1, 8) t(k))
            WHERE (q + INTERVAL 6 MONTH - INTERVAL 1 DAY)::DATE <= $asof::DATE
              AND q >= {FirstMonth}),
        pd AS (
            SELECT 'htn' AS disease, pid, ward_code, htn_first AS first, death_date FROM prog_g WHERE htn_first IS NOT NULL
            UNION ALL
            SELECT 'dm', pid, ward_code, dm_first, death_date FROM prog_g WHERE dm_first IS NOT NULL),
        c AS (
            SELECT pd.disease, pd.pid, pd.ward_code, q.q, q.k1 + unnest(range(3))::INTEGER AS k
            FROM pd JOIN q ON pd.first >= q.q AND pd.first < q.o1
            WHERE pd.death_date IS NULL OR pd.death_date > q.o2),
        cv AS (
            SELECT c.disease, c.ward_code, c.q, count(b.v) > 0 AS visited,
                   CASE WHEN c.disease = 'htn' THEN max(b.bpk) ELSE max(b.lbk) END % 2 = 1 AS bad
            FROM c LEFT JOIN prog_b b ON b.pid = c.pid AND b.k = c.k
            GROUP BY c.disease, c.ward_code, c.q, c.pid)
        SELECT $sid, disease, q, ward_code,
               count(*)::INTEGER,
               count(*) FILTER (WHERE visited AND bad IS NOT NULL AND NOT bad)::INTEGER,
               count(*) FILTER (WHERE visited AND bad)::INTEGER,
               count(*) FILTER (WHERE NOT visited)::INTEGER,
               count(*) FILTER (WHERE visited AND bad IS NULL)::INTEGER
        FROM cv GROUP BY ALL
        """;

    public const string Cleanup = "DROP TABLE IF EXISTS prog_g; DROP TABLE IF EXISTS prog_b;";

    public const string Done = "INSERT INTO wh.main.ncd_prog_done VALUES ($sid, $version, now()::TIMESTAMP, $seconds)";
}
