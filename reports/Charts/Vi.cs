using System.Globalization;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>Vietnamese number and date formats for labels: 1.234.567, 95,20%, dd/MM/yyyy.</summary>
static class Vi
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("vi-VN");

    public static string Number(long n) => n.ToString("N0", Culture);

    public static string Number(double n, int decimals) => n.ToString("N" + decimals, Culture);

    /// <summary>A percentage already in percent units: 95.2 → "95,20%".</summary>
    public static string Percent(double percent, int decimals = 2) => percent.ToString("N" + decimals, Culture) + "%";

    public static string Percent(decimal percent, int decimals = 2) => percent.ToString("N" + decimals, Culture) + "%";

    /// <summary>A proportion: 0.952 → "95,20%".</summary>
    public static string Proportion(double p, int decimals = 2) => Percent(p * 100, decimals);

    public static string Date(DateOnly d) => d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}
