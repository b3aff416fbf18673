using HoSoSucKhoe.Warehouse.Loading;
namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// Case definitions of docs/definitions.md ("Hypertension and diabetes") as set-based SQL over one snapshot.
/// Parameters: $sid, $asof (D), $y1 = D − 365 days, $d90 = D − 90 days, $m3 = D − 3 calendar months; windows are
/// half-open (x, D]. Tables are qualified <c>wh.main</c> so the same text runs on the loader's staging connection
/// (inside the load transaction) and on an ordinary warehouse connection (backfill). Visits, labs and dispensings
/// are aggregated per record without first being restricted to the adults counted (the LEFT JOINs onto them do that,
/// more cheaply than a semi join), and a visit's blood pressure travels through arg_max as one integer
/// (systolic × 1000 + diastolic; plausible values are 60–300 over 30–200), not as a list.
/// </summary>
static class NcdSql
{
    public const string DeleteSnapshot = """
        DELETE FROM wh.main.ncd_cell WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_risk_score WHERE snapshot_id = $sid;
        DELETE FROM wh.main.ncd_done WHERE snapshot_id = $sid;
        """;

    /// <summary>The snapshot's ncd_person rows (stored by FactHistory.Put), columns in the order of ncd_person_rows.</summary>
    public static readonly string Persons = $"""
        WITH r AS (
            SELECT record_id, ward_code, age_years, sex, created_date,
                   coalesce(hx_hypertension, false) AS hx_htn, coalesce(hx_diabetes, false) AS hx_dm,
                   CASE WHEN dq_flags & {RecordDq.ImplausibleHeight:D} = 0 AND height_cm >= 100 THEN height_cm END AS height_cm,
                   CASE WHEN dq_flags & {RecordDq.ImplausibleWeight:D} = 0 THEN weight_kg END AS weight_kg
            FROM wh.main.fact_record
            WHERE snapshot_id = $sid AND age_years >= 18 AND (death_date IS NULL OR death_date > $asof::DATE)
              AND dq_flags & {RecordDq.UnknownWard:D} = 0),
        e AS (
            SELECT record_id, visit_time, visit_date, has_htn_code, has_dm_code,
                   CASE WHEN dq_flags & {EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic:D} = 0 AND systolic IS NOT NULL AND diastolic IS NOT NULL
                        THEN systolic::INTEGER * 1000 + diastolic END AS bp,
                   CASE WHEN dq_flags & {EncounterDq.ImplausibleHeight:D} = 0 AND height_cm >= 100 THEN height_cm END AS h,
                   CASE WHEN dq_flags & {EncounterDq.ImplausibleWeight:D} = 0 THEN weight_kg END AS w
            FROM wh.main.fact_encounter
            WHERE snapshot_id = $sid AND visit_date <= $asof::DATE),
        ea AS (
            SELECT record_id,
                   max(visit_date) AS last_visit,
                   count(*) FILTER (WHERE visit_date > $y1::DATE) AS visits_12m,
                   min(visit_date) FILTER (WHERE has_htn_code) AS htn_code_first,
                   bool_or(has_dm_code) AS dm_code,
                   arg_max(bp, visit_time) FILTER (WHERE bp IS NOT NULL AND visit_date > $y1::DATE) AS bp,
                   max(visit_date) FILTER (WHERE bp IS NOT NULL AND visit_date > $y1::DATE) AS bp_date,
                   arg_max(h, visit_time) FILTER (WHERE h IS NOT NULL) AS h,
                   arg_max(w, visit_time) FILTER (WHERE w IS NOT NULL) AS w
            FROM e GROUP BY record_id),
        l AS (
            SELECT record_id,
                   arg_max(value_num, result_time) FILTER (WHERE test = 'GLU_FASTING') AS fpg,
                   arg_max(value_num, result_time) FILTER (WHERE test = 'HBA1C') AS hba1c
            FROM wh.main.fact_lab
            WHERE snapshot_id = $sid AND test IN ('GLU_FASTING', 'HBA1C') AND value_num IS NOT NULL AND dq_flags = {LabDq.None:D}
              AND result_time::DATE > $y1::DATE AND result_time::DATE <= $asof::DATE
            GROUP BY record_id),
        m AS (
            SELECT record_id,
                   min(d) FILTER (WHERE drug_group = 'antihypertensive') AS aht_first,
                   bool_or(drug_group = 'antihypertensive' AND d > $y1::DATE) AS aht_12m,
                   bool_or(drug_group = 'antihypertensive' AND d > $d90::DATE) AS aht_90d,
                   bool_or(drug_group = 'antidiabetic' AND d > $y1::DATE) AS ad_12m,
                   bool_or(drug_group = 'antidiabetic' AND d > $d90::DATE) AS ad_90d
            FROM (SELECT record_id, drug_group, dispensed_time::DATE AS d FROM wh.main.fact_medication
                  WHERE snapshot_id = $sid AND drug_group IN ('antihypertensive', 'antidiabetic')) x
            WHERE d <= $asof::DATE
            GROUP BY record_id),
        s AS (
            SELECT r.*, ea.last_visit, coalesce(ea.visits_12m, 0) AS visits_12m, ea.bp, ea.bp_date, l.fpg, l.hba1c,
                   coalesce(ea.h, r.height_cm) AS h, coalesce(ea.w, r.weight_kg) AS w,
                   ea.bp IS NOT NULL AS htn_screened,
                   coalesce(ea.bp // 1000 >= 140 OR ea.bp % 1000 >= 90, false) AS htn_raised,
                   ea.htn_code_first IS NOT NULL OR r.hx_htn OR coalesce(m.aht_12m, false) AS htn_diagnosed,
                   coalesce(m.aht_90d, false) AS aht_90d,
                   l.fpg IS NOT NULL OR l.hba1c IS NOT NULL AS dm_screened,
                   coalesce(l.fpg >= 7.0, false) OR coalesce(l.hba1c >= 6.5, false) AS dm_raised,
                   coalesce(ea.dm_code, false) OR r.hx_dm OR coalesce(m.ad_12m, false) AS dm_diagnosed,
                   coalesce(m.ad_90d, false) AS ad_90d,
                   least(ea.htn_code_first, m.aht_first, CASE WHEN r.hx_htn THEN r.created_date END) AS htn_first
            FROM r LEFT JOIN ea USING (record_id) LEFT JOIN l USING (record_id) LEFT JOIN m USING (record_id))
        SELECT record_id, ward_code, age_years,
               CASE WHEN age_years < 20 THEN 15 WHEN age_years >= 80 THEN 80 ELSE age_years // 5 * 5 END,
               sex,
               htn_screened, htn_raised, htn_diagnosed,
               htn_diagnosed AND aht_90d,
               htn_diagnosed AND aht_90d AND htn_screened AND NOT htn_raised,
               dm_screened, dm_raised, dm_diagnosed,
               dm_diagnosed AND ad_90d,
               dm_diagnosed AND ad_90d AND coalesce(CASE WHEN hba1c IS NOT NULL THEN hba1c < 7 ELSE fpg < 7.0 END, false),
               CASE WHEN h IS NOT NULL AND w IS NOT NULL THEN w / ((h / 100.0) * (h / 100.0)) END,
               bp // 1000, bp % 1000, bp_date, last_visit, visits_12m, fpg, hba1c, htn_first,
               CASE WHEN htn_diagnosed AND htn_first <= $m3::DATE AND visits_12m > 0 THEN
                   CASE WHEN last_visit <= $m3::DATE THEN 'missed_visit'
                        WHEN bp_date > $m3::DATE THEN CASE WHEN htn_raised THEN 'uncontrolled' ELSE 'controlled' END
                        ELSE 'no_bp' END
               END
        FROM s
        """;

    public const string Cells = """
        INSERT INTO wh.main.ncd_cell
        SELECT snapshot_id, ward_code, sex, band_lo,
               count(*),
               count(*) FILTER (WHERE htn_screened),
               count(*) FILTER (WHERE htn_raised),
               count(*) FILTER (WHERE htn_diagnosed OR htn_raised),
               count(*) FILTER (WHERE htn_diagnosed),
               count(*) FILTER (WHERE htn_treated),
               count(*) FILTER (WHERE htn_controlled),
               count(*) FILTER (WHERE htn_screened AND (htn_diagnosed OR htn_raised)),
               count(*) FILTER (WHERE dm_screened),
               count(*) FILTER (WHERE dm_raised),
               count(*) FILTER (WHERE dm_diagnosed OR dm_raised),
               count(*) FILTER (WHERE dm_diagnosed),
               count(*) FILTER (WHERE dm_treated),
               count(*) FILTER (WHERE dm_controlled),
               count(*) FILTER (WHERE dm_screened AND (dm_diagnosed OR dm_raised)),
               count(*) FILTER (WHERE bmi IS NOT NULL),
               count(*) FILTER (WHERE bmi >= 25),
               count(prog_status),
               count(*) FILTER (WHERE prog_status = 'controlled'),
               count(*) FILTER (WHERE prog_status = 'uncontrolled'),
               count(*) FILTER (WHERE prog_status = 'missed_visit'),
               count(*) FILTER (WHERE prog_status = 'no_bp')
        FROM wh.main.ncd_person WHERE snapshot_id = $sid
        GROUP BY ALL
        """;

    public const string Done = "INSERT INTO wh.main.ncd_done VALUES ($sid, now()::TIMESTAMP, $seconds)";
}
