using System.Globalization;
using ClosedXML.Excel;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>
/// The official appendix (seed 004, "PHỤ LỤC", Bắc Từ Liêm 2024): issuing unit and national motto, title, the
/// "(Kèm theo Báo cáo số …)" line, the seven columns with their headings and the numbering row, one row per unit with
/// STT, "Tổng cộng", then the signature block. Column (7) is a formula over the row, so the sheet stays right when a
/// user corrects a figure; column (8) "Ghi chú" carries the API's markings (over 100 %, below target, no denominator,
/// approximate).
/// </summary>
static class AppendixSheet
{
    public const string Name = "Phụ lục";
    public const string Title = "TÌNH HÌNH CẬP NHẬT DỮ LIỆU LIÊN THÔNG HỒ SƠ SỨC KHỎE ĐIỆN TỬ";
    public const string Motto1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    public const string Motto2 = "Độc lập - Tự do - Hạnh phúc";
    public const string TotalLabel = "Tổng cộng";
    public const string NoDenominatorText = "Chưa có dân số";
    public const string Over100Mark = "Vượt 100 %";
    public const string NoDenominatorMark = "Chưa có số liệu dân số";
    public const string ApproximateMark = "Số liệu gần đúng";
    public const int Columns = 8;
    const int MarksPerLine = 44;

    public static readonly string[] Numbering = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)=(6)/(3)*100%", "(8)"];

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>Where the table sits, for tests and for the print titles.</summary>
    public sealed record Layout(int HeaderRow, int NumberingRow, int FirstDataRow, int? TotalRow, int SignatureRow);

    public static string[] Headings(string population) =>
    [
        "STT", "Đơn vị", population, "Tổng số hồ sơ đã được liên thông", "Dân số đã khám tạo lập hồ sơ",
        "Dân số đã được quản lý sức khỏe", "Tỷ lệ % Dân số đã được quản lý sức khỏe", "Ghi chú",
    ];

    public static string DefaultIssuingUnit(string provinceName) => "SỞ Y TẾ " + provinceName.ToUpper(Vi);

    public static string DefaultReference(int year, string issuer) =>
        $"(Kèm theo Báo cáo số ......../BC-...... ngày ...... tháng ...... năm {year} của {issuer})";

    /// <summary>"{place}, ngày 31 tháng 12 năm 2024", or with dots for the signer to fill.</summary>
    public static string DateLine(string place, DateOnly? signed, int year) => signed is { } d
        ? $"{place}, ngày {d.Day:00} tháng {d.Month:00} năm {d.Year}"
        : $"{place}, ngày ...... tháng ...... năm {year}";

    public static Layout Write(XLWorkbook wb, AppendixData data, AppendixWorkbookRequest request)
    {
        var ws = NewSheet(wb, Name);
        double[] widths = [6, 30, 17, 17, 17, 17, 16, 34];
        for (var i = 0; i < widths.Length; i++) ws.Column(i + 1).Width = widths[i];

        var issuer = request.IssuingUnit is { Count: > 0 } given ? given : [DefaultIssuingUnit(data.ProvinceName)];
        for (var i = 0; i < issuer.Count; i++) Line(ws, 1 + i, 1, 3, issuer[i], bold: true);
        Line(ws, 1, 5, 8, Motto1, bold: true);
        Line(ws, 2, 5, 8, Motto2, bold: true).Style.Font.Underline = XLFontUnderlineValues.Single;

        var row = Math.Max(2, issuer.Count) + 2;
        Line(ws, row++, 1, Columns, "PHỤ LỤC", bold: true, size: 13);
        Line(ws, row++, 1, Columns, Title, bold: true, size: 13);
        // The reference names the issuer in running text: the given last line as written, else "Sở Y tế Thành phố Hà Nội".
        var issuerText = request.IssuingUnit is { Count: > 0 } ? issuer[^1] : "Sở Y tế " + data.ProvinceName;
        Line(ws, row++, 1, Columns, request.ReportReference ?? DefaultReference(data.Snapshot.AsOf.Year, issuerText), italic: true);
        Line(ws, row++, 1, Columns, $"(Số liệu đến ngày {data.Snapshot.AsOf.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}; " +
            $"ảnh chụp {data.Snapshot.SnapshotId}; {data.Name})", italic: true, size: 11);
        row++;

        var header = row;
        var headings = Headings(PopulationHeading.For(data.Snapshot.AsOf, data.DenominatorYears));
        for (var c = 0; c < Columns; c++) Text(ws.Cell(header, c + 1), headings[c]);
        ws.Row(header).Height = 63;
        Header(ws.Range(header, 1, header, Columns));
        var numbering = header + 1;
        for (var c = 0; c < Columns; c++) Text(ws.Cell(numbering, c + 1), Numbering[c]);
        Header(ws.Range(numbering, 1, numbering, Columns));
        ws.Range(numbering, 1, numbering, Columns).Style.Font.Bold = false;
        ws.Range(numbering, 1, numbering, Columns).Style.Font.Italic = true;

        var first = numbering + 1;
        row = first;
        var stt = 1;
        foreach (var r in data.Rows)
        {
            Number(ws.Cell(row, 1), stt++, "0");
            UnitRow(ws, row, r, data, total: false);
            row++;
        }
        int? totalRow = null;
        if (data.Total is { } t)
        {
            totalRow = row;
            UnitRow(ws, row, t, data, total: true);
            ws.Range(row, 1, row, Columns).Style.Font.Bold = true;
            row++;
        }
        var table = ws.Range(header, 1, row - 1, Columns);
        Borders(table);
        ws.Range(first, 1, row - 1, 1).Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        ws.Range(first, 8, row - 1, 8).Style.Alignment.WrapText = true;
        ws.Range(first, 1, row - 1, Columns).Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;

        row++;
        foreach (var note in Legend(data))
            Line(ws, row++, 1, Columns, note, italic: true, align: XLAlignmentHorizontalValues.Left, size: 11);

        row++;
        var signature = row;
        Line(ws, row++, 5, 8, DateLine(request.Place ?? data.ShortName, request.SignedOn, data.Snapshot.AsOf.Year), italic: true);
        Line(ws, row, 1, 3, "Người lập biểu", bold: true);
        Line(ws, row++, 5, 8, "Thủ trưởng đơn vị", bold: true);
        Line(ws, row, 1, 3, "(Ký, ghi rõ họ tên)", italic: true);
        Line(ws, row++, 5, 8, "(Ký, ghi rõ họ tên, đóng dấu)", italic: true);

        ws.PageSetup.SetRowsToRepeatAtTop(header, numbering);
        ws.SheetView.Freeze(numbering, 2);
        ws.PageSetup.PrintAreas.Add(1, 1, row + 3, Columns);
        return new Layout(header, numbering, first, totalRow, signature);
    }

    static void UnitRow(IXLWorksheet ws, int row, CoverageRow r, AppendixData data, bool total)
    {
        Text(ws.Cell(row, 2), total ? TotalLabel : r.Name);
        if (r.Population is { } p) Number(ws.Cell(row, 3), p, CountFormat);
        else ws.Cell(row, 3).Style.NumberFormat.Format = CountFormat; // ready for a population the user enters
        Number(ws.Cell(row, 4), r.RecordsLinked, CountFormat);
        Number(ws.Cell(row, 5), r.Examined, CountFormat);
        Number(ws.Cell(row, 6), r.Managed, CountFormat);
        var rate = ws.Cell(row, 7);
        rate.FormulaA1 = $"IF(C{row}>0,F{row}/C{row},\"{NoDenominatorText}\")";
        rate.Style.NumberFormat.Format = PercentFormat;
        rate.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Right;

        var marks = string.Join("; ", Marks(r, data));
        Text(ws.Cell(row, 8), marks);
        // Row heights are not grown by every reader for wrapped text: a second line where the notes need it.
        if (marks.Length > MarksPerLine) ws.Row(row).Height = 15.75 * Math.Ceiling(marks.Length / (double)MarksPerLine);
        if (r.NoDenominator)
        {
            ws.Cell(row, 3).Style.Fill.BackgroundColor = NoDenominator;
            rate.Style.Fill.BackgroundColor = NoDenominator;
        }
        else if (r.Over100) rate.Style.Fill.BackgroundColor = Over100;
        else if (data.Gap(r) is { Meets: false }) rate.Style.Fill.BackgroundColor = BelowTarget;
    }

    /// <summary>The row's markings, from the API's flags only.</summary>
    public static List<string> Marks(CoverageRow r, AppendixData data)
    {
        var marks = new List<string>();
        if (r.NoDenominator) marks.Add(NoDenominatorMark);
        if (r.Over100) marks.Add(Over100Mark);
        if (data.Gap(r) is { Meets: false, Gap: { } gap } g)
            marks.Add(BelowTargetMark(g.Percent, g.Year, gap));
        if (r.Approximate) marks.Add(ApproximateMark);
        return marks;
    }

    public static string BelowTargetMark(double percent, int year, long gap) =>
        $"Chưa đạt {percent.ToString("0.##", Vi)} % ({year}): thiếu {gap.ToString("N0", Vi)} người";

    static IEnumerable<string> Legend(AppendixData data)
    {
        yield return "Ghi chú: cột (7) là công thức (6)/(3) tính lại khi sửa số liệu; ô tô vàng: vượt 100 % (không giới hạn ở 100 %)"
            + (data.MarkedTarget is { } t ? $"; ô tô cam: chưa đạt chỉ tiêu {t.Percent.ToString("0.##", Vi)} % (năm {t.Year})" : "")
            + "; ô tô xám: chưa có số liệu dân số.";
        if (PopulationHeading.Footnote(data.DenominatorYears) is { } f) yield return f;
    }
}
