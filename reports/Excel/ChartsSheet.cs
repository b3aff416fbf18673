using ClosedXML.Excel;
using ClosedXML.Excel.Drawings;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>
/// The charts sheet: the coverage chart of the appendix's units, the unit's trend with its projection and, for a
/// province of a 2025 snapshot, the coverage map — the PNGs <see cref="ChartRenderer"/> draws for the API, the pages
/// and the e-mails, from the same objects as the appendix and trend sheets (so a picture never shows another number).
/// Each picture is captioned with the sheet that holds its figures.
/// </summary>
static class ChartsSheet
{
    public const string Name = "Biểu đồ";

    /// <summary>The pictures' names in the sheet (tests find them by name).</summary>
    public const string CoveragePicture = "coverage", TrendPicture = "trend", MapPicture = "map";

    public static void Write(XLWorkbook wb, AppendixData data, UnitSeries? series)
    {
        var ws = NewSheet(wb, Name);
        ws.Column(1).Width = 110;
        var row = SheetTable.Title(ws, "BIỂU ĐỒ ĐỘ BAO PHỦ HỒ SƠ SỨC KHỎE ĐIỆN TỬ", data, 1);
        if (data.Table is { } table)
        {
            var input = new CoverageChartInput(table);
            row = Picture(ws, row, CoveragePicture, ChartRenderer.Render(ChartRenderer.Coverage, input, ChartFormat.Png),
                $"Tỷ lệ dân số được quản lý sức khỏe theo đơn vị, so với chỉ tiêu (số liệu: trang \"{AppendixSheet.Name}\").");
            if (table.Snapshot.CodeSystem == "2025" && data.Code.Length == 2)
            {
                byte[]? map = null;
                try { map = ChartRenderer.Render(ChartRenderer.Map, input, ChartFormat.Png, "coverage"); }
                catch (MapNotAvailableException) { } // no boundaries for this province: the sheet goes without the map
                if (map is not null)
                    row = Picture(ws, row, MapPicture, map, $"Bản đồ độ bao phủ theo xã, phường (số liệu: trang \"{AppendixSheet.Name}\").");
            }
        }
        if (series is { Points.Count: > 0 })
            Picture(ws, row, TrendPicture, ChartRenderer.Render(ChartRenderer.Trend, new TrendChartInput(series), ChartFormat.Png),
                $"Độ bao phủ qua các ảnh chụp và dự báo (số liệu: trang \"{SupportSheets.TrendName}\").");
        ws.PageSetup.FitToPages(1, 0);
    }

    /// <summary>A caption line, then the picture anchored below it; returns the first row after the picture.</summary>
    static int Picture(IXLWorksheet ws, int row, string name, byte[] png, string caption)
    {
        if (row > 4) ws.PageSetup.AddHorizontalPageBreak(row - 1); // each picture starts a printed page
        Text(ws.Cell(row, 1), caption);
        ws.Cell(row, 1).Style.Font.Italic = true;
        using var stream = new MemoryStream(png);
        var picture = ws.AddPicture(stream, XLPictureFormat.Png, name).MoveTo(ws.Cell(row + 1, 1));
        // Rows are 15 points (20 px at 96 dpi) by default: skip the rows the picture covers plus one.
        return row + 1 + (int)Math.Ceiling(picture.Height / 20.0) + 1;
    }
}
