using HoSoSucKhoe.Warehouse.Marts;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// Classes of coverage shared by the coverage chart and the map: below a floor (80 %, or 10 points under the lowest
/// target), then one class per target interval decided on exact figures (<see cref="TargetGap.Meets"/>, so a commune
/// shown at 90,00% that misses 90 % stays below it), a class for coverage over 100 % (managed &gt; population: a
/// denominator to check) and "no data" (no denominator).
/// </summary>
sealed class CoverageClasses
{
    static readonly string[] Palette = ["#D7191C", "#FDAE61", "#ABD9E9", "#2C7BB6", "#1A5A8C", "#0B3556"];
    public static readonly Color Over100 = Color.FromHex("#7B3294");

    readonly double[] targets;
    readonly double floor;

    public CoverageClasses(IReadOnlyList<CoverageTarget> goals)
    {
        targets = goals.Select(t => t.Percent).Distinct().Order().ToArray();
        floor = targets.Length == 0 ? 80 : Math.Min(80, targets[0] - 10);
        var labels = new List<string> { $"< {Vi.Percent(floor)}" };
        var bounds = new[] { floor }.Concat(targets).ToArray();
        for (var i = 0; i + 1 < bounds.Length; i++) labels.Add($"{Vi.Percent(bounds[i])} – {Vi.Percent(bounds[i + 1])}");
        labels.Add($"{Vi.Percent(bounds[^1])} – {Vi.Percent(100.0)}");
        Labels = [.. labels, $"Trên {Vi.Percent(100.0)} (cần xem lại mẫu số)"];
        Colours = [.. Enumerable.Range(0, labels.Count).Select(i => Color.FromHex(Palette[Math.Min(i, Palette.Length - 1)])), Over100];
    }

    /// <summary>Class labels (vi-VN), the no-data class excluded.</summary>
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<Color> Colours { get; }

    /// <summary>The class of a row, or null for no data (no denominator).</summary>
    public int? Of(CoverageRow r)
    {
        if (r.NoDenominator || r.CoveragePct is null) return null;
        if (r.Over100) return Labels.Count - 1;
        if ((double)r.CoveragePct.Value < floor && !r.Targets.Any(t => t.Meets == true)) return 0;
        var met = targets.Count(p => r.Targets.Any(t => t.Percent == p && t.Meets == true));
        return 1 + met;
    }
}
