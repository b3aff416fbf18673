using System.Globalization;
using ClosedXML.Excel;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using static HoSoSucKhoe.Tests.Reports.WorkbookReader;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Workbooks of the shared generated province (Lạng Sơn, 1 %), opened back with ClosedXML and compared cell by
/// cell with the figures the API serves (<see cref="CoverageQueries"/>, the disclosure calls of the NCD endpoints).</summary>
[Collection("warehouse")]
public sealed class AppendixWorkbookTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);
    readonly NcdDataStore ncd = new(fixture.Db);
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    static readonly DateTimeOffset Generated = new(2025, 10, 2, 8, 30, 0, TimeSpan.FromHours(7));

    AppendixWorkbook Builder => new(queries, ncd);

    AppendixWorkbookFile Build(string unit, Action<AppendixWorkbookRequest>? check = null, string? snapshot = null, Audience? audience = null)
    {
        var request = new AppendixWorkbookRequest(unit)
        {
            SnapshotId = snapshot, RequestedBy = "Lãnh đạo Sở Y tế (test)", GeneratedAt = Generated, DataVersion = "v-test",
            Audience = audience ?? Audience.Public,
        };
        check?.Invoke(request);
        var file = Builder.Build(request);
        if (Environment.GetEnvironmentVariable("HSSK_SAVE_WORKBOOKS") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, file.FileName.Ascii), file.Content);
        return file;
    }

    /// <summary>Every row of the appendix sheet against the API's table: STT, name, counts, the rate formula and its
    /// result, the markings and fills; then the total row.</summary>
    static void AssertAppendix(IXLWorksheet ws, IReadOnlyList<CoverageRow> rows, CoverageRow? total, string? markedKey)
    {
        var header = SeedAppendixTests.FindRow(ws, "STT");
        Assert.Equal(AppendixSheet.Numbering, Enumerable.Range(1, 8).Select(c => Text(ws.Cell(header + 1, c))));
        var row = header + 2;
        var stt = 1;
        foreach (var r in rows.Select(r => (r, total: false)).Concat(total is null ? [] : [(total, true)]))
        {
            var (x, isTotal) = r;
            var where = $"row {row} ({x.Code})";
            if (isTotal) Assert.Equal("", Text(ws.Cell(row, 1)));
            else Assert.Equal(stt++, Number(ws.Cell(row, 1)));
            Assert.Equal(isTotal ? AppendixSheet.TotalLabel : x.Name, Text(ws.Cell(row, 2)));
            if (x.Population is { } p) Assert.Equal(p, Number(ws.Cell(row, 3)));
            else Assert.True(ws.Cell(row, 3).IsEmpty(), where);
            Assert.Equal(x.RecordsLinked, Number(ws.Cell(row, 4)));
            Assert.Equal(x.Examined, Number(ws.Cell(row, 5)));
            Assert.Equal(x.Managed, Number(ws.Cell(row, 6)));
            foreach (var c in new[] { 3, 4, 5, 6 }) Assert.Equal("#,##0", ws.Cell(row, c).Style.NumberFormat.Format);
            var rate = ws.Cell(row, 7);
            Assert.Equal($"IF(C{row}>0,F{row}/C{row},\"Chưa có dân số\")", rate.FormulaA1);
            Assert.Equal("0.00%", rate.Style.NumberFormat.Format);
            var value = Evaluated(rate);
            if (x.CoveragePct is { } pct)
                Assert.Equal(pct, Math.Round((decimal)Convert.ToDouble(value, CultureInfo.InvariantCulture) * 100m, 2, MidpointRounding.AwayFromZero));
            else Assert.Equal(AppendixSheet.NoDenominatorText, value.ToString());

            var marks = Text(ws.Cell(row, 8));
            Assert.Equal(x.Over100, marks.Contains(AppendixSheet.Over100Mark));
            Assert.Equal(x.NoDenominator, marks.Contains(AppendixSheet.NoDenominatorMark));
            Assert.Equal(x.Approximate, marks.Contains(AppendixSheet.ApproximateMark));
            var gap = x.Targets.FirstOrDefault(t => t.Key == markedKey);
            if (gap is { Meets: false, Gap: { } g })
            {
                Assert.Contains(AppendixSheet.BelowTargetMark(gap.Percent, gap.Year, g), marks);
                if (!x.Over100) Assert.Equal(WorkbookStyle.BelowTarget, rate.Style.Fill.BackgroundColor);
            }
            else Assert.DoesNotContain("Chưa đạt", marks);
            if (x.Over100) Assert.Equal(WorkbookStyle.Over100, rate.Style.Fill.BackgroundColor);
            if (x.NoDenominator) Assert.Equal(WorkbookStyle.NoDenominator, rate.Style.Fill.BackgroundColor);
            row++;
        }
        Assert.NotEqual(AppendixSheet.TotalLabel, Text(ws.Cell(row, 2)));
    }

    static void AssertPrintSettings(IXLWorksheet ws)
    {
        var header = SeedAppendixTests.FindRow(ws, "STT");
        Assert.Equal(XLPaperSize.A4Paper, ws.PageSetup.PaperSize);
        Assert.Equal(XLPageOrientation.Landscape, ws.PageSetup.PageOrientation);
        Assert.Equal(1, ws.PageSetup.PagesWide);
        Assert.Equal(0, ws.PageSetup.PagesTall);
        Assert.Equal(header, ws.PageSetup.FirstRowToRepeatAtTop);
        Assert.Equal(header + 1, ws.PageSetup.LastRowToRepeatAtTop);
        Assert.Equal(header + 1, ws.SheetView.SplitRow);
        Assert.Equal(2, ws.SheetView.SplitColumn);
        foreach (var c in ws.CellsUsed()) Assert.Equal("Times New Roman", c.Style.Font.FontName);
    }

    [Fact]
    public void ChartsSheetHoldsTheApisCoverageChartMapAndTrendAsPictures()
    {
        var file = Build("20");
        var sid = file.Snapshot.SnapshotId;
        using var wb = Open(file.Content);
        var ws = wb.Worksheet(ChartsSheet.Name);
        Assert.Equal([ChartsSheet.CoveragePicture, ChartsSheet.MapPicture, ChartsSheet.TrendPicture], ws.Pictures.Select(p => p.Name));
        // The very PNGs the chart endpoint serves for the same unit and snapshot: one drawing of each figure.
        var table = new CoverageChartInput(queries.Children(new CoverageRequest("20") { SnapshotId = sid }));
        var expected = new Dictionary<string, byte[]>
        {
            [ChartsSheet.CoveragePicture] = ChartRenderer.Render("coverage", table, ChartFormat.Png),
            [ChartsSheet.MapPicture] = ChartRenderer.Render("map", table, ChartFormat.Png, "coverage"),
            [ChartsSheet.TrendPicture] = ChartRenderer.Render("trend",
                new TrendChartInput(queries.Series("20", file.Snapshot.CodeSystem, file.Snapshot.AsOf)), ChartFormat.Png),
        };
        var previousBottom = 0;
        foreach (var picture in ws.Pictures)
        {
            Assert.Equal(expected[picture.Name], picture.ImageStream.ToArray());
            Assert.True(picture.TopLeftCell.Address.RowNumber > previousBottom, $"{picture.Name} overlaps the picture above it");
            previousBottom = picture.TopLeftCell.Address.RowNumber + (int)Math.Ceiling(picture.Height / 20.0);
            Assert.Contains("số liệu: trang", Text(ws.Cell(picture.TopLeftCell.Address.RowNumber - 1, 1)));
        }

        // A commune's workbook (its officer's) has its trend only: no children to chart or map.
        var commune = queries.Children(new CoverageRequest("20") { SnapshotId = sid }).Rows.First(r => !r.NoDenominator).Code;
        using var own = Open(Build(commune, snapshot: sid).Content);
        Assert.Equal([ChartsSheet.TrendPicture], own.Worksheet(ChartsSheet.Name).Pictures.Select(p => p.Name));
    }

    [Fact]
    public void ProvinceWorkbookMatchesTheApiCellByCell()
    {
        var file = Build("20");
        var table = queries.Children(new CoverageRequest("20") { SnapshotId = file.Snapshot.SnapshotId });
        Assert.Equal("2025", file.Snapshot.CodeSystem);
        Assert.True(table.Rows.Count > 50);
        using var wb = Open(file.Content);
        Assert.Equal([AppendixSheet.Name, ChartsSheet.Name, SupportSheets.TrendName, SupportSheets.PriorityName, SupportSheets.CompletenessName,
            SupportSheets.DataQualityName, NcdSheet.Name, NotesSheet.Name], wb.Worksheets.Select(w => w.Name));
        var ws = wb.Worksheet(AppendixSheet.Name);
        Assert.Equal("SỞ Y TẾ TỈNH LẠNG SƠN", Text(ws.Cell(1, 1)));
        Assert.Equal(AppendixSheet.Motto1, Text(ws.Cell(1, 5)));
        Assert.Equal(AppendixSheet.Title, Text(ws.Cell(5, 1)));
        Assert.StartsWith("(Kèm theo Báo cáo số ..", Text(ws.Cell(6, 1)));
        var header = SeedAppendixTests.FindRow(ws, "STT");
        // As of 30 September 2025 with 2025 denominators: the whole year.
        Assert.Equal(AppendixSheet.Headings("Dân số trung bình năm 2025"), Enumerable.Range(1, 8).Select(c => Text(ws.Cell(header, c))));
        AssertAppendix(ws, table.Rows, table.Total, table.Targets[0].Key);
        Assert.Contains(table.Rows, r => r.Targets[0].Meets == false);
        Assert.Contains(table.Rows, r => r.NoDenominator);
        AssertPrintSettings(ws);
        Assert.Equal("Lạng Sơn, ngày ...... tháng ...... năm 2025", Text(ws.Cell(SeedAppendixTests.FindRow(ws, "Người lập biểu") - 1, 5)));
    }

    [Fact]
    public void TheRateStaysRightWhenAUserCorrectsAFigure()
    {
        var file = Build("20", r => { });
        using var wb = Open(file.Content);
        var ws = wb.Worksheet(AppendixSheet.Name);
        var row = SeedAppendixTests.FindRow(ws, "STT") + 2;
        ws.Cell(row, 3).Value = 200;
        ws.Cell(row, 6).Value = 150;
        wb.RecalculateAllFormulas();
        Assert.Equal(0.75, Convert.ToDouble(ws.Cell(row, 7).Value, CultureInfo.InvariantCulture), 10);
    }

    [Fact]
    public void LegacyDistrictWorkbookListsItsOldCommunes()
    {
        var legacy = queries.Children(new CoverageRequest("20") { Level = Levels.District });
        Assert.Equal("legacy", legacy.Snapshot.CodeSystem);
        var district = legacy.Rows.First(r => !r.NoDenominator).Code;
        var file = Build(district, snapshot: legacy.Snapshot.SnapshotId);
        var table = queries.Children(new CoverageRequest(district) { SnapshotId = legacy.Snapshot.SnapshotId });
        using var wb = Open(file.Content);
        var ws = wb.Worksheet(AppendixSheet.Name);
        var header = SeedAppendixTests.FindRow(ws, "STT");
        // Legacy denominators stop at 2024: the heading names that year, whole.
        Assert.Equal("Dân số trung bình năm 2024", Text(ws.Cell(header, 3)));
        Assert.Equal(table.Total.Name, file.UnitName);
        AssertAppendix(ws, table.Rows, table.Total, table.Targets[0].Key);
        AssertPrintSettings(ws);
        Assert.StartsWith("Phu-luc-HSSK_", file.FileName.Ascii);
    }

    [Fact]
    public void CommuneWorkbookIsItsOwnRowAndItsOfficerSeesItsFiguresUnsuppressed()
    {
        var province = queries.Children(new CoverageRequest("20"));
        var commune = province.Rows.OrderByDescending(r => r.RecordsLinked).First().Code;
        var own = new Audience(commune);
        var file = Build(commune, audience: own);
        using var wb = Open(file.Content);
        var ws = wb.Worksheet(AppendixSheet.Name);
        AssertAppendix(ws, [province.Rows.Single(r => r.Code == commune)], null, province.Targets[0].Key);
        AssertPrintSettings(ws);

        var raw = queries.PriorityGroups(commune, file.Snapshot.SnapshotId);
        var groups = wb.Worksheet(SupportSheets.PriorityName);
        var first = SeedAppendixTests.FindRow(groups, "Nhóm 1");
        for (var g = 0; g < 3; g++) Assert.Equal(raw.Groups[g].Records, Number(groups.Cell(first + g, 3)));

        // The same commune for anyone else: what the API's disclosure shows them.
        var shown = PriorityGroupsDisclosure.Disclose(raw, Audience.Public);
        using var other = Open(Build(commune).Content);
        var ogroups = other.Worksheet(SupportSheets.PriorityName);
        for (var g = 0; g < 3; g++)
            if (shown.Groups[g].Records is { } n) Assert.Equal(n, Number(ogroups.Cell(first + g, 3)));
            else Assert.Equal(WorkbookStyle.Hidden, Text(ogroups.Cell(first + g, 3)));
    }

    [Fact]
    public void NcdSheetShowsWhatTheApiShowsAndHiddenCellsAsText()
    {
        var file = Build("20");
        var data = ncd.Get(file.Snapshot);
        var adults = AgeStandard.Group("18+");
        using var wb = Open(file.Content);
        var ws = wb.Worksheet(NcdSheet.Name);
        var header = ws.Column(1).CellsUsed().First(c => c.GetString() == NcdSheet.PrevalenceHeadings[0] && c.CellRight().GetString() == "Đơn vị")
            .Address.RowNumber;
        var row = header + 1;
        var hidden = 0;
        foreach (var m in Measure.All)
            foreach (var e in data.Prevalence(m, "all", adults).Select(e => data.Suppression.Disclose(e, m, adults, Audience.Public)))
            {
                Assert.Equal(m.Key, Text(ws.Cell(row, 1)));
                Assert.Equal(e.UnitName, Text(ws.Cell(row, 2)));
                CheckCount(ws.Cell(row, 3), e.Cases, e.Suppressed);
                CheckCount(ws.Cell(row, 4), e.Denominator, e.Suppressed);
                double?[] shares = [e.Crude, e.CrudeLo, e.CrudeHi, e.Standardised, e.StandardisedLo, e.StandardisedHi, e.Smoothed, e.SmoothedLo, e.SmoothedHi];
                for (var i = 0; i < shares.Length; i++)
                    if (shares[i] is { } v) Assert.Equal(v, Number(ws.Cell(row, 5 + i)), 12);
                    else Assert.Equal(e.Suppressed ? WorkbookStyle.Hidden : WorkbookStyle.None, Text(ws.Cell(row, 5 + i)));
                if (e.Suppressed) hidden++;
                row++;
            }
        Assert.True(hidden > 0, "at 1 % some commune prevalence rows are suppressed");

        // The province's cascades as the API's /api/ncd/cascade serves them to the public.
        var view = data.Suppression.Disclose(data.Cascades().Single(r => r.UnitCode == "20"), Audience.Public);
        row = ws.Column(1).CellsUsed().First(c => c.GetString() == NcdSheet.CascadeHeadings[0]).Address.RowNumber + 1;
        foreach (var step in view.Hypertension.Concat(view.Diabetes).Concat(view.Programme))
        {
            Assert.EndsWith(": " + step.Name, Text(ws.Cell(row, 1)));
            Assert.Equal(view.UnitName, Text(ws.Cell(row, 2)));
            CheckCount(ws.Cell(row, 3), step.Count, step.Suppressed);
            if (step.Denominator is { } d) Assert.Equal(d, Number(ws.Cell(row, 4)));
            if (step.Share is { } sh) Assert.Equal(sh, Number(ws.Cell(row, 5)), 12);
            else Assert.Equal(XLDataType.Text, ws.Cell(row, 5).DataType);
            Assert.Equal(step.Suppressed ? "Có" : "Không", Text(ws.Cell(row, 6)));
            Assert.Equal(step.DenominatorName ?? "", Text(ws.Cell(row, 7)));
            row++;
        }

        static void CheckCount(IXLCell c, int? v, bool suppressed)
        {
            if (v is { } n) Assert.Equal(n, Number(c));
            else Assert.Equal(suppressed ? WorkbookStyle.Hidden : WorkbookStyle.None, Text(c));
        }
    }

    [Fact]
    public void FurtherSheetsCarryTheApisTrendCompletenessAndDataQuality()
    {
        var file = Build("20");
        using var wb = Open(file.Content);
        var series = queries.Series("20", "2025", file.Snapshot.AsOf);
        var targets = queries.Targets("20", file.Snapshot.SnapshotId);
        var trend = wb.Worksheet(SupportSheets.TrendName);
        var row = SeedAppendixTests.FindRow(trend, SupportSheets.TrendHeadings[0]) + 1;
        foreach (var p in series.Points)
        {
            Assert.Equal(p.AsOf.ToDateTime(TimeOnly.MinValue), trend.Cell(row, 1).GetDateTime());
            Assert.Equal(p.SnapshotId, Text(trend.Cell(row, 2)));
            Assert.Equal(p.Bridged ? "Có" : "Không", Text(trend.Cell(row, 4)));
            Assert.Equal(p.Row.Managed, Number(trend.Cell(row, 8)));
            if (p.Row.CoveragePct is { } pct) Assert.Equal((double)(pct / 100m), Number(trend.Cell(row, 9)), 12);
            row++;
        }
        Assert.Contains(series.Points, p => p.Bridged);
        var projections = SeedAppendixTests.FindRow(trend, SupportSheets.ProjectionHeadings[0]) + 1;
        Assert.Equal(4, targets.Targets.Count);
        for (var i = 0; i < targets.Targets.Count; i++)
        {
            var t = targets.Targets[i];
            var p = t.Projection;
            Assert.Equal(t.MeasureLabel, Text(trend.Cell(projections + i, 1)));
            Assert.Equal(t.Target.DueDate.ToDateTime(TimeOnly.MinValue), trend.Cell(projections + i, 3).GetDateTime());
            Assert.Equal(SupportSheets.Status(p.Status), Text(trend.Cell(projections + i, 4)));
            if (p.Date is { } d) Assert.Equal(d.ToDateTime(TimeOnly.MinValue), trend.Cell(projections + i, 5).GetDateTime());
            if (t.Gap is { } gap) Assert.Equal(gap, Number(trend.Cell(projections + i, 10)));
            Assert.Equal(t.Plan, Text(trend.Cell(projections + i, 11)));
        }

        var completeness = queries.Completeness("20", file.Snapshot.SnapshotId);
        var cs = wb.Worksheet(SupportSheets.CompletenessName);
        row = SeedAppendixTests.FindRow(cs, SupportSheets.CompletenessHeadings[0]) + 1;
        foreach (var g in completeness.Groups)
        {
            Assert.Equal(g.Label, Text(cs.Cell(row, 1)));
            Assert.Equal(g.Complete, Number(cs.Cell(row++, 2)));
        }

        var quality = queries.DataQuality("20", file.Snapshot.SnapshotId);
        var dq = wb.Worksheet(SupportSheets.DataQualityName);
        row = SeedAppendixTests.FindRow(dq, SupportSheets.DataQualityHeadings[0]) + 1;
        foreach (var c in quality.Checks)
        {
            Assert.Equal(c.Label, Text(dq.Cell(row, 1)));
            Assert.Equal(c.Count, Number(dq.Cell(row, 2)));
            Assert.Equal(SupportSheets.CountOf(c.CountOf), Text(dq.Cell(row++, 3)));
        }

        var notes = wb.Worksheet(NotesSheet.Name);
        string Fact(string label) => Text(notes.Cell(SeedAppendixTests.FindRow(notes, label), 2));
        Assert.Equal(file.Snapshot.SnapshotId, Fact(NotesSheet.Snapshot));
        Assert.Equal(file.Snapshot.AsOf.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), Fact(NotesSheet.AsOf));
        Assert.Equal("v-test", Fact(NotesSheet.DataVersion));
        Assert.Equal("02/10/2025 08:30:00 +07:00", Fact(NotesSheet.GeneratedAt));
        Assert.Equal("Lãnh đạo Sở Y tế (test)", Fact(NotesSheet.RequestedBy));
    }

    [Fact]
    public void OnlyTheSheetsAskedForAreWrittenAndTheTargetMarkedIsTheOneAskedFor()
    {
        var file = Build("20", r => { });
        var table = queries.Children(new CoverageRequest("20") { SnapshotId = file.Snapshot.SnapshotId });
        var key = table.Targets[^1].Key;
        var built = Builder.Build(new AppendixWorkbookRequest("20") { Sheets = WorkbookSheets.Appendix, TargetKey = key, IssuingUnit = ["UBND TỈNH LẠNG SƠN", "SỞ Y TẾ"] });
        using var wb = Open(built.Content);
        Assert.Equal([AppendixSheet.Name], wb.Worksheets.Select(w => w.Name));
        var ws = wb.Worksheet(1);
        Assert.Equal("UBND TỈNH LẠNG SƠN", Text(ws.Cell(1, 1)));
        Assert.Equal("SỞ Y TẾ", Text(ws.Cell(2, 1)));
        AssertAppendix(ws, table.Rows, table.Total, key);
        Assert.Throws<ArgumentException>(() => Builder.Build(new AppendixWorkbookRequest("20") { TargetKey = "99_2099" }));
        Assert.Throws<KpiNotFoundException>(() => Builder.Build(new AppendixWorkbookRequest("20") { SnapshotId = "no-such" }));
    }

    [Theory]
    [InlineData(2024, 6, 30, "Dân số trung bình 6 tháng đầu năm 2024")]
    [InlineData(2024, 1, 31, "Dân số trung bình 6 tháng đầu năm 2024")]
    [InlineData(2024, 7, 31, "Dân số trung bình năm 2024")]
    [InlineData(2024, 12, 31, "Dân số trung bình năm 2024")]
    public void PopulationHeadingNamesTheHalfYearOrTheYear(int y, int m, int d, string expected) =>
        Assert.Equal(expected, PopulationHeading.For(new DateOnly(y, m, d), [new DenominatorYear(2024, 13)]));

    [Fact]
    public void PopulationHeadingNamesAnOlderYearWholeAndFootnotesMixedYears()
    {
        var years = new[] { new DenominatorYear(2024, 10), new DenominatorYear(2023, 2) };
        Assert.Equal("Dân số trung bình năm 2024", PopulationHeading.For(new DateOnly(2025, 3, 31), years));
        Assert.Equal("Cột (3): 2 xã dùng dân số năm 2023 (chưa có số liệu năm 2024).", PopulationHeading.Footnote(years));
        Assert.Null(PopulationHeading.Footnote([years[0]]));
    }

    [Fact]
    public void FileNamesAreAsciiAndUtf8()
    {
        var name = WorkbookFileName.For("Phường Cổ Nhuế 1", new DateOnly(2024, 12, 31));
        Assert.Equal("Phu-luc-HSSK_Phuong-Co-Nhue-1_2024-12-31.xlsx", name.Ascii);
        Assert.Equal("Phụ lục HSSK – Phường Cổ Nhuế 1 – 31-12-2024.xlsx", name.Unicode);
        Assert.Equal("UTF-8''" + Uri.EscapeDataString("Phụ lục HSSK – Phường Cổ Nhuế 1 – 31-12-2024.xlsx"), name.Rfc5987);
        Assert.Equal("Phu-luc-HSSK_Xa-Dong-Da_2025-09-30.xlsx", WorkbookFileName.For("Xã Đống Đa", new DateOnly(2025, 9, 30)).Ascii);
        _ = Vi;
    }
}
