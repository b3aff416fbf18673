using Dapper;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>One province of the national table: its row, from the snapshot it was read from.</summary>
public sealed record NationalProvince(LoadedSnapshot Snapshot, CoverageRow Row);

/// <summary>The national coverage table (issue 15 §4): one row per province, each from that province's latest 2025-code
/// snapshot on or before <see cref="AsOf"/>, and the national total row, the sum of the provinces' counts (denominator:
/// the sum over the provinces that have one, as a province's is over its communes).</summary>
public sealed record NationalCoverageTable(DateOnly? AsOf, IReadOnlyList<CoverageTarget> Targets, IReadOnlyList<NationalProvince> Provinces, CoverageRow Total);

public sealed partial class CoverageQueries
{
    /// <summary>The code of the national total row.</summary>
    public const string NationCode = "VN";

    /// <summary>The name of the national total row.</summary>
    public const string NationName = "Toàn quốc";

    /// <summary>The national table: each province's own province row (the same row and figures as its appendix's total),
    /// and their sum. A national warehouse holds the marts of many provinces (<c>import-lake</c>); a province's warehouse
    /// gives its one row.</summary>
    /// <param name="asOf">Read each province's latest snapshot on or before this date (default: its latest).</param>
    /// <exception cref="KpiNotFoundException">No 2025-code snapshot at all (on or before the date).</exception>
    public NationalCoverageTable National(DateOnly? asOf = null)
    {
        using var c = db.Open();
        var latest = SnapshotCatalog.LatestPerProvince(c, asOf);
        if (latest.Count == 0) throw KpiNotFoundException.NoNationalSnapshot(asOf);
        var goals = targets.For(Levels.Province);
        var provinces = new List<(LoadedSnapshot Snapshot, MartRow Raw)>();
        foreach (var s in latest)
        {
            var raw = c.Query<MartRow>(MartRow.Sql, new { sid = s.SnapshotId, level = Levels.Province, parent = s.ProvinceCode, parentLevel = Levels.Province })
                .SingleOrDefault(r => r.Level == Levels.Province && r.Code == s.ProvinceCode);
            if (raw is not null) provinces.Add((s, raw));
        }
        var populations = provinces.Where(p => p.Raw.Population is not null).Select(p => p.Raw.Population!.Value).ToList();
        var total = new MartRow(Levels.Nation, NationCode, NationName, populations.Count == 0 ? null : populations.Sum(),
            provinces.Sum(p => p.Raw.RecordsLinked), provinces.Sum(p => p.Raw.Examined), provinces.Sum(p => p.Raw.Managed));
        return new NationalCoverageTable(asOf, goals, provinces.Select(p => new NationalProvince(p.Snapshot, ToRow(p.Raw, goals))).ToList(),
            ToRow(total, goals));
    }
}
