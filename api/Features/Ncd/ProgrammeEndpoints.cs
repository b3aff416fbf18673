using System.Globalization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>The query parameters of <c>/api/ncd/programme/{disease}</c>, as sent; each is checked once, here.</summary>
public sealed class ProgrammeParameters
{
    [FromQuery(Name = "snapshot")] public string? Snapshot { get; init; }
    [FromQuery(Name = "unit")] public string? Unit { get; init; }
    [FromQuery(Name = "month")] public string? Month { get; init; }
    [FromQuery(Name = "includeLost")] public string? IncludeLost { get; init; }

    /// <summary>A province (2 digits) or commune (5 digits) code, or null.</summary>
    public string? ValidUnit() => Unit is null ? null : Parameters.UnitCode("unit", Unit, "cần mã tỉnh (2 chữ số) hoặc xã (5)", 2, 5);

    /// <summary>The month as its first day ("yyyy-MM"), or null.</summary>
    public DateOnly? ValidMonth() => Month is null ? null
        : DateOnly.TryParseExact(Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw Problems.BadParameter("month", Month, "cần tháng dạng yyyy-MM, ví dụ 2025-09");

    public bool ValidIncludeLost() => Parameters.Bool("includeLost", IncludeLost) ?? false;
}

/// <summary>The hypertension and diabetes programme indicators (Simple / HEARTS360) over time: one month, the
/// 18-month trend, the quarterly registration cohorts (docs/models.md, "Programme indicators over time").</summary>
public static class ProgrammeEndpoints
{
    /// <summary>How the figures are defined, as the responses state it.</summary>
    public const string Note =
        "Bệnh nhân đang quản lý: đã đăng ký (chẩn đoán lần đầu) ≥ 3 tháng trước ngày tính, còn sống, có lượt khám trong 12 tháng. " +
        "Kiểm soát: lần đo gần nhất trong 3 tháng < 140/90 mmHg (tăng huyết áp) hoặc HbA1c < 7 %, nếu không có HbA1c thì đường huyết đói < 7,0 mmol/L (đái tháo đường). " +
        "Bỏ tái khám: không có lượt khám trong 3 tháng. Mất dấu: không có lượt khám trong 12 tháng (chỉ tính vào mẫu số khi includeLost=true). " +
        "Mỗi tháng lấy từ ảnh chụp của tháng đó nếu có (source = snapshot), nếu không thì từ lịch sử khám trong ảnh chụp mới nhất (source = history). " +
        "Trừ cán bộ của chính xã: số đếm từ 1 đến 4 và mọi tỷ lệ suy ra từ chúng bị ẩn (docs/definitions.md).";

    /// <summary>One month's table with its note.</summary>
    public sealed record MonthResponse(string Note, ProgrammeTable Table);

    /// <summary>The trend with its note.</summary>
    public sealed record TrendResponse(string Note, ProgrammeTrend Trend);

    /// <summary>The cohorts with their note.</summary>
    public sealed record CohortsResponse(string Note, ProgrammeCohorts Cohorts);

    /// <summary>The chart endpoint's kind for the control-rate map (the charts' kinds are <see cref="ProgrammeChart.Kinds"/>).</summary>
    public const string MapKind = "map";

    public static void MapProgramme(this IEndpointRouteBuilder app)
    {
        var cached = app.MapGroup("/api/ncd/programme").WithTags("Ncd").WithWarehouseCache();

        cached.MapGet("/{disease}", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeQueries programme,
            SnapshotCatalog catalog, UnitScope scope, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var month = p.ValidMonth();
            var includeLost = p.ValidIncludeLost();
            var sources = catalog.VisibleTo(caller.ScopeProvince);
            var table = await gate.RunAsync(() => Run(() => programme.Month(s, sources, d, unit, month, includeLost, caller.Audience)), ct);
            table = table with { Rows = Visible(table.Rows, r => (r.Level, r.UnitCode), scope, caller, s, unit) };
            return new Report<MonthResponse>(new(Note, table), $"chuong-trinh-{d}-{table.ReferenceMonth:yyyy-MM}", b => Csv.Of(b.Table.Rows));
        }).WithSummary("Chỉ số chương trình tăng huyết áp (htn) hoặc đái tháo đường (dm) của một tháng (mặc định: tháng của ảnh chụp): đang quản lý, kiểm soát, chưa kiểm soát, bỏ tái khám, có khám nhưng không đo/xét nghiệm, mất dấu, theo tỉnh và xã, mẫu số ghi rõ.");

        cached.MapGet("/{disease}/trend", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeQueries programme,
            SnapshotCatalog catalog, UnitScope scope, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var includeLost = p.ValidIncludeLost();
            var sources = catalog.VisibleTo(caller.ScopeProvince);
            var trend = await gate.RunAsync(() => Run(() => programme.Trend(s, sources, d, unit, includeLost, caller.Audience)), ct);
            trend = trend with { Rows = Visible(trend.Rows, r => (r.Level, r.UnitCode), scope, caller, s, unit) };
            return new Report<TrendResponse>(new(Note, trend), $"chuong-trinh-{d}-xu-huong", b => Csv.Of(b.Trend.Rows));
        }).WithSummary("Xu hướng 18 tháng của các chỉ số chương trình; mỗi tháng ghi rõ nguồn (ảnh chụp của tháng hay lịch sử khám trong ảnh chụp mới nhất) và tháng nào của xã được quy đổi qua sắp xếp đơn vị hành chính 2025 (bridged, approximate).");

        cached.MapGet("/{disease}/cohorts", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeQueries programme,
            SnapshotCatalog catalog, UnitScope scope, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var sources = catalog.VisibleTo(caller.ScopeProvince);
            var cohorts = await gate.RunAsync(() => Run(() => programme.Cohorts(s, sources, d, unit, caller.Audience)), ct);
            cohorts = cohorts with { Rows = Visible(cohorts.Rows, r => (r.Level, r.UnitCode), scope, caller, s, unit) };
            return new Report<CohortsResponse>(new(Note, cohorts), $"chuong-trinh-{d}-nhom-dang-ky", b => Csv.Of(b.Cohorts.Rows));
        }).WithSummary("Nhóm đăng ký theo quý: trong số bệnh nhân đăng ký mới trong một quý, kết quả ở quý tiếp theo (kiểm soát, chưa kiểm soát, có khám nhưng không đo/xét nghiệm, bỏ tái khám).");

        cached.MapGet("/{disease}/chart", async (string disease, [AsParameters] ProgrammeParameters p, [FromQuery(Name = "kind")] string? kind,
            [FromQuery(Name = "format")] string? format, ProgrammeQueries programme, SnapshotCatalog catalog, UnitScope scope,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var chosenKind = Parameters.OneOf("kind", kind, [.. ProgrammeChart.Kinds, MapKind]) ?? ProgrammeChart.Outcomes;
            var chosenFormat = (Parameters.OneOf("format", format, ["png", "svg"]) ?? "svg") == "png" ? ChartFormat.Png : ChartFormat.Svg;
            var includeLost = p.ValidIncludeLost();
            var month = p.ValidMonth();
            var sources = catalog.VisibleTo(caller.ScopeProvince);
            // The same query results as the JSON endpoints (and the page), filtered to the caller's scope the same way.
            var bytes = await gate.RunAsync(() => Run(() =>
            {
                if (chosenKind == MapKind)
                {
                    var table = programme.Month(s, sources, d, null, month, includeLost, caller.Audience);
                    table = table with { Rows = Visible(table.Rows, r => (r.Level, r.UnitCode), scope, caller, s, null) };
                    return ChoroplethMap.Programme(new ProgrammeMonthChartInput(table, s.CodeSystem)).Render(chosenFormat);
                }
                var shown = unit ?? s.ProvinceCode;
                if (chosenKind == ProgrammeChart.Cohorts)
                {
                    var cohorts = programme.Cohorts(s, sources, d, unit, caller.Audience);
                    cohorts = cohorts with { Rows = Visible(cohorts.Rows, r => (r.Level, r.UnitCode), scope, caller, s, unit) };
                    return ProgrammeChart.Render(chosenKind, new ProgrammeCohortChartInput(cohorts, shown), chosenFormat);
                }
                var trend = programme.Trend(s, sources, d, unit, includeLost, caller.Audience);
                trend = trend with { Rows = Visible(trend.Rows, r => (r.Level, r.UnitCode), scope, caller, s, unit) };
                return ProgrammeChart.Render(chosenKind, new ProgrammeTrendChartInput(trend, shown), chosenFormat);
            }), ct);
            return Results.File(bytes, ChartFormats.ContentType(chosenFormat));
        }).Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
          .WithSummary("Biểu đồ chương trình (SVG mặc định, format=png): kind = outcomes (kết quả theo tháng, cột chồng), control (xu hướng tỷ lệ kiểm soát), cohorts (nhóm đăng ký theo quý), map (bản đồ xã theo tỷ lệ kiểm soát của tháng). Cùng số liệu và cùng quy tắc ẩn số nhỏ như các điểm cuối JSON.");
    }

    static (string Disease, LoadedSnapshot Snapshot, string? Unit) Resolve(string disease, ProgrammeParameters p, SnapshotCatalog catalog, Caller caller)
    {
        if (!ProgrammeDiseases.IsKnown(disease)) throw Problems.OneOf("disease", disease, ProgrammeDiseases.All);
        var unit = p.ValidUnit() ?? caller.ScopeCommune;
        return (disease, catalog.Resolve(caller.ScopeProvince, p.Snapshot), unit);
    }

    /// <summary>The query's own parameter errors as 400 problems naming the parameter.</summary>
    static T Run<T>(Func<T> query)
    {
        try { return query(); }
        catch (ProgrammeParameterException e) { throw new ProblemException(StatusCodes.Status400BadRequest, "Tham số không hợp lệ", e.Message); }
    }

    /// <summary>The rows the caller may see: the province row for callers scoped to the province or above, commune rows
    /// within the scope. A named unit with no visible row is refused (403), as in /api/ncd/cascade.</summary>
    static List<T> Visible<T>(IReadOnlyList<T> rows, Func<T, (string Level, string Code)> unitOf, UnitScope scope, Caller caller,
        LoadedSnapshot s, string? unit)
    {
        var visible = rows.Where(r =>
        {
            var (level, code) = unitOf(r);
            return level == Levels.Province ? caller.ScopeCommune is null && scope.Allows(caller, s.CodeSystem, code) : scope.Allows(caller, s.CodeSystem, code);
        }).ToList();
        if (unit is not null && visible.Count == 0) throw Problems.Forbidden();
        return visible;
    }
}
