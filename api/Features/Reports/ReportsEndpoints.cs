using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Features.Reports;

/// <summary>Settings of the downloadable reports ("Reports" section): the appendix's issuing unit (lines separated by
/// "|", e.g. "UBND THÀNH PHỐ HÀ NỘI|SỞ Y TẾ") and the place of its date line; defaults from the unit itself.</summary>
public sealed class ReportOptions
{
    public string? IssuingUnit { get; init; }
    public string? Place { get; init; }

    internal IReadOnlyList<string>? IssuingLines =>
        string.IsNullOrWhiteSpace(IssuingUnit) ? null : IssuingUnit.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The Excel appendix workbook (reports/Excel) for a unit and snapshot, inside the caller's scope, with the
/// caller's disclosure rights; output-cached per user (the notes sheet names the requesting user).</summary>
public static class ReportsEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coverage").WithTags("Reports").WithWarehouseCache();

        group.MapGet("/{code}/workbook", async ([AsParameters] UnitParameters p, [FromQuery(Name = "target")] string? target,
            Caller caller, CoverageScope scope, AppendixWorkbook workbooks, IOptions<ReportOptions> options, WarehouseVersion version,
            QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var request = new AppendixWorkbookRequest(code)
            {
                SnapshotId = chosen.SnapshotId,
                IssuingUnit = options.Value.IssuingLines,
                Place = options.Value.Place,
                RequestedBy = caller.Name,
                Audience = caller.Audience,
                TargetKey = string.IsNullOrWhiteSpace(target) ? null : target.Trim(),
                DataVersion = version.Current.Tag,
            };
            AppendixWorkbookFile file;
            try { file = await gate.RunAsync(() => workbooks.Build(request), ct); }
            catch (ArgumentException e)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "Tham số không hợp lệ",
                    e.Message.StartsWith("Chỉ tiêu", StringComparison.Ordinal) ? "Tham số target: " + e.Message : e.Message);
            }
            return new WorkbookResult(file);
        }).WithMetadata(new PerUserCache())
          .Produces(StatusCodes.Status200OK, contentType: AppendixWorkbookFile.ContentType)
          .WithSummary("Tệp Excel phụ lục (mẫu báo cáo Bắc Từ Liêm) của các xã của một tỉnh, các xã cũ của một huyện cũ (ảnh chụp mã cũ) hoặc của một xã, kèm các trang xu hướng và chỉ tiêu, nhóm ưu tiên, mức đầy đủ, chất lượng dữ liệu, tăng huyết áp và đái tháo đường, ghi chú. target: chỉ tiêu dùng để đánh dấu đơn vị chưa đạt (ví dụ 90_2025).");
    }

    /// <summary>Charts and maps (reports/Charts, reports/Maps) as PNG or SVG.</summary>
    public static void MapCharts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/coverage").WithTags("Reports").WithWarehouseCache();
        group.MapGet("/{code}/chart", async ([AsParameters] UnitParameters p, [FromQuery(Name = "kind")] string? kind,
            [FromQuery(Name = "measure")] string? measure, [FromQuery(Name = "ncdMeasure")] string? ncdMeasure,
            [FromQuery(Name = "format")] string? format, Caller caller, CoverageScope scope, CoverageQueries queries, NcdDataStore ncd,
            QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosenKind = Parameters.OneOf("kind", kind, ChartRenderer.Kinds) ?? ChartRenderer.Coverage;
            var chosenFormat = (Parameters.OneOf("format", format, ["png", "svg"]) ?? "svg") == "png" ? ChartFormat.Png : ChartFormat.Svg;
            var snapshot = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            byte[] bytes;
            try
            {
                bytes = await gate.RunAsync(() => ChartRenderer.Render(chosenKind,
                    ChartInputs.For(chosenKind, measure, ncdMeasure, queries, ncd, code, snapshot, caller.Audience), chosenFormat, measure), ct);
            }
            catch (ArgumentException e) { throw new ProblemException(StatusCodes.Status400BadRequest, "Tham số không hợp lệ", e.Message); }
            catch (MapNotAvailableException e) { throw new ProblemException(StatusCodes.Status404NotFound, "Không có bản đồ", e.Message); }
            return Results.File(bytes, ChartRenderer.ContentType(chosenFormat));
        }).Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
          .WithSummary("Biểu đồ hoặc bản đồ (SVG mặc định, format=png): kind = coverage (độ bao phủ các xã so với 90 % và 95 %), trend (xu hướng và dự báo), cascade (chuỗi chăm sóc), prevalence (tỉ lệ hiện mắc theo nhóm tuổi, giới), map (bản đồ xã; measure = coverage, gap, prevalence, smoothed, dq). Số liệu nhỏ bị ẩn như API.");
    }

    public static IServiceCollection AddReportsApi(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration("Reports");
        return services;
    }
}

/// <summary>An .xlsx download with an ASCII file name and its Vietnamese UTF-8 twin (RFC 5987).</summary>
sealed class WorkbookResult(AppendixWorkbookFile file) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = AppendixWorkbookFile.ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file.FileName.Ascii}\"; filename*={file.FileName.Rfc5987}";
        http.Response.ContentLength = file.Content.Length;
        await http.Response.Body.WriteAsync(file.Content, http.RequestAborted);
    }
}
