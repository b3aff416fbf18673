using System.Globalization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
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

        cached.MapGet("/{disease}", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeView view,
            SnapshotCatalog catalog, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var month = p.ValidMonth();
            var includeLost = p.ValidIncludeLost();
            var table = await gate.RunAsync(() => view.Month(caller, s, d, unit, month, includeLost), ct);
            return new Report<MonthResponse>(new(Note, table), $"chuong-trinh-{d}-{table.ReferenceMonth:yyyy-MM}", b => Csv.Of(b.Table.Rows));
        }).WithSummary("Chỉ số chương trình tăng huyết áp (htn) hoặc đái tháo đường (dm) của một tháng (mặc định: tháng của ảnh chụp): đang quản lý, kiểm soát, chưa kiểm soát, bỏ tái khám, có khám nhưng không đo/xét nghiệm, mất dấu, theo tỉnh và xã, mẫu số ghi rõ.");

        cached.MapGet("/{disease}/trend", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeView view,
            SnapshotCatalog catalog, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var includeLost = p.ValidIncludeLost();
            var trend = await gate.RunAsync(() => view.Trend(caller, s, d, unit, includeLost), ct);
            return new Report<TrendResponse>(new(Note, trend), $"chuong-trinh-{d}-xu-huong", b => Csv.Of(b.Trend.Rows));
        }).WithSummary("Xu hướng 18 tháng của các chỉ số chương trình; mỗi tháng ghi rõ nguồn (ảnh chụp của tháng hay lịch sử khám trong ảnh chụp mới nhất) và tháng nào của xã được quy đổi qua sắp xếp đơn vị hành chính 2025 (bridged, approximate).");

        cached.MapGet("/{disease}/cohorts", async (string disease, [AsParameters] ProgrammeParameters p, ProgrammeView view,
            SnapshotCatalog catalog, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var cohorts = await gate.RunAsync(() => view.Cohorts(caller, s, d, unit), ct);
            return new Report<CohortsResponse>(new(Note, cohorts), $"chuong-trinh-{d}-nhom-dang-ky", b => Csv.Of(b.Cohorts.Rows));
        }).WithSummary("Nhóm đăng ký theo quý: trong số bệnh nhân đăng ký mới trong một quý, kết quả ở quý tiếp theo (kiểm soát, chưa kiểm soát, có khám nhưng không đo/xét nghiệm, bỏ tái khám).");

        cached.MapGet("/{disease}/chart", async (string disease, [AsParameters] ProgrammeParameters p, [FromQuery(Name = "kind")] string? kind,
            [FromQuery(Name = "format")] string? format, ProgrammeView view, SnapshotCatalog catalog,
            QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            var (d, s, unit) = Resolve(disease, p, catalog, caller);
            var chosenKind = Parameters.OneOf("kind", kind, [.. ProgrammeChart.Kinds, MapKind]) ?? ProgrammeChart.Outcomes;
            var chosenFormat = (Parameters.OneOf("format", format, ["png", "svg"]) ?? "svg") == "png" ? ChartFormat.Png : ChartFormat.Svg;
            var includeLost = p.ValidIncludeLost();
            var month = p.ValidMonth();
            var shown = unit ?? s.ProvinceCode;
            // The same figures as the JSON endpoints and the page (ProgrammeView).
            var bytes = await gate.RunAsync(() => chosenKind switch
            {
                MapKind => ChoroplethMap.Programme(new ProgrammeMonthChartInput(view.Month(caller, s, d, null, month, includeLost), s.CodeSystem))
                    .Render(chosenFormat),
                ProgrammeChart.Cohorts => ProgrammeChart.Render(chosenKind, new ProgrammeCohortChartInput(view.Cohorts(caller, s, d, unit), shown), chosenFormat),
                _ => ProgrammeChart.Render(chosenKind, new ProgrammeTrendChartInput(view.Trend(caller, s, d, unit, includeLost), shown), chosenFormat),
            }, ct);
            return Results.File(bytes, ChartFormats.ContentType(chosenFormat));
        }).Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
          .WithSummary("Biểu đồ chương trình (SVG mặc định, format=png): kind = outcomes (kết quả theo tháng, cột chồng), control (xu hướng tỷ lệ kiểm soát), cohorts (nhóm đăng ký theo quý), map (bản đồ xã theo tỷ lệ kiểm soát của tháng). Cùng số liệu và cùng quy tắc ẩn số nhỏ như các điểm cuối JSON.");
    }

    /// <summary>The programme endpoints' and page's shared reader (<see cref="ProgrammeView"/>).</summary>
    public static IServiceCollection AddProgrammeApi(this IServiceCollection services) => services.AddSingleton<ProgrammeView>();

    static (string Disease, LoadedSnapshot Snapshot, string? Unit) Resolve(string disease, ProgrammeParameters p, SnapshotCatalog catalog, Caller caller)
    {
        if (!ProgrammeDiseases.IsKnown(disease)) throw Problems.OneOf("disease", disease, ProgrammeDiseases.All);
        var unit = p.ValidUnit() ?? caller.ScopeCommune;
        return (disease, catalog.Resolve(caller.ScopeProvince, p.Snapshot), unit);
    }
}
