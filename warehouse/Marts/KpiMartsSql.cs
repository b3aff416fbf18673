using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>
/// Fact tables → marts for one snapshot ($sid, $asof, $cs, $province). Runs on the loader's staging connection:
/// warehouse tables are <c>wh.main.*</c>, the working table <c>kpi_cells</c> is TEMP (the one catalog a
/// transaction that writes the warehouse may also write). Rules: docs/definitions.md; flag bits: <see cref="RecordDq"/>, <see cref="EncounterDq"/>, <see cref="LabDq"/>.
/// </summary>
static class KpiMartsSql
{
    /// <summary>Implausible measurements of an encounter (blood pressure, height, weight), not the visit after death.</summary>
    const EncounterDq EncounterMeasured = EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic
        | EncounterDq.ImplausibleHeight | EncounterDq.ImplausibleWeight;

    /// <summary>Every record-level numerator of <c>mart_unit_kpi</c> as a filter over one record, in table order
    /// (<c>unknown_ward</c> and the encounter/lab counts are handled apart).</summary>
    static readonly (string Column, string Where)[] RecordMeasures =
    [
        ("records_all", "true"),
        ("records_linked", "linked"),
        ("examined", "linked AND first_exam_date <= $asof"),
        ("managed", "linked AND verified"),
        ("deceased", "NOT linked"),
        ("priority_group1", "linked AND g1"),
        ("priority_group2", "linked AND g2"),
        ("priority_group3", "linked AND NOT g1 AND NOT g2"),
        ("complete_administrative", "linked AND c_admin"),
        ("complete_immunisation", "linked AND vaccination_recorded"),
        ("complete_history_allergy", "linked AND history_recorded"),
        ("complete_anthropometrics", "linked AND c_anthro"),
        ("complete_blood_group", "linked AND c_blood"),
        ("complete_underlying_conditions", "linked AND c_under"),
        ("complete_all", $"linked AND {CompleteAll}"),
        ("duplicate_citizen", $"dq_flags & {RecordDq.DuplicateCitizenId:D} <> 0"),
        ("probable_duplicate", $"dq_flags & {RecordDq.ProbableDuplicate:D} <> 0"),
        ("missing_citizen_adult", $"dq_flags & {RecordDq.MissingCitizenIdAdult:D} <> 0"),
        ("malformed_citizen", $"dq_flags & {RecordDq.MalformedCitizenId:D} <> 0"),
        ("missing_insurance", $"dq_flags & {RecordDq.MissingInsurance:D} <> 0"),
        ("missing_phone", "NOT has_phone"),
        ("visit_after_death", $"dq_flags & {RecordDq.VisitAfterDeath:D} <> 0"),
        ("implausible_birth", $"dq_flags & {RecordDq.ImplausibleBirth:D} <> 0"),
        ("implausible_record_anthropometrics", $"dq_flags & {RecordDq.ImplausibleHeight | RecordDq.ImplausibleWeight:D} <> 0"),
        ("permanent_records", "linked AND permanent"),
        ("permanent_updated", "linked AND permanent AND updated_on > $asof::DATE - 365 AND updated_on <= $asof"),
        ("visitors", "linked AND visited"),
        ("visitors_complete", $"linked AND visited AND {CompleteAll}"),
    ];

    /// <summary>Every mandatory data group complete ("đầy đủ thông tin").</summary>
    const string CompleteAll = "c_admin AND vaccination_recorded AND history_recorded AND c_anthro AND c_blood AND c_under";

    /// <summary>A visit that counts for completeness among visitors: a facility visit (not a community screening,
    /// kind 'SL') in the 12 months (D − 365 days, D].</summary>
    const string Visit = "kind <> 'SL' AND visit_date > $asof::DATE - 365 AND visit_date <= $asof";

    /// <summary>Sums of per-record encounter and lab counts.</summary>
    static readonly string[] EventMeasures = ["implausible_encounters", "implausible_labs", "unparseable_labs", "unknown_unit_labs"];

    static readonly string[] AllMeasures = [.. RecordMeasures.Select(m => m.Column), .. EventMeasures];

    /// <summary>Age/sex cell columns kept in <c>mart_unit_agesex</c>.</summary>
    static readonly string[] CellMeasures = ["records_linked", "examined", "managed", "priority_group1", "priority_group2", "priority_group3"];

    /// <summary>Explicit column list of <c>mart_unit_kpi</c> inserts: columns added later by ALTER TABLE sit at the
    /// end of old warehouses' tables, so positional inserts would misplace them.</summary>
    static readonly string UnitColumns =
        $"(snapshot_id, code_system, as_of, level, unit_code, parent_code, province_code, {string.Join(", ", AllMeasures)}, unknown_ward)";

    static string Sums(IEnumerable<string> columns, string prefix = "") =>
        string.Join(", ", columns.Select(c => $"coalesce(sum({prefix}{c}), 0)::BIGINT AS {c}"));

    public const string Delete = """
        DELETE FROM wh.main.mart_unit_kpi WHERE snapshot_id = $sid;
        DELETE FROM wh.main.mart_unit_agesex WHERE snapshot_id = $sid;
        DELETE FROM wh.main.mart_bridged_kpi WHERE snapshot_id = $sid;
        DELETE FROM wh.main.mart_unit_denominator WHERE snapshot_id = $sid;
        DELETE FROM wh.main.mart_bridged_denominator WHERE snapshot_id = $sid;
        """;

    /// <summary>The one pass over the snapshot's records (with its flagged encounters and labs): counts per
    /// (ward, age band, sex) cell. Everything else is summed from these few thousand cells.</summary>
    public static readonly string Cells = $"""
        CREATE OR REPLACE TEMP TABLE kpi_cells AS
        WITH enc AS (
            SELECT record_id,
                   count(*) FILTER (WHERE dq_flags & {EncounterMeasured:D} <> 0) AS implausible_encounters,
                   bool_or((has_htn_code OR has_dm_code) AND visit_date <= $asof) AS ncd_code,
                   bool_or({Visit}) AS visited
            FROM wh.main.fact_encounter
            WHERE snapshot_id = $sid AND (dq_flags & {EncounterMeasured:D} <> 0 OR has_htn_code OR has_dm_code OR {Visit})
            GROUP BY record_id),
        lab AS (
            SELECT record_id,
                   count(*) FILTER (WHERE dq_flags & {LabDq.Implausible:D} <> 0) AS implausible_labs,
                   count(*) FILTER (WHERE parse_status = 'unparseable') AS unparseable_labs,
                   count(*) FILTER (WHERE parse_status = 'unknown_unit') AS unknown_unit_labs
            FROM wh.main.fact_lab
            WHERE snapshot_id = $sid AND dq_flags <> 0
            GROUP BY record_id),
        r AS (
            SELECT r.ward_code, r.sex, r.dq_flags, r.verified, r.first_exam_date, r.has_phone,
                   r.vaccination_recorded, r.history_recorded,
                   r.residence = 1 AND r.created_date <= $asof AS permanent,
                   coalesce(r.updated_date, r.created_date) AS updated_on,
                   CASE WHEN r.age_years < 0 THEN NULL
                        WHEN r.age_years >= 80 THEN '80+'
                        ELSE CAST(r.age_years // 5 * 5 AS VARCHAR) || '-' || CAST(r.age_years // 5 * 5 + 4 AS VARCHAR) END AS age_band,
                   r.death_date IS NULL OR r.death_date > $asof AS linked,
                   {PriorityGroups.Group1("coalesce(enc.ncd_code, false)")} AS g1,
                   NOT g1 AND {PriorityGroups.Group2Core} AS g2,
                   r.citizen_id_kind IN (9, 12) AND r.has_name AND r.birth_date IS NOT NULL
                       AND r.dq_flags & {RecordDq.UnknownWard:D} = 0 AND (r.dq_flags & {RecordDq.MissingInsurance:D} = 0 OR r.has_phone) AS c_admin,
                   r.height_cm IS NOT NULL AND r.weight_kg IS NOT NULL AND r.dq_flags & {RecordDq.ImplausibleHeight | RecordDq.ImplausibleWeight:D} = 0 AS c_anthro,
                   nullif(trim(r.abo_group), '') IS NOT NULL AND nullif(trim(r.rh), '') IS NOT NULL AS c_blood,
                   r.hx_hypertension IS NOT NULL AND r.hx_diabetes IS NOT NULL AND r.hx_cardiovascular IS NOT NULL AS c_under,
                   coalesce(enc.visited, false) AS visited,
                   coalesce(enc.implausible_encounters, 0) AS implausible_encounters,
                   coalesce(lab.implausible_labs, 0) AS implausible_labs,
                   coalesce(lab.unparseable_labs, 0) AS unparseable_labs,
                   coalesce(lab.unknown_unit_labs, 0) AS unknown_unit_labs
            FROM wh.main.fact_record r
            LEFT JOIN enc USING (record_id)
            LEFT JOIN lab USING (record_id)
            WHERE r.snapshot_id = $sid)
        SELECT ward_code, age_band, sex,
               {string.Join(",\n       ", RecordMeasures.Select(m => $"count(*) FILTER (WHERE {m.Where}) AS {m.Column}"))},
               {string.Join(", ", EventMeasures.Select(c => $"sum({c})::BIGINT AS {c}"))},
               count(*) FILTER (WHERE dq_flags & {RecordDq.UnknownWard:D} <> 0) AS unknown_ward
        FROM r
        GROUP BY ward_code, age_band, sex
        """;

    /// <summary>Communes of the code system in force on as_of (one row each: validity is half-open).</summary>
    const string Units = """
        units AS (
            SELECT code, parent_code, province_code FROM wh.main.dim_admin_unit
            WHERE code_system = $cs AND level = 'commune' AND valid_from <= $asof AND (valid_to IS NULL OR $asof < valid_to))
        """;

    /// <summary>Commune rows: every commune of the snapshot's province (zeros without records) and any other
    /// known commune that has records. Unknown wards match no unit and drop out here.</summary>
    public static readonly string Communes = $"""
        INSERT INTO wh.main.mart_unit_kpi {UnitColumns}
        WITH {Units},
        w AS (SELECT ward_code, {Sums(AllMeasures)} FROM kpi_cells GROUP BY ward_code)
        SELECT $sid, $cs, $asof::DATE, 'commune', u.code, u.parent_code, u.province_code,
               {string.Join(", ", AllMeasures.Select(c => $"coalesce(w.{c}, 0)"))}, 0
        FROM units u LEFT JOIN w ON w.ward_code = u.code
        WHERE u.province_code = $province OR w.ward_code IS NOT NULL
        """;

    /// <summary>Legacy districts: sums of their commune rows.</summary>
    public static readonly string Districts = $"""
        INSERT INTO wh.main.mart_unit_kpi {UnitColumns}
        SELECT $sid, $cs, $asof::DATE, 'district', parent_code, province_code, province_code, {Sums(AllMeasures)}, 0
        FROM wh.main.mart_unit_kpi
        WHERE snapshot_id = $sid AND level = 'commune' AND code_system = 'legacy'
        GROUP BY parent_code, province_code
        """;

    /// <summary>Provinces: sums of their commune rows; the snapshot's province also carries the unknown wards.</summary>
    public static readonly string Provinces = $"""
        INSERT INTO wh.main.mart_unit_kpi {UnitColumns}
        SELECT $sid, $cs, $asof::DATE, 'province', province_code, NULL, province_code, {Sums(AllMeasures)},
               CASE WHEN province_code = $province THEN (SELECT coalesce(sum(unknown_ward), 0) FROM kpi_cells) ELSE 0 END::BIGINT
        FROM wh.main.mart_unit_kpi
        WHERE snapshot_id = $sid AND level = 'commune'
        GROUP BY province_code
        """;

    /// <summary>Age/sex cells per commune, legacy district and province, in one grouping-sets pass.</summary>
    public static readonly string AgeSex = $"""
        INSERT INTO wh.main.mart_unit_agesex
        WITH {Units},
        c AS (SELECT u.code, u.parent_code, u.province_code, k.* FROM kpi_cells k JOIN units u ON u.code = k.ward_code)
        SELECT $sid, $cs,
               CASE WHEN grouping(code) = 0 THEN 'commune' WHEN grouping(district) = 0 THEN 'district' ELSE 'province' END,
               CASE WHEN grouping(code) = 0 THEN code WHEN grouping(district) = 0 THEN district ELSE province_code END,
               age_band, sex, {Sums(CellMeasures)}
        FROM (SELECT *, CASE WHEN $cs = 'legacy' THEN parent_code END AS district FROM c)
        GROUP BY GROUPING SETS ((province_code, code, age_band, sex), (province_code, district, age_band, sex), (province_code, age_band, sex))
        HAVING grouping(code) = 0 OR grouping(district) = 1 OR district IS NOT NULL
        """;

    /// <summary>Legacy snapshot → 2025 communes and provinces through the bridge. An old commune "contributes"
    /// when the snapshot has a row for it; a 2025 commune with any partial or non-contributing link is approximate.</summary>
    public const string Bridged = """
        INSERT INTO wh.main.mart_bridged_kpi (snapshot_id, as_of, level, unit_code, province_code, records_linked, examined, managed,
                                              old_communes, approximate, permanent_records, permanent_updated,
                                              visitors, visitors_complete)
        WITH old AS (
            SELECT unit_code, records_linked, examined, managed, permanent_records, permanent_updated, visitors, visitors_complete
            FROM wh.main.mart_unit_kpi
            WHERE snapshot_id = $sid AND level = 'commune'),
        targets AS (SELECT DISTINCT b.new_code FROM wh.main.dim_unit_bridge b JOIN old ON old.unit_code = b.old_code),
        new_units AS (
            SELECT code, any_value(province_code) AS province_code FROM wh.main.dim_admin_unit
            WHERE code_system = '2025' AND level = 'commune' GROUP BY code),
        communes AS (
            SELECT b.new_code, n.province_code,
                   coalesce(sum(b.weight * o.records_linked), 0) AS records_linked,
                   coalesce(sum(b.weight * o.examined), 0) AS examined,
                   coalesce(sum(b.weight * o.managed), 0) AS managed,
                   coalesce(sum(b.weight * o.permanent_records), 0) AS permanent_records,
                   coalesce(sum(b.weight * o.permanent_updated), 0) AS permanent_updated,
                   coalesce(sum(b.weight * o.visitors), 0) AS visitors,
                   coalesce(sum(b.weight * o.visitors_complete), 0) AS visitors_complete,
                   count(o.unit_code)::INTEGER AS old_communes,
                   bool_or(o.unit_code IS NOT NULL AND b.link = 'partial') OR bool_or(o.unit_code IS NULL) AS approximate
            FROM targets t
            JOIN wh.main.dim_unit_bridge b ON b.new_code = t.new_code
            JOIN new_units n ON n.code = b.new_code
            LEFT JOIN old o ON o.unit_code = b.old_code
            GROUP BY b.new_code, n.province_code),
        province_size AS (SELECT province_code, count(*) AS communes FROM new_units GROUP BY province_code)
        SELECT $sid, $asof::DATE, 'commune', new_code, province_code, records_linked, examined, managed, old_communes, approximate,
               permanent_records, permanent_updated, visitors, visitors_complete
        FROM communes
        UNION ALL
        SELECT $sid, $asof::DATE, 'province', c.province_code, c.province_code, sum(c.records_linked), sum(c.examined), sum(c.managed),
               sum(c.old_communes)::INTEGER, bool_or(c.approximate) OR count(*) < any_value(s.communes),
               sum(c.permanent_records), sum(c.permanent_updated), sum(c.visitors), sum(c.visitors_complete)
        FROM communes c JOIN province_size s USING (province_code)
        GROUP BY c.province_code
        """;

    /// <summary>The snapshots whose denominators a statement (re)builds: $sid, or every snapshot when $all.</summary>
    const string Scope = "(SELECT snapshot_id FROM wh.main.fact_snapshot WHERE $all OR snapshot_id = $sid)";

    /// <summary>Clears the denominators of the snapshots in scope (before <see cref="Denominators"/> and
    /// <see cref="BridgedDenominators"/> rebuild them).</summary>
    public const string DeleteDenominators = $"""
        DELETE FROM wh.main.mart_unit_denominator WHERE snapshot_id IN {Scope};
        DELETE FROM wh.main.mart_bridged_denominator WHERE snapshot_id IN {Scope};
        """;

    /// <summary><c>mart_unit_denominator</c> of the snapshots in scope, from their commune rows of <c>mart_unit_kpi</c>
    /// and <c>fact_population</c> (docs/definitions.md: the latest year ≤ year(as_of) of each commune).</summary>
    public const string Denominators = $"""
        INSERT INTO wh.main.mart_unit_denominator
        WITH communes AS (
            SELECT snapshot_id, code_system, year(as_of) AS yr, unit_code, parent_code, province_code
            FROM wh.main.mart_unit_kpi WHERE level = 'commune' AND snapshot_id IN {Scope}),
        py AS (
            SELECT c.snapshot_id, c.unit_code, max(f.year) AS year
            FROM communes c JOIN wh.main.fact_population f ON f.code_system = c.code_system AND f.ward_code = c.unit_code AND f.year <= c.yr
            GROUP BY ALL),
        cp AS (
            SELECT c.snapshot_id, c.unit_code, c.code_system, c.parent_code, c.province_code,
                   sum(f.population) AS population, sum(f.permanent_population) AS permanent
            FROM communes c JOIN py USING (snapshot_id, unit_code)
            JOIN wh.main.fact_population f ON f.code_system = c.code_system AND f.ward_code = c.unit_code AND f.year = py.year
            GROUP BY ALL),
        x AS (SELECT *, CASE WHEN permanent > 0 THEN permanent END AS positive FROM cp)
        SELECT snapshot_id, 'commune', unit_code, population::BIGINT, positive::BIGINT FROM x
        UNION ALL
        SELECT snapshot_id, 'district', parent_code, sum(population)::BIGINT, sum(positive)::BIGINT FROM x
        WHERE code_system = 'legacy' GROUP BY snapshot_id, parent_code
        UNION ALL
        SELECT snapshot_id, 'province', province_code, sum(population)::BIGINT, sum(positive)::BIGINT FROM x
        GROUP BY snapshot_id, province_code
        """;

    /// <summary><c>mart_bridged_denominator</c> of the legacy snapshots in scope (docs/definitions.md, the bridged series).</summary>
    public const string BridgedDenominators = $"""
        INSERT INTO wh.main.mart_bridged_denominator
        WITH bn AS (
            SELECT snapshot_id, unit_code AS new_code, province_code, year(as_of) AS yr
            FROM wh.main.mart_bridged_kpi WHERE level = 'commune' AND snapshot_id IN {Scope}),
        links AS (
            SELECT bn.snapshot_id, bn.new_code, bn.province_code, bn.yr, l.old_code, l.weight
            FROM bn JOIN wh.main.dim_unit_bridge l ON l.new_code = bn.new_code
            JOIN wh.main.mart_unit_kpi o ON o.snapshot_id = bn.snapshot_id AND o.level = 'commune' AND o.unit_code = l.old_code),
        py AS (
            SELECT l.snapshot_id, l.old_code, max(f.year) AS year
            FROM links l JOIN wh.main.fact_population f ON f.code_system = 'legacy' AND f.ward_code = l.old_code AND f.year <= l.yr
            GROUP BY ALL),
        op AS (
            SELECT py.snapshot_id, py.old_code, sum(f.population) AS population, sum(f.permanent_population) AS permanent
            FROM py JOIN wh.main.fact_population f ON f.code_system = 'legacy' AND f.ward_code = py.old_code AND f.year = py.year
            GROUP BY ALL),
        np AS (
            SELECT l.snapshot_id, l.new_code, l.province_code, sum(l.weight * op.population) AS population,
                   bool_and(op.population IS NOT NULL) AS complete,
                   sum(l.weight * op.permanent) FILTER (WHERE op.permanent > 0) AS permanent
            FROM links l LEFT JOIN op USING (snapshot_id, old_code)
            GROUP BY ALL),
        fallback AS (
            SELECT ward_code, arg_min(population, year) AS population
            FROM (SELECT ward_code, year, sum(population) AS population FROM wh.main.fact_population WHERE code_system = '2025' GROUP BY ALL)
            GROUP BY ward_code),
        nc AS (
            SELECT np.snapshot_id, np.new_code, np.province_code,
                   CASE WHEN np.complete THEN np.population ELSE fb.population END AS population,
                   NOT np.complete AS fell_back, np.permanent
            FROM np LEFT JOIN fallback fb ON fb.ward_code = np.new_code)
        SELECT snapshot_id, 'commune', new_code, population::DOUBLE, fell_back, permanent::DOUBLE FROM nc
        UNION ALL
        SELECT snapshot_id, 'province', province_code, sum(population)::DOUBLE, bool_or(fell_back), sum(permanent)::DOUBLE FROM nc
        GROUP BY snapshot_id, province_code
        """;

    public const string DropCells = "DROP TABLE IF EXISTS kpi_cells";
}
