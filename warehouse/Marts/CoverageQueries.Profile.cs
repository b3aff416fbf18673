using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>A unit in a snapshot: the subject of the profile reports.</summary>
public sealed record KpiUnit(LoadedSnapshot Snapshot, string Level, string Code, string Name);

/// <summary>One priority group (HCMC plan 3160/KH-UBND) over records linked: its records, how many are managed,
/// and its share of records linked. Coverage uses the group's age core (group 1: 50+, group 2: 0–14, group 3:
/// 15–49) against the age/sex denominators, null where the unit has none (docs/definitions.md).</summary>
public sealed record PriorityGroupRow(int Group, string Label, long Records, decimal? SharePct, string AgeCore,
    long? CorePopulation, long CoreManaged, decimal? CoreCoveragePct);

/// <summary>Coverage of one age band and sex against its denominator (null without age/sex denominators).</summary>
public sealed record AgeSexRow(string? AgeBand, int Sex, long? Population, long RecordsLinked, long Managed, decimal? CoveragePct,
    long PriorityGroup1, long PriorityGroup2, long PriorityGroup3);

public sealed record PriorityGroupsReport(KpiUnit Unit, long RecordsLinked, bool HasAgeSexDenominators,
    IReadOnlyList<PriorityGroupRow> Groups, IReadOnlyList<AgeSexRow> AgeSex);

/// <summary>One mandatory data group (or "all") complete over records linked.</summary>
public sealed record CompletenessRow(string Group, string Label, long Complete, decimal? SharePct);

public sealed record CompletenessReport(KpiUnit Unit, long RecordsLinked, IReadOnlyList<CompletenessRow> Groups);

/// <summary>One data-quality check: <see cref="Count"/> of <see cref="CountOf"/> ("records", "encounters", "labs").
/// <see cref="SharePct"/> is over the unit's records (dead included) for record checks, null otherwise.</summary>
public sealed record DataQualityRow(string Check, string Label, long Count, string CountOf, decimal? SharePct);

/// <summary>Data quality of a unit ("đúng, đủ, sạch, sống"), with its coverage row so "coverage over 100 %" and
/// "no denominator" sit beside the counts.</summary>
public sealed record DataQualityReport(KpiUnit Unit, long RecordsAll, CoverageRow Coverage, IReadOnlyList<DataQualityRow> Checks);

sealed record KpiCounts(
    long RecordsAll, long RecordsLinked, long Examined, long Managed, long Deceased,
    long PriorityGroup1, long PriorityGroup2, long PriorityGroup3,
    long CompleteAdministrative, long CompleteImmunisation, long CompleteHistoryAllergy, long CompleteAnthropometrics,
    long CompleteBloodGroup, long CompleteUnderlyingConditions, long CompleteAll,
    long DuplicateCitizen, long ProbableDuplicate, long MissingCitizenAdult, long MalformedCitizen, long MissingInsurance,
    long MissingPhone, long VisitAfterDeath, long ImplausibleBirth, long ImplausibleRecordAnthropometrics,
    long ImplausibleEncounters, long ImplausibleLabs, long UnparseableLabs, long UnknownUnitLabs, long UnknownWard)
{
    public const string Sql = "SELECT " + Columns + "\nFROM mart_unit_kpi WHERE snapshot_id = $sid AND level = $level AND unit_code = $code";

    /// <summary>The communes of a province (or legacy district) with their names in force on the snapshot's date:
    /// <c>Code</c> and <c>Name</c>, then the columns of <see cref="Sql"/> (split on RecordsAll).</summary>
    public const string OfCommunes = """
        SELECT k.unit_code AS Code, coalesce(u.full_name, k.unit_code) AS Name,
        """ + Columns + """

        FROM mart_unit_kpi k
        LEFT JOIN dim_admin_unit u ON u.code_system = $cs AND u.level = 'commune' AND u.code = k.unit_code
          AND u.valid_from <= $asof AND (u.valid_to IS NULL OR $asof < u.valid_to)
        WHERE k.snapshot_id = $sid AND k.level = 'commune' AND (k.parent_code = $code OR k.province_code = $code)
        ORDER BY k.unit_code
        """;

    const string Columns = """
        records_all AS RecordsAll, records_linked AS RecordsLinked, examined AS Examined, managed AS Managed, deceased AS Deceased,
               priority_group1 AS PriorityGroup1, priority_group2 AS PriorityGroup2, priority_group3 AS PriorityGroup3,
               complete_administrative AS CompleteAdministrative, complete_immunisation AS CompleteImmunisation,
               complete_history_allergy AS CompleteHistoryAllergy, complete_anthropometrics AS CompleteAnthropometrics,
               complete_blood_group AS CompleteBloodGroup, complete_underlying_conditions AS CompleteUnderlyingConditions,
               complete_all AS CompleteAll,
               duplicate_citizen AS DuplicateCitizen, probable_duplicate AS ProbableDuplicate,
               missing_citizen_adult AS MissingCitizenAdult, malformed_citizen AS MalformedCitizen,
               missing_insurance AS MissingInsurance, missing_phone AS MissingPhone, visit_after_death AS VisitAfterDeath,
               implausible_birth AS ImplausibleBirth, implausible_record_anthropometrics AS ImplausibleRecordAnthropometrics,
               implausible_encounters AS ImplausibleEncounters, implausible_labs AS ImplausibleLabs,
               unparseable_labs AS UnparseableLabs, unknown_unit_labs AS UnknownUnitLabs, unknown_ward AS UnknownWard
        """;
}

sealed record AgeSexCell(string? AgeBand, int Sex, long? Population, long RecordsLinked, long Managed,
    long PriorityGroup1, long PriorityGroup2, long PriorityGroup3)
{
    /// <summary>Numerator cells of the unit joined with the age/sex denominator rows of its communes (each at its
    /// chosen year), full outer so bands with people but no records, or records but no people, both show.</summary>
    public const string Sql = """
        WITH communes AS (
            SELECT unit_code FROM mart_unit_kpi
            WHERE snapshot_id = $sid AND level = 'commune' AND (unit_code = $code OR parent_code = $code OR province_code = $code)),
        """ + CoverageQueries.PopulationRows + """
        ,
        den AS (
            SELECT age_band, sex::INTEGER AS sex, sum(population)::BIGINT AS population FROM prow
            WHERE age_band IS NOT NULL GROUP BY ALL),
        num AS (
            SELECT age_band, sex::INTEGER AS sex, records_linked, managed, priority_group1, priority_group2, priority_group3
            FROM mart_unit_agesex WHERE snapshot_id = $sid AND level = $level AND unit_code = $code)
        SELECT coalesce(num.age_band, den.age_band) AS AgeBand, coalesce(num.sex, den.sex) AS Sex, den.population AS Population,
               coalesce(num.records_linked, 0) AS RecordsLinked, coalesce(num.managed, 0) AS Managed,
               coalesce(num.priority_group1, 0) AS PriorityGroup1, coalesce(num.priority_group2, 0) AS PriorityGroup2,
               coalesce(num.priority_group3, 0) AS PriorityGroup3
        FROM num FULL OUTER JOIN den ON num.age_band IS NOT DISTINCT FROM den.age_band AND num.sex = den.sex
        """;

    /// <summary>Communes of the unit with a denominator, and how many of them have age/sex rows in their chosen year.</summary>
    public const string Coverage = """
        WITH communes AS (
            SELECT unit_code FROM mart_unit_kpi
            WHERE snapshot_id = $sid AND level = 'commune' AND (unit_code = $code OR parent_code = $code OR province_code = $code)),
        """ + CoverageQueries.PopulationRows + """

        SELECT count(DISTINCT ward_code), count(DISTINCT ward_code) FILTER (WHERE age_band IS NOT NULL) FROM prow
        """;
}

public sealed partial class CoverageQueries
{
    static readonly string[] BandOrder = Loading.PopulationLoader.AgeBands;

    /// <summary>Priority groups of a unit: counts over records linked, group coverage by age core, and coverage by
    /// age band and sex where the unit's communes have age/sex denominators.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public PriorityGroupsReport PriorityGroups(string code, string? snapshotId = null)
    {
        using var c = db.Open();
        var (unit, k) = Unit(c, code, snapshotId);
        var args = new { sid = unit.Snapshot.SnapshotId, cs = unit.Snapshot.CodeSystem, yr = unit.Snapshot.AsOf.Year, level = unit.Level, code };
        var (withDenominator, withAgeSex) = c.QuerySingle<(long, long)>(AgeSexCell.Coverage, args);
        var hasAgeSex = withAgeSex > 0 && withAgeSex == withDenominator;
        var cells = c.Query<AgeSexCell>(AgeSexCell.Sql, args).ToList();

        var ageSex = cells
            .OrderBy(x => x.AgeBand is null ? int.MaxValue : Array.IndexOf(BandOrder, x.AgeBand)).ThenBy(x => x.Sex)
            .Select(x =>
            {
                var pop = hasAgeSex ? x.Population : null;
                return new AgeSexRow(x.AgeBand, x.Sex, pop, x.RecordsLinked, x.Managed, CoverageMath.Percent(x.Managed, pop),
                    x.PriorityGroup1, x.PriorityGroup2, x.PriorityGroup3);
            }).ToList();

        PriorityGroupRow Group(int g, string label, long records, string core, int fromBand, int toBand)
        {
            var bands = BandOrder[fromBand..(toBand + 1)];
            var inCore = cells.Where(x => x.AgeBand is not null && bands.Contains(x.AgeBand)).ToList();
            long? population = hasAgeSex ? inCore.Sum(x => x.Population ?? 0) : null;
            var managed = inCore.Sum(x => x.Managed);
            return new PriorityGroupRow(g, label, records, CoverageMath.Percent(records, k.RecordsLinked), core, population, managed,
                CoverageMath.Percent(managed, population));
        }

        var groups = new List<PriorityGroupRow>
        {
            Group(1, "Người trên 50 tuổi hoặc có bệnh nền", k.PriorityGroup1, "50+", 10, 16),
            Group(2, "Phụ nữ có thai và trẻ em", k.PriorityGroup2, "0-14", 0, 2),
            Group(3, "Người dân còn lại", k.PriorityGroup3, "15-49", 3, 9),
        };
        return new PriorityGroupsReport(unit, k.RecordsLinked, hasAgeSex, groups, ageSex);
    }

    /// <summary>Completeness of the mandatory data groups (HCMC plan) over records linked.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public CompletenessReport Completeness(string code, string? snapshotId = null)
    {
        using var c = db.Open();
        var (unit, k) = Unit(c, code, snapshotId);
        CompletenessRow Row(string group, string label, long n) => new(group, label, n, CoverageMath.Percent(n, k.RecordsLinked));
        return new CompletenessReport(unit, k.RecordsLinked,
        [
            Row("administrative", "Thông tin hành chính", k.CompleteAdministrative),
            Row("immunisation", "Tiêm chủng", k.CompleteImmunisation),
            Row("history_allergy", "Tiền sử, dị ứng", k.CompleteHistoryAllergy),
            Row("anthropometrics", "Chiều cao, cân nặng", k.CompleteAnthropometrics),
            Row("blood_group", "Nhóm máu", k.CompleteBloodGroup),
            Row("underlying_conditions", "Bệnh nền", k.CompleteUnderlyingConditions),
            Row("all", "Đầy đủ thông tin", k.CompleteAll),
        ]);
    }

    /// <summary>Data-quality counts of a unit (docs/definitions.md, "Data quality"); <c>unknown_ward</c> is non-zero
    /// only on province rows.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public DataQualityReport DataQuality(string code, string? snapshotId = null)
    {
        KpiUnit unit;
        KpiCounts k;
        using (var c = db.Open()) (unit, k) = Unit(c, code, snapshotId);
        return new DataQualityReport(unit, k.RecordsAll, CoverageOf(unit), Checks(k));
    }

    /// <summary>The <see cref="DataQuality"/> report of every commune of a province (or legacy district), from one query
    /// over the mart and the unit's coverage table instead of two queries and a coverage table per commune.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot or unit.</exception>
    public IReadOnlyList<DataQualityReport> CommunesDataQuality(string code, string? snapshotId = null)
    {
        KpiUnit parent;
        List<(string Code, string Name, KpiCounts Counts)> communes;
        using (var c = db.Open())
        {
            (parent, _) = Unit(c, code, snapshotId);
            var s = parent.Snapshot;
            communes = c.Query<(string, string), KpiCounts, (string Code, string Name, KpiCounts Counts)>(KpiCounts.OfCommunes,
                (unit, k) => (unit.Item1, unit.Item2, k),
                new { sid = s.SnapshotId, cs = s.CodeSystem, code, asof = s.AsOf.ToDateTime(TimeOnly.MinValue) }, splitOn: "RecordsAll").ToList();
        }
        // A commune's own coverage row is its row in its province's table (CoverageOf).
        var province = parent.Level == Levels.Province ? code : null;
        var coverage = communes.Count == 0 ? [] : Children(new CoverageRequest(province ?? ProvinceOf(communes[0].Code, parent.Snapshot.SnapshotId))
            { SnapshotId = parent.Snapshot.SnapshotId }).Rows.ToDictionary(r => r.Code);
        return [.. communes.Select(x => new DataQualityReport(new KpiUnit(parent.Snapshot, Levels.Commune, x.Code, x.Name), x.Counts.RecordsAll,
            coverage[x.Code], Checks(x.Counts)))];
    }

    string ProvinceOf(string commune, string snapshotId)
    {
        using var c = db.Open();
        return c.QuerySingle<string>("SELECT province_code FROM mart_unit_kpi WHERE snapshot_id = $sid AND level = 'commune' AND unit_code = $code",
            new { sid = snapshotId, code = commune });
    }

    static List<DataQualityRow> Checks(KpiCounts k)
    {
        DataQualityRow R(string check, string label, long n) => new(check, label, n, "records", CoverageMath.Percent(n, k.RecordsAll));
        DataQualityRow E(string check, string label, long n, string of) => new(check, label, n, of, null);
        return
        [
            R("duplicate_citizen", "Trùng số định danh", k.DuplicateCitizen),
            R("probable_duplicate", "Nghi trùng (họ tên, ngày sinh, xã)", k.ProbableDuplicate),
            R("missing_citizen_adult", "Người lớn không có số định danh", k.MissingCitizenAdult),
            R("malformed_citizen", "Số định danh sai định dạng", k.MalformedCitizen),
            R("missing_insurance", "Không có mã thẻ BHYT", k.MissingInsurance),
            R("missing_phone", "Không có số điện thoại", k.MissingPhone),
            R("visit_after_death", "Có lượt khám sau ngày tử vong", k.VisitAfterDeath),
            R("implausible_birth", "Ngày sinh bất hợp lý", k.ImplausibleBirth),
            R("implausible_record_anthropometrics", "Chiều cao, cân nặng trên hồ sơ bất hợp lý", k.ImplausibleRecordAnthropometrics),
            E("implausible_encounters", "Lượt khám có chỉ số bất hợp lý", k.ImplausibleEncounters, "encounters"),
            E("implausible_labs", "Xét nghiệm có giá trị bất hợp lý", k.ImplausibleLabs, "labs"),
            E("unparseable_labs", "Xét nghiệm không đọc được kết quả", k.UnparseableLabs, "labs"),
            E("unknown_unit_labs", "Xét nghiệm không rõ đơn vị đo", k.UnknownUnitLabs, "labs"),
            R("unknown_ward", "Mã xã không có trong danh mục", k.UnknownWard),
        ];
    }

    (KpiUnit Unit, KpiCounts Counts) Unit(DuckDBConnection c, string code, string? snapshotId)
    {
        var level = LevelOf(code);
        var snapshot = Resolve(c, code, level, snapshotId);
        var counts = c.QuerySingle<KpiCounts>(KpiCounts.Sql, new { sid = snapshot.SnapshotId, level, code });
        var name = c.QueryFirstOrDefault<string>("""
            SELECT full_name FROM dim_admin_unit WHERE code_system = $cs AND level = $level AND code = $code
              AND valid_from <= $asof AND (valid_to IS NULL OR $asof < valid_to)
            """, new { cs = snapshot.CodeSystem, level, code, asof = snapshot.AsOf.ToDateTime(TimeOnly.MinValue) }) ?? code;
        return (new KpiUnit(snapshot, level, code, name), counts);
    }

    /// <summary>A unit's own coverage row: the total row of its children's table, or for a commune its row in the
    /// table of its province.</summary>
    CoverageRow CoverageOf(KpiUnit unit)
    {
        var sid = unit.Snapshot.SnapshotId;
        if (unit.Level != Levels.Commune) return Children(new CoverageRequest(unit.Code) { SnapshotId = sid }).Total;
        string province;
        using (var c = db.Open())
            province = c.QuerySingle<string>(
                "SELECT province_code FROM mart_unit_kpi WHERE snapshot_id = $sid AND level = 'commune' AND unit_code = $code",
                new { sid, code = unit.Code });
        return Children(new CoverageRequest(province) { SnapshotId = sid }).Rows.Single(r => r.Code == unit.Code);
    }
}
