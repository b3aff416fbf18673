using ClosedXML.Excel;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Tests.Reports.WorkbookReader;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>The seed's 2024 Bắc Từ Liêm appendix (seed 004, "PHỤ LỤC") rebuilt from a legacy snapshot written to match
/// it (<see cref="SeedAppendix"/>), loaded by the real loader into a DuckDB file.</summary>
public sealed class SeedAppendixTests : IDisposable
{
    readonly string root = Path.Combine(Path.GetTempPath(), "hssk-seed-appendix-" + Guid.NewGuid().ToString("N")[..8]);
    readonly WarehouseDb db;

    public SeedAppendixTests()
    {
        var (snapshot, population) = SeedAppendix.Write(root);
        db = new WarehouseDb(Path.Combine(root, "seed.duckdb"));
        PopulationLoader.Load(db, population);
        WarehouseFixture.Loader(db).LoadAll([snapshot], replace: false);
    }

    public void Dispose()
    {
        db.Dispose();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void TheSeedsBacTuLiemAppendixComesOutOfALegacySnapshotCellForCell()
    {
        var file = new AppendixWorkbook(new CoverageQueries(db), new NcdDataStore(db)).Build(new AppendixWorkbookRequest(SeedAppendix.DistrictCode)
        {
            IssuingUnit = ["TRUNG TÂM Y TẾ QUẬN BẮC TỪ LIÊM"],
            ReportReference = "(Kèm theo Báo cáo số /KH-TTYT ngày / /2024 của Trung tâm Y tế quận Bắc Từ Liêm)",
            UnitOrder = [.. SeedAppendix.Wards.Select(w => w.Code)],
            RequestedBy = "test",
        });
        if (Environment.GetEnvironmentVariable("HSSK_SAVE_WORKBOOKS") is { Length: > 0 } dir)
            File.WriteAllBytes(Path.Combine(dir, "seed-appendix.xlsx"), file.Content);
        Assert.Equal(SeedAppendix.SnapshotId, file.Snapshot.SnapshotId);
        Assert.Equal("Phu-luc-HSSK_Quan-Bac-Tu-Liem_2024-06-30.xlsx", file.FileName.Ascii);

        using var wb = Open(file.Content);
        var ws = wb.Worksheet(AppendixSheet.Name);
        Assert.Equal("TRUNG TÂM Y TẾ QUẬN BẮC TỪ LIÊM", Text(ws.Cell(1, 1)));
        Assert.Equal("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Text(ws.Cell(1, 5)));
        Assert.Equal("Độc lập - Tự do - Hạnh phúc", Text(ws.Cell(2, 5)));
        Assert.Equal("PHỤ LỤC", Text(ws.Cell(4, 1)));
        Assert.Equal("TÌNH HÌNH CẬP NHẬT DỮ LIỆU LIÊN THÔNG HỒ SƠ SỨC KHỎE ĐIỆN TỬ", Text(ws.Cell(5, 1)));
        Assert.Equal("(Kèm theo Báo cáo số /KH-TTYT ngày / /2024 của Trung tâm Y tế quận Bắc Từ Liêm)", Text(ws.Cell(6, 1)));

        var header = FindRow(ws, "STT");
        // The seed's headings and numbering row, then the added notes column (8).
        string[] headings = ["STT", "Đơn vị", "Dân số trung bình 6 tháng đầu năm 2024", "Tổng số hồ sơ đã được liên thông",
            "Dân số đã khám tạo lập hồ sơ", "Dân số đã được quản lý sức khỏe", "Tỷ lệ % Dân số đã được quản lý sức khỏe"];
        string[] numbering = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)=(6)/(3)*100%"];
        for (var c = 0; c < 7; c++)
        {
            Assert.Equal(headings[c], Text(ws.Cell(header, c + 1)));
            Assert.Equal(numbering[c], Text(ws.Cell(header + 1, c + 1)));
        }

        var row = header + 2;
        for (var i = 0; i < SeedAppendix.Wards.Count; i++, row++)
        {
            var w = SeedAppendix.Wards[i];
            Assert.Equal(i + 1, Number(ws.Cell(row, 1)));
            // The seed misprints Xuân Đỉnh (GSO 00610) as "Xuân Đình"; the workbook uses the official name.
            Assert.Equal(w.Code == "00610" ? "Phường Xuân Đỉnh" : w.SeedName, Text(ws.Cell(row, 2)));
            AssertFigures(ws, row, w);
        }
        Assert.Equal("", Text(ws.Cell(row, 1)));
        Assert.Equal("Tổng cộng", Text(ws.Cell(row, 2)));
        AssertFigures(ws, row, SeedAppendix.Total);
        Assert.True(ws.Cell(row, 2).Style.Font.Bold);

        // Over 100 % is marked, uncapped; the seed's date line and signature block.
        Assert.Contains(AppendixSheet.Over100Mark, Text(ws.Cell(header + 2, 8)));
        Assert.DoesNotContain(AppendixSheet.Over100Mark, Text(ws.Cell(header + 3, 8)));
        var signature = FindRow(ws, "Bắc Từ Liêm, ngày ...... tháng ...... năm 2024", column: 5);
        Assert.Equal("Người lập biểu", Text(ws.Cell(signature + 1, 1)));
        Assert.Equal("Thủ trưởng đơn vị", Text(ws.Cell(signature + 1, 5)));
    }

    static void AssertFigures(IXLWorksheet ws, int row, SeedWard w)
    {
        Assert.Equal(w.Population, Number(ws.Cell(row, 3)));
        Assert.Equal(w.RecordsLinked, Number(ws.Cell(row, 4)));
        Assert.Equal(w.Examined, Number(ws.Cell(row, 5)));
        Assert.Equal(w.Managed, Number(ws.Cell(row, 6)));
        Assert.Equal(w.Population.ToString("#,##0", System.Globalization.CultureInfo.GetCultureInfo("vi-VN")), ShownCount(ws.Cell(row, 3)));
        Assert.Equal("#,##0", ws.Cell(row, 4).Style.NumberFormat.Format);
        Assert.Equal($"IF(C{row}>0,F{row}/C{row},\"Chưa có dân số\")", ws.Cell(row, 7).FormulaA1);
        Assert.Equal("0.00%", ws.Cell(row, 7).Style.NumberFormat.Format);
        Assert.Equal(w.Rate, ShownPercent(ws.Cell(row, 7)));
    }

    internal static int FindRow(IXLWorksheet ws, string text, int column = 1) =>
        ws.Column(column).CellsUsed().First(c => c.GetString() == text).Address.RowNumber;
}
