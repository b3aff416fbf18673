using Dapper;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>Which rows of <see cref="CoverageQueries.Children"/>: the children of <see cref="Parent"/> at
/// <see cref="Level"/> ("commune"; "district" for a province in a legacy snapshot) in <see cref="SnapshotId"/>
/// (default: the latest snapshot containing the parent; a 3-digit parent or the district level means legacy).
/// <see cref="Sort"/>: code (default), name, population, records_linked, examined, managed, coverage_pct, gap
/// (to the first target). <see cref="Below"/> keeps rows with coverage under that percentage (rows without a
/// denominator are dropped); <see cref="Over100"/> keeps only (true) or drops (false) rows over 100 %.</summary>
public sealed record CoverageRequest(string Parent)
{
    public string? SnapshotId { get; init; }
    public string Level { get; init; } = Levels.Commune;
    public string? Sort { get; init; }
    public bool Descending { get; init; }
    public double? Below { get; init; }
    public bool? Over100 { get; init; }
}

/// <summary>The appendix table: child rows (sorted, filtered) and the parent's total row (sum of all its children,
/// before filtering), with the targets that apply to the child level.</summary>
public sealed record CoverageTable(LoadedSnapshot Snapshot, string Parent, string Level, IReadOnlyList<CoverageTarget> Targets,
    IReadOnlyList<CoverageRow> Rows, CoverageRow Total);

sealed record MartRow(string Level, string Code, string Name, long? Population, long RecordsLinked, long Examined, long Managed)
{
    /// <summary>Children of $parent at $level plus the $parentLevel row of $parent, with their denominators
    /// (<c>mart_unit_denominator</c>: communes their own, districts and provinces the sum over their communes that have one).</summary>
    public const string Sql = """
        SELECT k.level AS Level, k.unit_code AS Code, coalesce(u.full_name, k.unit_code) AS Name,
               d.population AS Population, k.records_linked AS RecordsLinked, k.examined AS Examined, k.managed AS Managed
        FROM mart_unit_kpi k
        LEFT JOIN mart_unit_denominator d ON d.snapshot_id = k.snapshot_id AND d.level = k.level AND d.unit_code = k.unit_code
        LEFT JOIN dim_admin_unit u ON u.code_system = k.code_system AND u.level = k.level AND u.code = k.unit_code
             AND u.valid_from <= k.as_of AND (u.valid_to IS NULL OR k.as_of < u.valid_to)
        WHERE k.snapshot_id = $sid
          AND (k.level = $level AND (k.parent_code = $parent OR (k.level = 'commune' AND k.province_code = $parent))
               OR k.level = $parentLevel AND k.unit_code = $parent)
        ORDER BY k.unit_code
        """;
}

public sealed partial class CoverageQueries
{
    static readonly string[] SortKeys = ["code", "name", "population", "records_linked", "examined", "managed", "coverage_pct", "gap"];

    /// <summary>The appendix rows for the children of a unit, plus its total row.</summary>
    /// <exception cref="KpiNotFoundException">Unknown snapshot, or a parent the snapshot does not contain.</exception>
    /// <exception cref="ArgumentException">Malformed parent, level, sort or filter.</exception>
    public CoverageTable Children(CoverageRequest request)
    {
        var parentLevel = LevelOf(request.Parent, "parent");
        var level = request.Level.ToLowerInvariant();
        if (parentLevel == Levels.Commune)
            throw new ArgumentException($"Tham số parent: xã '{request.Parent}' không có đơn vị con; dùng mã tỉnh (2 chữ số) hoặc huyện cũ (3 chữ số).");
        if (level is not (Levels.Commune or Levels.District) || (level == Levels.District && parentLevel != Levels.Province))
            throw new ArgumentException($"Tham số level: '{request.Level}' không hợp lệ (commune; district cho tỉnh ở ảnh chụp mã cũ).");
        if (request.Sort is { } sort && !SortKeys.Contains(sort.ToLowerInvariant()))
            throw new ArgumentException($"Tham số sort: '{sort}' không hợp lệ ({string.Join(", ", SortKeys)}).");
        if (request.Below is < 0 or > 1000 || request.Below is double.NaN)
            throw new ArgumentException("Tham số below: phải là một tỉ lệ phần trăm từ 0 đến 1000.");

        using var c = db.Open();
        var legacyOnly = parentLevel == Levels.District || level == Levels.District;
        var snapshot = Resolve(c, request.Parent, parentLevel, request.SnapshotId, legacyOnly ? ReferenceData.SystemLegacy : null);
        var goals = targets.For(level);
        var raw = c.Query<MartRow>(MartRow.Sql, new
        {
            sid = snapshot.SnapshotId, level, parent = request.Parent, parentLevel,
        }).ToList();
        var totalRaw = raw.Single(r => r.Level == parentLevel && r.Code == request.Parent);
        var total = ToRow(totalRaw, targets.For(parentLevel));
        IEnumerable<CoverageRow> rows = raw.Where(r => r != totalRaw).Select(r => ToRow(r, goals));

        if (request.Below is { } below) rows = rows.Where(r => r.CoveragePct is { } p && p < (decimal)below);
        if (request.Over100 is { } over) rows = rows.Where(r => r.Over100 == over);
        rows = (request.Sort?.ToLowerInvariant() ?? "code") switch
        {
            "name" => Order(rows, r => r.Name, request.Descending, Text.VietnameseOrder),
            "population" => Order(rows, r => r.Population, request.Descending),
            "records_linked" => Order(rows, r => r.RecordsLinked, request.Descending),
            "examined" => Order(rows, r => r.Examined, request.Descending),
            "managed" => Order(rows, r => r.Managed, request.Descending),
            "coverage_pct" => Order(rows, r => r.CoveragePct, request.Descending),
            "gap" => Order(rows, r => r.Targets.FirstOrDefault()?.Gap, request.Descending),
            _ => Order(rows, r => r.Code, request.Descending),
        };
        return new CoverageTable(snapshot, request.Parent, level, goals, rows.ToList(), total);
    }

    static CoverageRow ToRow(MartRow r, IReadOnlyList<CoverageTarget> goals) =>
        CoverageMath.Row(r.Level, r.Code, r.Name, r.Population, r.RecordsLinked, r.Examined, r.Managed, false, goals);

    /// <summary>Rows without a value (no denominator) go last in either direction; ties by code.</summary>
    static IEnumerable<CoverageRow> Order<T>(IEnumerable<CoverageRow> rows, Func<CoverageRow, T> key, bool descending, IComparer<T>? comparer = null)
    {
        var withValue = rows.Where(r => key(r) is not null);
        var ordered = descending ? withValue.OrderByDescending(key, comparer) : withValue.OrderBy(key, comparer);
        return ordered.ThenBy(r => r.Code, StringComparer.Ordinal).Concat(rows.Where(r => key(r) is null).OrderBy(r => r.Code, StringComparer.Ordinal));
    }
}
