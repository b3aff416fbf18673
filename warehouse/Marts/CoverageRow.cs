namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>The gap to one target: people still to manage (<c>max(0, ceil(T/100 × population) − managed)</c>)
/// and whether coverage ≥ T. Both null without a denominator.</summary>
public sealed record TargetGap(string Key, double Percent, int Year, long? Gap, bool? Meets)
{
    /// <summary>The gap rule for any measure: numerator against T % of a (possibly fractional) denominator.</summary>
    internal static (long? Gap, bool? Meets) Of(double percent, decimal? denominator, decimal numerator)
    {
        if (denominator is not > 0) return (null, null);
        var needed = (decimal)percent / 100m * denominator.Value;
        return ((long)Math.Max(0m, Math.Ceiling(needed - numerator)), numerator >= needed);
    }
}

/// <summary>
/// One row of the official appendix (Bắc Từ Liêm layout, docs/definitions.md): (3) population, (4) records linked,
/// (5) examined, (6) managed, (7) coverage % = (6)/(3) × 100 rounded half away from zero to 2 decimals,
/// uncapped (<see cref="Over100"/> flags managed &gt; population). <see cref="Population"/> and
/// <see cref="CoveragePct"/> are null when the unit has no denominator. <see cref="Approximate"/> marks figures
/// allocated through partial bridge links (legacy snapshots seen in 2025 units).
/// </summary>
public sealed record CoverageRow(
    string Level, string Code, string Name, long? Population, long RecordsLinked, long Examined, long Managed,
    decimal? CoveragePct, bool Over100, bool NoDenominator, bool Approximate, IReadOnlyList<TargetGap> Targets);

static class CoverageMath
{
    /// <summary>managed / population × 100, half away from zero, always with two decimals (scale 2);
    /// null without a positive denominator.</summary>
    public static decimal? Percent(decimal managed, decimal? population) =>
        population is > 0 ? Math.Round(managed * 100m / population.Value, 2, MidpointRounding.AwayFromZero) + 0.00m : null;

    public static long People(decimal value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    /// <summary>Builds a row from exact (possibly fractional, for bridged figures) numerators and denominator.</summary>
    public static CoverageRow Row(string level, string code, string name, decimal? population, decimal linked, decimal examined,
        decimal managed, bool approximate, IReadOnlyList<CoverageTarget> targets)
    {
        var pop = population is > 0 ? population : null;
        var gaps = targets.Select(t =>
        {
            var (gap, meets) = TargetGap.Of(t.Percent, pop, managed);
            return new TargetGap(t.Key, t.Percent, t.Year, gap, meets);
        }).ToList();
        return new CoverageRow(level, code, name, pop is { } q ? People(q) : null, People(linked), People(examined), People(managed),
            Percent(managed, pop), pop is { } d && managed > d, pop is null, approximate, gaps);
    }
}
