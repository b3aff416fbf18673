using ClosedXML.Excel;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>Fonts, formats and print settings shared by every sheet: Times New Roman (the administrative documents'
/// font), A4 landscape fitted to the page width.</summary>
static class WorkbookStyle
{
    public const string Font = "Times New Roman";
    public const double FontSize = 12;
    public const string CountFormat = "#,##0";
    /// <summary>Excel's percent format: 1.0232 shows 102.32% (102,32% in a Vietnamese Excel).</summary>
    public const string PercentFormat = "0.00%";
    public const string DateFormat = "dd/MM/yyyy";
    /// <summary>What a cell the disclosure rule hides shows: text, never a number.</summary>
    public const string Hidden = "ẩn";
    /// <summary>What a figure that cannot be computed (no denominator) shows.</summary>
    public const string None = "–";

    public static readonly XLColor Over100 = XLColor.FromHtml("#FFF2CC");
    public static readonly XLColor BelowTarget = XLColor.FromHtml("#F8CBAD");
    public static readonly XLColor NoDenominator = XLColor.FromHtml("#E7E6E6");
    public static readonly XLColor HeaderFill = XLColor.FromHtml("#DDEBF7");

    public static IXLWorksheet NewSheet(XLWorkbook wb, string name)
    {
        var ws = wb.AddWorksheet(name);
        ws.Style.Font.FontName = Font;
        ws.Style.Font.FontSize = FontSize;
        ws.PageSetup.PaperSize = XLPaperSize.A4Paper;
        ws.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        ws.PageSetup.FitToPages(1, 0);
        ws.PageSetup.Margins.Left = ws.PageSetup.Margins.Right = 0.5;
        ws.PageSetup.Margins.Top = ws.PageSetup.Margins.Bottom = 0.6;
        ws.PageSetup.CenterHorizontally = true;
        return ws;
    }

    /// <summary>A table header row: bold, centred, wrapped, filled, bordered.</summary>
    public static void Header(IXLRange range)
    {
        range.Style.Font.Bold = true;
        range.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
        range.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        range.Style.Alignment.WrapText = true;
        range.Style.Fill.BackgroundColor = HeaderFill;
        Borders(range);
    }

    public static void Borders(IXLRange range)
    {
        range.Style.Border.OutsideBorder = XLBorderStyleValues.Thin;
        range.Style.Border.InsideBorder = XLBorderStyleValues.Thin;
    }

    /// <summary>A merged line of text across columns.</summary>
    public static IXLRange Line(IXLWorksheet ws, int row, int fromColumn, int toColumn, string text, bool bold = false, bool italic = false,
        XLAlignmentHorizontalValues align = XLAlignmentHorizontalValues.Center, double? size = null)
    {
        var range = ws.Range(row, fromColumn, row, toColumn);
        range.Merge();
        Text(ws.Cell(row, fromColumn), text);
        range.Style.Font.Bold = bold;
        range.Style.Font.Italic = italic;
        if (size is { } s) range.Style.Font.FontSize = s;
        range.Style.Alignment.Horizontal = align;
        range.Style.Alignment.Vertical = XLAlignmentVerticalValues.Center;
        range.Style.Alignment.WrapText = true;
        return range;
    }

    /// <summary>Text as text: ClosedXML 0.95's <c>Value</c> setter would read "02/10/2025" or "1.234" as a date or number.</summary>
    public static void Text(IXLCell cell, string? text) => cell.SetValue(text ?? "");

    public static void Number(IXLCell cell, double value, string format)
    {
        cell.Value = value;
        cell.Style.NumberFormat.Format = format;
    }

    /// <summary>A count as the API shows it: a number, or text when the API has none (hidden, or not computable).</summary>
    public static void Count(IXLCell cell, long? value, bool suppressed = false)
    {
        if (value is { } v) Number(cell, v, CountFormat);
        else MissingValue(cell, suppressed);
    }

    /// <summary>A proportion (0–1, or the API's percentage ÷ 100) with two decimals as a percentage.</summary>
    public static void Share(IXLCell cell, double? proportion, bool suppressed = false)
    {
        if (proportion is { } p) Number(cell, p, PercentFormat);
        else MissingValue(cell, suppressed);
    }

    static void MissingValue(IXLCell cell, bool suppressed)
    {
        Text(cell, suppressed ? Hidden : None);
        cell.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Center;
    }

    public static void Date(IXLCell cell, DateOnly? date)
    {
        if (date is not { } d) { Text(cell, None); return; }
        cell.Value = d.ToDateTime(TimeOnly.MinValue);
        cell.Style.NumberFormat.Format = DateFormat;
    }
}
