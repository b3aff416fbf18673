using ClosedXML.Excel;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>A built workbook: its bytes, download names and what it was built from.</summary>
public sealed record AppendixWorkbookFile(byte[] Content, WorkbookFileName FileName, LoadedSnapshot Snapshot, string UnitName)
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>
/// The Excel appendix workbook (issue 10): the official appendix sheet and, as asked, charts (coverage, map, trend), trend, priority groups,
/// completeness, data quality, hypertension/diabetes and notes sheets. Every figure is the API's: read through
/// <see cref="CoverageQueries"/> and, for the NCD sheet, <see cref="NcdDataStore"/> with the API's disclosure calls
/// for <see cref="AppendixWorkbookRequest.Audience"/>. Thread-safe (a workbook per call).
/// </summary>
/// <exception cref="KpiNotFoundException">From <see cref="Build"/>: unknown snapshot, or a unit it does not contain.</exception>
/// <exception cref="ArgumentException">From <see cref="Build"/>: a malformed unit code or an unknown target key.</exception>
/// <remarks>The programme sheet needs <paramref name="programme"/> and <paramref name="catalog"/> (its months come from the
/// province's snapshots, as the API reads them); without them it is left out.</remarks>
public sealed class AppendixWorkbook(CoverageQueries queries, NcdDataStore ncd, TimeProvider? clock = null,
    ProgrammeQueries? programme = null, SnapshotCatalog? catalog = null)
{
    readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Builds the workbook in memory.</summary>
    public AppendixWorkbookFile Build(AppendixWorkbookRequest request)
    {
        using var stream = new MemoryStream();
        var (snapshot, name) = Write(request, stream);
        return new AppendixWorkbookFile(stream.ToArray(), WorkbookFileName.For(name, snapshot.AsOf), snapshot, name);
    }

    /// <summary>Writes the workbook to a stream; returns the snapshot and the unit's name (for the file name).</summary>
    public (LoadedSnapshot Snapshot, string UnitName) Write(AppendixWorkbookRequest request, Stream output)
    {
        var data = AppendixData.Read(queries, request);
        var sid = data.Snapshot.SnapshotId;
        var sheets = request.Sheets;
        using var wb = new XLWorkbook();
        wb.Style.Font.FontName = WorkbookStyle.Font;
        wb.Style.Font.FontSize = WorkbookStyle.FontSize;
        var series = sheets.HasFlag(WorkbookSheets.Trend) || sheets.HasFlag(WorkbookSheets.Charts)
            ? queries.Series(data.Code, data.Snapshot.CodeSystem, data.Snapshot.AsOf) : null;
        if (sheets.HasFlag(WorkbookSheets.Appendix)) AppendixSheet.Write(wb, data, request);
        if (sheets.HasFlag(WorkbookSheets.Charts)) ChartsSheet.Write(wb, data, series);
        if (sheets.HasFlag(WorkbookSheets.Trend)) SupportSheets.Trend(wb, data, series!, queries.Targets(data.Code, sid));
        if (sheets.HasFlag(WorkbookSheets.PriorityGroups))
            SupportSheets.PriorityGroups(wb, data, PriorityGroupsDisclosure.Disclose(queries.PriorityGroups(data.Code, sid), request.Audience));
        if (sheets.HasFlag(WorkbookSheets.Completeness)) SupportSheets.Completeness(wb, data, queries.Completeness(data.Code, sid));
        if (sheets.HasFlag(WorkbookSheets.DataQuality)) SupportSheets.DataQuality(wb, data, queries.DataQuality(data.Code, sid));
        if (sheets.HasFlag(WorkbookSheets.Ncd)) NcdSheet.Write(wb, data, ncd.Get(data.Snapshot), request.Audience);
        if (sheets.HasFlag(WorkbookSheets.Programme) && programme is not null && catalog is not null)
            ProgrammeSheet.Write(wb, data, programme, ProgrammeSources(data.Snapshot), request.Audience);
        if (sheets.HasFlag(WorkbookSheets.Notes) || wb.Worksheets.Count == 0)
            NotesSheet.Write(wb, data, request, request.GeneratedAt ?? clock.GetLocalNow());
        wb.Worksheet(1).SetTabActive();
        wb.SaveAs(output);
        return (data.Snapshot, data.Name);
    }

    /// <summary>The snapshots the programme months may come from: those of the snapshot's (2025) province, as the API's
    /// <c>catalog.VisibleTo(scope province)</c> gives a caller of that province.</summary>
    IReadOnlyList<LoadedSnapshot> ProgrammeSources(LoadedSnapshot s) =>
        catalog!.ProvincesOf(s).FirstOrDefault() is { } province ? catalog.VisibleTo(province) : [s];
}

/// <summary>Composition of the reports library.</summary>
public static class ReportsServices
{
    /// <summary>The appendix workbook builder (needs the warehouse's <see cref="CoverageQueries"/> and the models'
    /// <see cref="NcdDataStore"/>).</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AppendixWorkbook(sp.GetRequiredService<CoverageQueries>(), sp.GetRequiredService<NcdDataStore>(),
            sp.GetService<TimeProvider>(), sp.GetService<ProgrammeQueries>(), sp.GetService<SnapshotCatalog>()));
        return services;
    }
}
