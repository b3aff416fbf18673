using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Coverage;

/// <summary>Coverage KPIs (docs/definitions.md) read through <see cref="CoverageQueries"/>, inside the caller's scope, with
/// uncached queries bounded by the <see cref="QueryGate"/>.</summary>
public static class CoverageEndpoints
{
    public static void MapCoverage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coverage").WithTags("Coverage").WithWarehouseCache();

        group.MapGet("/{level}", async ([AsParameters] ChildrenParameters p, Caller caller, CoverageScope scope, CoverageQueries queries,
            IOptions<CoverageTargets> targets, QueryGate gate, CancellationToken ct) =>
        {
            var q = p.Validate(targets.Value);
            var chosen = scope.Snapshot(caller, q.Request.Parent, p.Snapshot, q.LegacyOnly);
            var table = await Read(gate, () => queries.Children(q.Request with { SnapshotId = chosen.SnapshotId }), ct);
            if (q.BelowTarget is { } key) // units that do not meet it yet; units without a denominator cannot be judged
                table = table with { Rows = [.. table.Rows.Where(r => r.Targets.Any(t => t.Key == key && t.Meets == false))] };
            return new Report<CoverageTable>(table, $"bao-phu-{q.Request.Parent}-{table.Snapshot.SnapshotId}", AppendixTable.Of);
        }).WithSummary("Bảng phụ lục độ bao phủ hồ sơ sức khỏe của các đơn vị con (xã của một tỉnh; huyện của tỉnh hoặc xã của huyện ở ảnh chụp mã cũ) kèm dòng tổng, sắp xếp (sort, desc) và lọc (below: dưới một tỉ lệ %; belowTarget: chưa đạt một chỉ tiêu, ví dụ 90_2025; over100).");

        var unit = group.MapGroup("/units/{code}");

        unit.MapGet("/series", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope, CoverageQueries queries,
            QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var allowed = scope.AllowedSystems(caller, code, p.ValidSystems());
            var series = await Read(gate, () => queries.Series(code, allowed.Count == 1 ? allowed[0] : null), ct);
            return new Report<UnitSeries>(series, $"chuoi-thoi-gian-{code}", AppendixTable.Of);
        }).WithSummary("Độ bao phủ của một đơn vị qua các ảnh chụp (ảnh chụp mã cũ qua bảng chuyển đổi, đánh dấu gần đúng) và ngày dự kiến đạt từng chỉ tiêu.");

        unit.MapGet("/priority-groups", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = PriorityGroupsDisclosure.Disclose(await Read(gate, () => queries.PriorityGroups(code, chosen.SnapshotId), ct), caller.Audience);
            return new Report<PriorityGroupsView>(report, $"nhom-uu-tien-{code}", r => Csv.Of(r.Groups, Subject(r.Unit)));
        }).WithSummary("Nhóm ưu tiên (Kế hoạch 3160/KH-UBND): số hồ sơ, và độ bao phủ theo tuổi/giới khi có mẫu số.");

        unit.MapGet("/completeness", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.Completeness(code, chosen.SnapshotId), ct);
            return new Report<CompletenessReport>(report, $"day-du-{code}", r => Csv.Of(r.Groups, [.. Subject(r.Unit), ("recordsLinked", r.RecordsLinked)]));
        }).WithSummary("Tỉ lệ hồ sơ có đủ từng nhóm thông tin bắt buộc và đủ tất cả.");

        unit.MapGet("/permanent-residents", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.PermanentResidents(code, chosen.SnapshotId), ct);
            return new Report<PermanentResidentsReport>(report, $"thuong-tru-{code}", TargetsTable.Of);
        }).WithSummary("Độ bao phủ người dân thường trú (chỉ tiêu cấu hình, mặc định ≥ 95 % mỗi xã): số hồ sơ thường trú đã tạo lập và cập nhật trong 365 ngày so với dân số thường trú, của các xã trực thuộc rồi dòng của đơn vị.");

        unit.MapGet("/visitors-completeness", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.VisitorsCompleteness(code, chosen.SnapshotId), ct);
            return new Report<VisitorsCompletenessReport>(report, $"day-du-nguoi-kham-{code}", TargetsTable.Of);
        }).WithSummary("Hồ sơ của người có khám, chữa bệnh trong 12 tháng (không tính khám sàng lọc cộng đồng) được cập nhật đầy đủ mọi nhóm thông tin bắt buộc (chỉ tiêu mặc định 100 %), của các xã trực thuộc rồi dòng của đơn vị.");

        unit.MapGet("/targets", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = await Read(gate, () => queries.Targets(code, chosen.SnapshotId), ct);
            return new Report<UnitTargetsReport>(report, $"chi-tieu-{code}", TargetsTable.Of);
        }).WithSummary("Mọi chỉ tiêu áp dụng cho đơn vị (độ bao phủ, người dân thường trú, hồ sơ người có khám chữa bệnh đầy đủ): kế hoạch đặt ra, giá trị hiện tại, số người còn thiếu và ngày dự kiến đạt.");

        unit.MapGet("/data-quality", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
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

    static (string, object?)[] Subject(KpiUnit u) =>
        [("snapshotId", u.Snapshot.SnapshotId), ("asOf", u.Snapshot.AsOf), ("code", u.Code), ("name", u.Name)];

    public static IServiceCollection AddCoverageApi(this IServiceCollection services) => services.AddSingleton<CoverageScope>();
}

/// <summary>Picks the snapshot a coverage figure is read from, so that it is one the caller may see and the unit lies in
/// the caller's scope in that snapshot's code system.</summary>
public sealed class CoverageScope(SnapshotCatalog catalog, UnitScope scope)
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
    public LoadedSnapshot Snapshot(Caller caller, string code, string? snapshotId, bool legacyOnly)
    {
        string[] systems = legacyOnly ? [ReferenceData.SystemLegacy] : [ReferenceData.System2025, ReferenceData.SystemLegacy];
        if (snapshotId is not null)
        {
            var named = catalog.Resolve(caller.ScopeProvince, snapshotId);
            if (scope.Allows(caller, named.CodeSystem, code) && scope.Footprint(named.CodeSystem, code).Exists) return named;
            AllowedSystems(caller, code, systems); // 403 (or 404) unless the caller may see the unit in some code system
            throw new ProblemException(StatusCodes.Status404NotFound, "Không tìm thấy số liệu",
                $"Ảnh chụp '{named.SnapshotId}' (hệ mã {named.CodeSystem}) không có đơn vị mã '{code}'.");
        }
        var allowed = AllowedSystems(caller, code, systems);
        return catalog.VisibleTo(caller.ScopeProvince)
            .LastOrDefault(s => allowed.Contains(s.CodeSystem)
                && scope.Footprint(s.CodeSystem, s.ProvinceCode).Provinces.Intersect(scope.Footprint(s.CodeSystem, code).Provinces).Any())
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "Không tìm thấy số liệu", $"Chưa có ảnh chụp nào có số liệu cho đơn vị mã '{code}'.");
    }
}
