using System.Globalization;
using ClosedXML.Excel;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>The plain tables of the further sheets: a title, a subject line, then bordered tables with a header row.</summary>
static class SheetTable
{
    /// <summary>Writes the sheet's title and subject (unit, snapshot, as-of) over <paramref name="columns"/> columns;
    /// returns the next free row.</summary>
    public static int Title(IXLWorksheet ws, string title, AppendixData data, int columns)
    {
        Line(ws, 1, 1, columns, title, bold: true, size: 13);
        Line(ws, 2, 1, columns, $"{data.Name} — số liệu đến ngày {data.Snapshot.AsOf.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)} " +
            $"(ảnh chụp {data.Snapshot.SnapshotId})", italic: true, size: 11);
        return 4;
    }

    /// <summary>A caption, a header row and the rows (one writer per cell); returns the row after the table.</summary>
    public static int Write(IXLWorksheet ws, int row, string? caption, IReadOnlyList<string> headings, IEnumerable<Action<IXLCell>[]> rows)
    {
        if (caption is not null)
        {
            Text(ws.Cell(row, 1), caption);
            ws.Cell(row, 1).Style.Font.Bold = true;
            row++;
        }
        var header = row;
        for (var c = 0; c < headings.Count; c++) Text(ws.Cell(header, c + 1), headings[c]);
        Header(ws.Range(header, 1, header, headings.Count));
        ws.Row(header).Height = 48; // up to three lines of a wrapped heading
        row++;
        foreach (var cells in rows)
        {
            for (var c = 0; c < cells.Length; c++) cells[c](ws.Cell(row, c + 1));
            row++;
        }
        if (row > header + 1) Borders(ws.Range(header, 1, row - 1, headings.Count));
        return row + 1;
    }

    public static void Widths(IXLWorksheet ws, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) ws.Column(i + 1).Width = widths[i];
    }

    public static Action<IXLCell> T(string? text) => c => Text(c, text);
    public static Action<IXLCell> N(long? value, bool suppressed = false) => c => Count(c, value, suppressed);
    /// <summary>The API's percentage (0–100, two decimals) shown as Excel's percent: value ÷ 100.</summary>
    public static Action<IXLCell> Pct(decimal? percent) => c => Share(c, percent is { } p ? (double)(p / 100m) : null);
    public static Action<IXLCell> P(double? proportion, bool suppressed = false) => c => Share(c, proportion, suppressed);
    public static Action<IXLCell> D(DateOnly? date) => c => Date(c, date);
    public static Action<IXLCell> Yes(bool? value) => c => Text(c, value switch { true => "Có", false => "Không", null => None });
}
