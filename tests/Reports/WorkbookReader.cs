using System.Globalization;
using ClosedXML.Excel;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Reading a built workbook back: cells as text, numbers and evaluated formulas.</summary>
static class WorkbookReader
{
    public static XLWorkbook Open(byte[] content) => new(new MemoryStream(content));

    public static string Text(IXLCell c) => c.GetString();

    public static double Number(IXLCell c)
    {
        Assert.Equal(XLDataType.Number, c.DataType);
        return c.GetDouble();
    }

    /// <summary>The evaluated value of a formula cell (ClosedXML computes it: the file holds no cached result).</summary>
    public static object Evaluated(IXLCell c)
    {
        Assert.True(c.HasFormula, $"{c.Address} has no formula");
        return c.Value;
    }

    /// <summary>An evaluated rate as Excel shows it in Vietnamese: "102,32%".</summary>
    public static string ShownPercent(IXLCell c) =>
        (Convert.ToDouble(Evaluated(c), CultureInfo.InvariantCulture) * 100).ToString("0.00", CultureInfo.GetCultureInfo("vi-VN")) + "%";

    /// <summary>A count as Excel shows it with #,##0 in Vietnamese: "47.199".</summary>
    public static string ShownCount(IXLCell c) => ((long)Number(c)).ToString("#,##0", CultureInfo.GetCultureInfo("vi-VN"));
}
