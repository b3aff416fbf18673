using ClosedXML.Excel;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Reports.Tables;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Text from the feed that a spreadsheet would run as a formula opens as text, in CSV and in workbooks.</summary>
public sealed class FormulaInjectionTests
{
    static readonly string[] Dangerous = ["=HYPERLINK(\"http://x\",\"bấm\")", "+84912345678", "-1+2", "@SUM(A1)", "\t=1", "\r=1"];

    [Fact]
    public void CsvTextThatWouldStartAFormulaGetsAnApostropheAndNumbersStayNumbers()
    {
        var rows = Dangerous.Select(d => (IReadOnlyList<object?>)[d, -3, -2.5, "Nguyễn Văn A"]).ToList();
        var csv = TableWriter.Csv(new FlatTable(["name", "count", "share", "plain"], rows));
        foreach (var d in Dangerous)
        {
            Assert.DoesNotContain("," + d, csv);
            Assert.True(csv.Contains("'" + d) || csv.Contains("\"'" + d.Replace("\"", "\"\"")), d);
        }
        Assert.Contains(",-3,-2.5,Nguyễn Văn A", csv);
        Assert.Equal("Nguyễn Văn A", TableWriter.Inert("Nguyễn Văn A"));
        Assert.Equal("", TableWriter.Inert(""));
    }

    [Fact]
    public void WorkbookTextCellsNeverBecomeFormulas()
    {
        using var wb = new XLWorkbook();
        var ws = wb.AddWorksheet("x");
        for (var i = 0; i < Dangerous.Length; i++) WorkbookStyle.Text(ws.Cell(i + 1, 1), Dangerous[i]);
        using var stream = new MemoryStream();
        wb.SaveAs(stream);
        using var back = new XLWorkbook(new MemoryStream(stream.ToArray()));
        for (var i = 0; i < Dangerous.Length; i++)
        {
            var cell = back.Worksheet("x").Cell(i + 1, 1);
            Assert.False(cell.HasFormula, Dangerous[i]);
            Assert.Equal(XLDataType.Text, cell.DataType);
            Assert.Equal(Dangerous[i].Replace("\r", "\n"), cell.GetString()); // XML keeps a line break as \n
        }
    }
}
