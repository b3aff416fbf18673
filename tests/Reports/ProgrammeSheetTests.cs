using System.Globalization;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>The programme sheet of the appendix workbook (the app's own builder, as the download serves it): every
/// figure is <see cref="ProgrammeQueries"/>' for the audience, a hidden one is "ẩn".</summary>
[Collection("warehouse")]
public sealed class ProgrammeSheetTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    /// <summary>A cell as text; numbers to the 15 digits Excel keeps.</summary>
    static string Shown(ClosedXML.Excel.IXLCell c) => c.DataType == ClosedXML.Excel.XLDataType.Number
        ? c.GetDouble().ToString("G15", CultureInfo.InvariantCulture) : c.GetString();

    static string Expected(int? n, bool hidden) => n is { } v ? v.ToString(CultureInfo.InvariantCulture) : hidden ? "ẩn" : "–";

    static string Expected(double? p, bool hidden) => p is { } v ? v.ToString("G15", CultureInfo.InvariantCulture) : hidden ? "ẩn" : "–";

    [Fact]
    public void SheetHoldsTheQueriesFiguresForTheAudienceAndHidesWhatTheyHide()
    {
        var workbooks = api.Services.GetRequiredService<AppendixWorkbook>();
        var programme = api.Services.GetRequiredService<ProgrammeQueries>();
        var catalog = api.Services.GetRequiredService<SnapshotCatalog>();
        var latest = catalog.VisibleTo(api.Province).Last(s => s.CodeSystem == "2025");
        var file = workbooks.Build(new AppendixWorkbookRequest(api.Province) { SnapshotId = latest.SnapshotId, Sheets = WorkbookSheets.Programme });
        using var wb = WorkbookReader.Open(file.Content);
        var ws = wb.Worksheet(ProgrammeSheet.Name);
        var sources = catalog.VisibleTo(api.Province);
        var hiddenSeen = 0;
        foreach (var (d, label) in new[] { ("htn", "Tăng huyết áp"), ("dm", "Đái tháo đường") })
        {
            var table = programme.Month(latest, sources, d, audience: Audience.Public);
            var trend = programme.Trend(latest, sources, d, api.Province, audience: Audience.Public);
            var month = table.ReferenceMonth.ToString("MM/yyyy", CultureInfo.InvariantCulture);
            // The sheet's rows of this disease: the month table first, then the province's trend (unit name, month).
            var lines = ws.RowsUsed().Where(r => r.Cell(1).GetString() == label && r.Cell(3).GetString().Contains('/') && !r.Cell(3).GetString().StartsWith("Quý"))
                .Select(r => r).ToList();
            Assert.Equal(table.Rows.Count + trend.Rows.Count, lines.Count);
            foreach (var (x, line) in table.Rows.Concat(trend.Rows).Zip(lines))
            {
                Assert.Equal(x.UnitName, line.Cell(2).GetString());
                Assert.Equal(x.Month.ToString("MM/yyyy", CultureInfo.InvariantCulture), line.Cell(3).GetString());
                var h = x.Suppressed;
                Assert.Equal([Expected(x.Denominator, h), Expected(x.Controlled, h), Expected(x.ControlledShare, h), Expected(x.Uncontrolled, h),
                        Expected(x.UncontrolledShare, h), Expected(x.MissedVisit, h), Expected(x.MissedVisitShare, h),
                        Expected(x.VisitedWithoutMeasurement, h), Expected(x.VisitedWithoutMeasurementShare, h), Expected(x.LostToFollowUp, h)],
                    Enumerable.Range(6, 10).Select(c => Shown(line.Cell(c))));
                Assert.Equal(h ? "Có" : "Không", line.Cell(16).GetString());
                if (x.Controlled is null) hiddenSeen++;
            }
            Assert.Contains(month, lines[0].Cell(3).GetString());
            var cohorts = programme.Cohorts(latest, sources, d, audience: Audience.Public);
            var cohortLines = ws.RowsUsed().Where(r => r.Cell(1).GetString() == label && r.Cell(3).GetString().StartsWith("Quý")).ToList();
            Assert.Equal(cohorts.Rows.Count, cohortLines.Count);
            foreach (var (c, line) in cohorts.Rows.Zip(cohortLines))
                Assert.Equal([Expected(c.Registered, c.Suppressed), Expected(c.Controlled, c.Suppressed), Expected(c.ControlledShare, c.Suppressed)],
                    Enumerable.Range(5, 3).Select(k => Shown(line.Cell(k))));
        }
        Assert.True(hiddenSeen > 0); // the fixture's small communes: some counts hidden, written "ẩn"
        // Text cells stay text (unit names never become formulas).
        Assert.DoesNotContain(ws.CellsUsed(), c => c.HasFormula);
    }
}
