using Dapper;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>One snapshot of a unit's time series. <see cref="Bridged"/>: a legacy snapshot seen through the
/// old→new bridge (figures allocated by bridge weights, rounded for display; coverage from the unrounded values);
/// <see cref="CoverageRow.Approximate"/> is then set when a partial link or a missing old commune is involved.</summary>
public sealed record SeriesPoint(string SnapshotId, DateOnly AsOf, string CodeSystem, bool Bridged, CoverageRow Row,
    MeasureValue PermanentResidents, MeasureValue VisitorsComplete);

/// <summary>One measure of a unit in one snapshot: <see cref="Numerator"/> over <see cref="Denominator"/> as a
/// percentage (half away from zero, 2 decimals, uncapped); denominator and rate null when there is none.</summary>
public sealed record MeasureValue(long? Denominator, long Numerator, decimal? Pct)
{
    internal static MeasureValue Of(double? denominator, double numerator)
    {
        decimal? den = denominator is > 0 ? (decimal)denominator.Value : null;
        return new(den is { } d ? CoverageMath.People(d) : null, CoverageMath.People((decimal)numerator),
            CoverageMath.Percent((decimal)numerator, den));
    }
}

/// <summary>When a unit reaches a target. <see cref="Status"/>: <c>reached</c> (latest point already at the target),
/// <c>projected</c> (<see cref="Date"/> where the least-squares line reaches it; <see cref="OnTime"/> = by the
/// target's due date, <see cref="CoverageTarget.DueDate"/>), <c>not_rising</c> (slope ≤ 0), <c>too_few_points</c> (fewer than 3 snapshots with a
/// denominator in the last 12 months). <see cref="SlopePerYear"/> in percentage points per year.</summary>
public sealed record TargetProjection(CoverageTarget Target, string Status, DateOnly? Date, bool? OnTime, double? SlopePerYear);

/// <summary>A unit's coverage across snapshots (oldest first) and its projection per target.</summary>
public sealed record UnitSeries(string Code, string Name, string Level, string CodeSystem, IReadOnlyList<SeriesPoint> Points,
    IReadOnlyList<TargetProjection> Projections);

sealed record SeriesRaw(string SnapshotId, DateOnly AsOf, bool Bridged, double? Population, double RecordsLinked, double Examined,
    double Managed, bool Approximate, double? PermanentPopulation, double PermanentUpdated, double Visitors, double VisitorsComplete)
{
    /// <summary>Direct points: the unit's own rows in snapshots of its code system; denominators per snapshot.</summary>
    public const string Direct = """
        SELECT k.snapshot_id AS SnapshotId, k.as_of AS AsOf, false AS Bridged, d.population::DOUBLE AS Population,
               k.records_linked::DOUBLE AS RecordsLinked, k.examined::DOUBLE AS Examined, k.managed::DOUBLE AS Managed,
               false AS Approximate, d.permanent_population::DOUBLE AS PermanentPopulation,
               coalesce(k.permanent_updated, 0)::DOUBLE AS PermanentUpdated,
               coalesce(k.visitors, 0)::DOUBLE AS Visitors, coalesce(k.visitors_complete, 0)::DOUBLE AS VisitorsComplete
        FROM mart_unit_kpi k JOIN fact_snapshot s USING (snapshot_id)
        LEFT JOIN mart_unit_denominator d ON d.snapshot_id = k.snapshot_id AND d.level = k.level AND d.unit_code = k.unit_code
        WHERE k.level = $level AND k.unit_code = $code AND k.code_system = $cs
          AND (k.code_system = 'legacy' OR k.province_code = s.province_code)
        """;

    /// <summary>Bridged points of a 2025 commune or province in legacy snapshots. Denominator per 2025 commune:
    /// Σ weight × legacy denominator of its contributing old communes; if one of them has none, the commune's own
    /// 2025-code denominator of the earliest year (approximate).</summary>
    public const string Bridge = """
        SELECT p.snapshot_id AS SnapshotId, p.as_of AS AsOf, true AS Bridged, d.population AS Population,
               p.records_linked AS RecordsLinked, p.examined AS Examined, p.managed AS Managed,
               p.approximate OR coalesce(d.fell_back, false) AS Approximate,
               d.permanent_population AS PermanentPopulation, coalesce(p.permanent_updated, 0) AS PermanentUpdated,
               coalesce(p.visitors, 0) AS Visitors, coalesce(p.visitors_complete, 0) AS VisitorsComplete
        FROM mart_bridged_kpi p
        LEFT JOIN mart_bridged_denominator d ON d.snapshot_id = p.snapshot_id AND d.level = p.level AND d.unit_code = p.unit_code
        WHERE p.level = $level AND p.unit_code = $code
        """;
}

public sealed partial class CoverageQueries
{
    /// <summary>
    /// A unit's time series. <paramref name="codeSystem"/> ("2025" or "legacy") picks the meaning of a commune
    /// code that exists in both systems; default: the system of the latest snapshot containing the unit. A 2025
    /// commune or province also gets the legacy snapshots through the bridge, marked <see cref="SeriesPoint.Bridged"/>.
    /// </summary>
    /// <param name="code">Unit code.</param>
    /// <param name="codeSystem">"2025" or "legacy"; null: the latest snapshot's.</param>
    /// <param name="until">Only the points as of this date or earlier (a past snapshot's view); null: all.</param>
    /// <exception cref="KpiNotFoundException">No snapshot contains the unit.</exception>
    public UnitSeries Series(string code, string? codeSystem = null, DateOnly? until = null)
    {
        var level = LevelOf(code);
        if (codeSystem is not null and not (ReferenceData.System2025 or ReferenceData.SystemLegacy))
            throw new ArgumentException($"Tham số codeSystem: '{codeSystem}' không hợp lệ (2025 hoặc legacy).");
        using var c = db.Open();
        var latest = Resolve(c, code, level, null, level == Levels.District ? ReferenceData.SystemLegacy : codeSystem);
        var cs = latest.CodeSystem;
        var args = new { level, code, cs };
        var raw = c.Query<SeriesRaw>(SeriesRaw.Direct, args).ToList();
        if (cs == ReferenceData.System2025 && level != Levels.District)
            raw.AddRange(c.Query<SeriesRaw>(SeriesRaw.Bridge, args));
        if (until is { } u) raw.RemoveAll(r => r.AsOf > u);
        var goals = targets.For(level, TargetMeasures.Coverage, latest.ProvinceCode);
        var name = c.QueryFirstOrDefault<string>("""
            SELECT full_name FROM dim_admin_unit WHERE code_system = $cs AND level = $level AND code = $code
            ORDER BY valid_from DESC LIMIT 1
            """, args) ?? code;
        var points = raw.OrderBy(r => r.AsOf).ThenBy(r => r.Bridged ? 0 : 1).ThenBy(r => r.SnapshotId, StringComparer.Ordinal)
            .Select(r => new SeriesPoint(r.SnapshotId, r.AsOf, r.Bridged ? ReferenceData.SystemLegacy : cs, r.Bridged,
                CoverageMath.Row(level, code, name, (decimal?)r.Population, (decimal)r.RecordsLinked, (decimal)r.Examined,
                    (decimal)r.Managed, r.Approximate, goals),
                MeasureValue.Of(r.PermanentPopulation, r.PermanentUpdated), MeasureValue.Of(r.Visitors, r.VisitorsComplete)))
            .ToList();
        return new UnitSeries(code, name, level, cs, points,
            targets.All(level, latest.ProvinceCode).Select(t => Projection.For(t, Exact(raw, t.Measure))).ToList());
    }

    /// <summary>A measure's exact (unrounded) percentages over the points that have a denominator, oldest first:
    /// what projections are fitted to.</summary>
    static List<(DateOnly AsOf, double Percent)> Exact(IEnumerable<SeriesRaw> raw, string measure) =>
        raw.OrderBy(r => r.AsOf)
            .Select(r => (r.AsOf, Value: measure switch
            {
                TargetMeasures.PermanentResidents => (Den: r.PermanentPopulation, Num: r.PermanentUpdated),
                TargetMeasures.VisitorsComplete => (Den: (double?)r.Visitors, Num: r.VisitorsComplete),
                _ => (Den: r.Population, Num: r.Managed),
            }))
            .Where(p => p.Value.Den is > 0)
            .Select(p => (p.AsOf, p.Value.Num * 100 / p.Value.Den!.Value)).ToList();
}
