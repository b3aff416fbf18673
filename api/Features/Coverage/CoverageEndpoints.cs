using System.Globalization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Api.Features.Snapshots;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Coverage;

/// <summary>Coverage KPIs (issue 3 §1) read through <see cref="CoverageQueries"/>, inside the caller's scope, at most two
/// uncached queries at a time.</summary>
public static class CoverageEndpoints
{
    static readonly string[] LevelNames = ["communes", "districts"];
    static readonly string[] SortKeys = ["code", "name", "population", "records_linked", "examined", "managed", "coverage_pct", "gap"];
    static readonly string[] Systems = [ReferenceData.System2025, ReferenceData.SystemLegacy];

    public static void MapCoverage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coverage").WithTags("Coverage").WithWarehouseCache();

        group.MapGet("/{level}", async (string level, string? parent, string? snapshot, string? sort, bool? desc, double? below,
            string? belowTarget, bool? over100, Caller caller, CoverageScope scope, CoverageQueries queries,
            IOptions<CoverageTargets> targets, QueryGate gate, CancellationToken ct) =>
        {
            var childLevel = level.ToLowerInvariant() switch
            {
                "communes" or "commune" => CoverageQueries.Commune,
                "districts" or "district" => CoverageQueries.District,
                _ => throw Problems.OneOf("level", level, LevelNames),
            };
            if (string.IsNullOrEmpty(parent)) throw Problems.Missing("parent");
            if (parent.Length is not (2 or 3) || !parent.All(char.IsAsciiDigit))
                throw Problems.BadParameter("parent", parent, "cần mã tỉnh (2 chữ số) hoặc mã huyện cũ (3 chữ số)");
            if (sort is not null && !SortKeys.Contains(sort.ToLowerInvariant())) throw Problems.OneOf("sort", sort, SortKeys);
            if (below is { } b && (double.IsNaN(b) || b is < 0 or > 1000))
                throw Problems.BadParameter("below", b.ToString(CultureInfo.InvariantCulture), "cần một tỉ lệ phần trăm từ 0 đến 1000");
            var keys = targets.Value.For(childLevel).Select(t => t.Key).ToList();
            if (belowTarget is not null && !keys.Contains(belowTarget)) throw Problems.OneOf("belowTarget", belowTarget, keys);
            var legacyOnly = parent.Length == 3 || childLevel == CoverageQueries.District;
            var chosen = scope.Snapshot(caller, parent, snapshot, legacyOnly);
            var table = await Read(gate, () => queries.Children(new CoverageRequest(parent)
            {
                SnapshotId = chosen.SnapshotId, Level = childLevel, Sort = sort, Descending = desc ?? false, Below = below, Over100 = over100,
            }), ct);
            if (belowTarget is not null) // units that do not meet it yet; units without a denominator cannot be judged
                table = table with { Rows = [.. table.Rows.Where(r => r.Targets.Any(t => t.Key == belowTarget && t.Meets == false))] };
            return new Report<CoverageTable>(table, $"bao-phu-{parent}-{table.Snapshot.SnapshotId}", Flatten);
        }).WithSummary("Bảng phụ lục độ bao phủ hồ sơ sức khỏe của các đơn vị con (xã của một tỉnh; huyện của tỉnh hoặc xã của huyện ở ảnh chụp mã cũ) kèm dòng tổng, sắp xếp (sort, desc) và lọc (below: dưới một tỉ lệ %; belowTarget: chưa đạt một chỉ tiêu, ví dụ 90_2025; over100).");

        var unit = group.MapGroup("/units/{code}");

        unit.MapGet("/series", async (string code, string? system, Caller caller, CoverageScope scope, CoverageQueries queries,
            QueryGate gate, CancellationToken ct) =>
        {
            Code(code);
            if (system is not null && !Systems.Contains(system)) throw Problems.OneOf("system", system, Systems);
            var allowed = scope.AllowedSystems(caller, code, system is null ? Systems : [system]);
            var series = await Read(gate, () => queries.Series(code, allowed.Count == 1 ? allowed[0] : null), ct);
            return new Report<UnitSeries>(series, $"chuoi-thoi-gian-{code}", Flatten);
        }).WithSummary("Độ bao phủ của một đơn vị qua các ảnh chụp (ảnh chụp mã cũ qua bảng chuyển đổi, đánh dấu gần đúng) và ngày dự kiến đạt từng chỉ tiêu.");

        unit.MapGet("/priority-groups", async (string code, string? snapshot, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var chosen = scope.Snapshot(caller, Code(code), snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.PriorityGroups(code, chosen.SnapshotId), ct);
            return new Report<PriorityGroupsReport>(report, $"nhom-uu-tien-{code}", r => Csv.Of(r.Groups, Subject(r.Unit)));
        }).WithSummary("Nhóm ưu tiên (Kế hoạch 3160/KH-UBND): số hồ sơ, và độ bao phủ theo tuổi/giới khi có mẫu số.");

        unit.MapGet("/completeness", async (string code, string? snapshot, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var chosen = scope.Snapshot(caller, Code(code), snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.Completeness(code, chosen.SnapshotId), ct);
            return new Report<CompletenessReport>(report, $"day-du-{code}", r => Csv.Of(r.Groups, [.. Subject(r.Unit), ("recordsLinked", r.RecordsLinked)]));
        }).WithSummary("Tỉ lệ hồ sơ có đủ từng nhóm thông tin bắt buộc và đủ tất cả.");

        unit.MapGet("/data-quality", async (string code, string? snapshot, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var chosen = scope.Snapshot(caller, Code(code), snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.DataQuality(code, chosen.SnapshotId), ct);
            return new Report<DataQualityReport>(report, $"chat-luong-{code}", r => Csv.Of(r.Checks, [.. Subject(r.Unit), ("recordsAll", r.RecordsAll)]));
        }).WithSummary("Chất lượng dữ liệu (đúng, đủ, sạch, sống): trùng, thiếu định danh, khám sau tử vong, giá trị bất hợp lý, ….");
    }

    /// <summary>An uncached query through the gate; the query layer's own parameter errors become 400.</summary>
    static async Task<T> Read<T>(QueryGate gate, Func<T> query, CancellationToken ct)
    {
        try { return await gate.RunAsync(query, ct); }
        catch (ArgumentException e) { throw new ProblemException(StatusCodes.Status400BadRequest, "Tham số không hợp lệ", e.Message); }
    }

    static string Code(string code) =>
        code.Length is 2 or 3 or 5 && code.All(char.IsAsciiDigit) ? code
            : throw Problems.BadParameter("code", code, "cần mã tỉnh (2 chữ số), huyện cũ (3) hoặc xã (5)");

    static (string, object?)[] Subject(KpiUnit u) =>
        [("snapshotId", u.Snapshot.SnapshotId), ("asOf", u.Snapshot.AsOf), ("code", u.Code), ("name", u.Name)];

    static readonly string[] RowColumns =
        ["level", "code", "name", "population", "recordsLinked", "examined", "managed", "coveragePct", "over100", "noDenominator", "approximate"];

    /// <summary>A row's cells, then gap and meets for each target key (empty when the target does not apply to its level).</summary>
    static IEnumerable<object?> Cells(CoverageRow r, IReadOnlyList<string> keys) =>
        [r.Level, r.Code, r.Name, r.Population, r.RecordsLinked, r.Examined, r.Managed, r.CoveragePct, r.Over100, r.NoDenominator,
         r.Approximate, .. keys.SelectMany(k => r.Targets.FirstOrDefault(g => g.Key == k) is { } g ? new object?[] { g.Gap, g.Meets } : [null, null])];

    static IEnumerable<string> TargetColumns(IEnumerable<string> keys) => keys.SelectMany(k => new[] { "gap_" + k, "meets_" + k });

    /// <summary>The child rows then the parent's total row (its level tells it apart).</summary>
    static CsvTable Flatten(CoverageTable t)
    {
        var keys = t.Targets.Select(x => x.Key).ToList();
        return new CsvTable(["snapshotId", "asOf", .. RowColumns, .. TargetColumns(keys)],
            t.Rows.Append(t.Total).Select(r => (IReadOnlyList<object?>)[t.Snapshot.SnapshotId, t.Snapshot.AsOf, .. Cells(r, keys)]));
    }

    static CsvTable Flatten(UnitSeries s)
    {
        var keys = s.Projections.Select(p => p.Target.Key).ToList();
        return new CsvTable(["snapshotId", "asOf", "codeSystem", "bridged", .. RowColumns, .. TargetColumns(keys)],
            s.Points.Select(p => (IReadOnlyList<object?>)[p.SnapshotId, p.AsOf, p.CodeSystem, p.Bridged, .. Cells(p.Row, keys)]));
    }

    public static IServiceCollection AddCoverageApi(this IServiceCollection services) => services.AddSingleton<CoverageScope>();
}

/// <summary>Picks the snapshot a coverage figure is read from, so that it is one the caller may see and the unit lies in
/// the caller's scope in that snapshot's code system.</summary>
public sealed class CoverageScope(WarehouseDb db, UnitScope scope)
{
    /// <summary>The code systems in which the unit exists and the caller may see it: 403 when none (for a national caller,
    /// 404 when the unit exists in none).</summary>
    public IReadOnlyList<string> AllowedSystems(Caller caller, string code, IReadOnlyList<string> systems)
    {
        var allowed = systems.Where(cs => scope.Footprint(cs, code).Exists && scope.Allows(caller, cs, code)).ToList();
        if (allowed.Count > 0) return allowed;
        throw caller.IsNational ? Problems.UnitNotFound(string.Join(" hoặc ", systems), code) : Problems.Forbidden();
    }

    /// <summary>The named snapshot (404 if unknown or another province's; 403 if the unit is outside the scope), or the
    /// latest visible snapshot of the unit's province in a code system where the caller may see the unit.</summary>
    public SnapshotRow Snapshot(Caller caller, string code, string? snapshotId, bool legacyOnly)
    {
        string[] systems = legacyOnly ? [ReferenceData.SystemLegacy] : [ReferenceData.System2025, ReferenceData.SystemLegacy];
        if (snapshotId is not null)
        {
            var named = SnapshotRow.Resolve(db, scope, caller, snapshotId);
            if (scope.Allows(caller, named.CodeSystem, code) && scope.Footprint(named.CodeSystem, code).Exists) return named;
            AllowedSystems(caller, code, systems); // 403 (or 404) unless the caller may see the unit in some code system
            throw new ProblemException(StatusCodes.Status404NotFound, "Không tìm thấy số liệu",
                $"Ảnh chụp '{named.SnapshotId}' (hệ mã {named.CodeSystem}) không có đơn vị mã '{code}'.");
        }
        var allowed = AllowedSystems(caller, code, systems);
        return SnapshotRow.Visible(db, scope, caller)
            .LastOrDefault(s => allowed.Contains(s.CodeSystem)
                && scope.Footprint(s.CodeSystem, s.ProvinceCode).Provinces.Intersect(scope.Footprint(s.CodeSystem, code).Provinces).Any())
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "Không tìm thấy số liệu", $"Chưa có ảnh chụp nào có số liệu cho đơn vị mã '{code}'.");
    }
}
