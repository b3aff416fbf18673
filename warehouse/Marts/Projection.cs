namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>Projected date of reaching a target (docs/definitions.md, "Projection").</summary>
static class Projection
{
    public const string Reached = "reached", Projected = "projected", NotRising = "not_rising", TooFewPoints = "too_few_points",
        TooSlow = "too_slow";

    /// <summary>Least squares of coverage % on time over the points of the last 12 months (as_of after the latest
    /// as_of minus 12 months), at least 3 of them. <paramref name="points"/>: oldest first, exact (unrounded) coverage.</summary>
    public static TargetProjection For(CoverageTarget target, IReadOnlyList<(DateOnly AsOf, double Percent)> points)
    {
        if (points.Count == 0) return new(target, TooFewPoints, null, null, null);
        var latest = points[^1];
        if (latest.Percent >= target.Percent) return new(target, Reached, null, null, null);
        var window = points.Where(p => p.AsOf > latest.AsOf.AddMonths(-12)).ToList();
        if (window.Count < 3) return new(target, TooFewPoints, null, null, null);

        var origin = window[0].AsOf.DayNumber;
        var xs = window.Select(p => (double)(p.AsOf.DayNumber - origin)).ToArray();
        var ys = window.Select(p => p.Percent).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var sxy = xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my));
        if (sxx == 0) return new(target, TooFewPoints, null, null, null);
        var slope = sxy / sxx;
        var perYear = slope * 365.25;
        if (slope <= 0) return new(target, NotRising, null, null, perYear);

        var day = mx + (target.Percent - my) / slope;
        var deadline = target.DueDate;
        if (origin + day > new DateOnly(2100, 12, 31).DayNumber) return new(target, TooSlow, null, false, perYear);
        var date = DateOnly.FromDayNumber(origin + (int)Math.Ceiling(day));
        return new(target, Projected, date, date <= deadline, perYear);
    }
}
