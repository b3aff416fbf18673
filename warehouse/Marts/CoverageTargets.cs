namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>A coverage target: <see cref="Percent"/> % of the population managed by 31 December of
/// <see cref="Year"/>; <see cref="Level"/> restricts it to one unit level ("commune", "district", "province").</summary>
public sealed record CoverageTarget
{
    public double Percent { get; init; }
    public int Year { get; init; }
    public string? Level { get; init; }

    /// <summary>Short key for column names: <c>90_2025</c>.</summary>
    public string Key => FormattableString.Invariant($"{Percent:0.##}_{Year}");

    public bool AppliesTo(string level) => Level is null || string.Equals(Level, level, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Coverage targets (configuration per year and level, docs/definitions.md), bound from the "Coverage"
/// section: <c>Coverage:Targets:0:Percent = 90</c>, <c>Coverage:Targets:0:Year = 2025</c>, optional
/// <c>Coverage:Targets:0:Level</c>. Without configured targets: 90 % by 2025 and 95 % by 2030 (Kon Tum, MoH 2955/QĐ-BYT).
/// </summary>
public sealed class CoverageTargets
{
    public const string Section = "Coverage";

    public static readonly IReadOnlyList<CoverageTarget> Defaults =
        [new() { Percent = 90, Year = 2025 }, new() { Percent = 95, Year = 2030 }];

    /// <summary>Configured targets; empty means <see cref="Defaults"/> (configuration binding appends to lists,
    /// so the defaults cannot be the initial value).</summary>
    public List<CoverageTarget> Targets { get; set; } = [];

    /// <summary>The targets that apply to a level, by year then percent.</summary>
    public IReadOnlyList<CoverageTarget> For(string level) =>
        (Targets.Count == 0 ? Defaults : Targets).Where(t => t.AppliesTo(level)).OrderBy(t => t.Year).ThenBy(t => t.Percent).ToList();
}
