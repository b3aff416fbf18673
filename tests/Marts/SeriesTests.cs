using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Time series across the 2025 reform: 2025 snapshots directly, legacy snapshots through the bridge.</summary>
[Collection("warehouse")]
public sealed class SeriesTests(WarehouseFixture fixture)
{
    readonly CoverageQueries queries = new(fixture.Db);
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);
    readonly IReadOnlyList<BridgeLink> bridge = ReferenceData.Load().Bridge;

    sealed record Expected(double Linked, double Examined, double Managed, double? Population, bool Approximate);

    /// <summary>The bridged figures of a 2025 commune in a legacy snapshot, computed from truth.json and bridge.csv
    /// by docs/definitions.md, independently of the product's SQL.</summary>
    Expected Bridged(TruthSnapshot legacy, string newCode)
    {
        var old = legacy.Communes.ToDictionary(c => c.Code, c => c.Counts);
        var links = bridge.Where(b => b.NewCode == newCode).ToList();
        var present = links.Where(l => old.ContainsKey(l.OldCode)).ToList();
        double Sum(string name) => present.Sum(l => l.Weight * old[l.OldCode].GetProperty(name).GetInt64());
        var complete = present.All(l => TruthSnapshot.Population(old[l.OldCode]) is not null);
        var population = complete
            ? present.Sum(l => l.Weight * TruthSnapshot.Population(old[l.OldCode])!.Value)
            : (double?)snapshots.First(s => !s.Legacy).Communes.Where(c => c.Code == newCode).Select(c => TruthSnapshot.Population(c.Counts)).FirstOrDefault();
        var approximate = present.Any(l => l.Link == "partial") || present.Count < links.Count || !complete;
        return new Expected(Sum("records_linked"), Sum("examined"), Sum("managed"), population, approximate);
    }

    static long People(double x) => (long)Math.Round((decimal)x, MidpointRounding.AwayFromZero);

    [Fact]
    public void CurrentCommuneSeriesSpansTheReformWithBridgedLegacyPoints()
    {
        var latest = snapshots[^1];
        var legacy = snapshots.Where(s => s.Legacy).ToList();
        var errors = new List<string>();
        var approximateSeen = false;
        foreach (var (code, _) in latest.Communes)
        {
            var series = queries.Series(code);
            Assert.Equal("2025", series.CodeSystem);
            var bridged = series.Points.Where(p => p.Bridged).ToList();
            Assert.Equal(legacy.Select(s => s.SnapshotId), bridged.Select(p => p.SnapshotId));
            foreach (var p in bridged)
            {
                var e = Bridged(legacy.Single(s => s.SnapshotId == p.SnapshotId), code);
                void Check<T>(string what, T expected, T actual)
                {
                    if (!EqualityComparer<T>.Default.Equals(expected, actual)) errors.Add($"{code} {p.SnapshotId} {what}: expected {expected}, got {actual}");
                }
                Check("records_linked", People(e.Linked), p.Row.RecordsLinked);
                Check("examined", People(e.Examined), p.Row.Examined);
                Check("managed", People(e.Managed), p.Row.Managed);
                Check("population", e.Population is { } pop and > 0 ? People(pop) : (long?)null, p.Row.Population);
                Check("approximate", e.Approximate, p.Row.Approximate);
                if (e.Population is { } q and > 0)
                    Check("coverage", Math.Round((decimal)e.Managed * 100m / (decimal)q, 2, MidpointRounding.AwayFromZero), p.Row.CoveragePct);
                Assert.Equal("legacy", p.CodeSystem);
                approximateSeen |= p.Row.Approximate;
            }
            var direct = series.Points.Where(p => !p.Bridged).ToList();
            Assert.Equal(snapshots.Where(s => !s.Legacy).Select(s => s.SnapshotId), direct.Select(p => p.SnapshotId));
            foreach (var p in direct)
            {
                var truth = snapshots.Single(s => s.SnapshotId == p.SnapshotId).Communes.Single(c => c.Code == code).Counts;
                Assert.Equal(truth.GetProperty("managed").GetInt64(), p.Row.Managed);
                Assert.Equal(TruthSnapshot.Population(truth), p.Row.Population);
                Assert.False(p.Row.Approximate);
            }
            Assert.Equal(series.Points.OrderBy(p => p.AsOf).Select(p => p.SnapshotId), series.Points.Select(p => p.SnapshotId));
        }
        Assert.Empty(errors);
        Assert.True(approximateSeen, "partial splits of the province should mark some bridged points approximate");
    }

    [Fact]
    public void ProvinceSeriesBridgesLegacySnapshotsToTheCurrentProvince()
    {
        var province = fixture.Options.ProvinceCode;
        var series = queries.Series(province);
        Assert.Equal(snapshots.Select(s => s.SnapshotId), series.Points.Select(p => p.SnapshotId));
        foreach (var s in snapshots.Where(s => s.Legacy))
        {
            var point = series.Points.Single(p => p.SnapshotId == s.SnapshotId);
            Assert.True(point.Bridged);
            var communes = snapshots[^1].Communes.Select(c => c.Code).ToList();
            var expected = communes.Select(c => Bridged(s, c)).ToList();
            Assert.Equal(People(expected.Sum(e => e.Managed)), point.Row.Managed);
            Assert.Equal(People(expected.Sum(e => e.Linked)), point.Row.RecordsLinked);
            // All old communes of the province land in its new communes, so the totals survive the allocation.
            Assert.InRange(point.Row.Managed, s.Province.GetProperty("managed").GetInt64() - 1, s.Province.GetProperty("managed").GetInt64() + 1);
        }
        foreach (var s in snapshots.Where(s => !s.Legacy))
            Assert.Equal(TruthSnapshot.Coverage(s.Province), series.Points.Single(p => p.SnapshotId == s.SnapshotId).Row.CoveragePct);
    }

    [Fact]
    public void LegacyUnitsKeepTheirOwnSeries()
    {
        var legacy = snapshots.Where(s => s.Legacy).ToList();
        var district = legacy[0].Districts.First();
        var series = queries.Series(district.Code);
        Assert.Equal("legacy", series.CodeSystem);
        Assert.Equal(legacy.Select(s => s.SnapshotId), series.Points.Select(p => p.SnapshotId));
        Assert.All(series.Points, p => Assert.False(p.Bridged));
        Assert.Equal(TruthSnapshot.Coverage(district.Counts), series.Points[0].Row.CoveragePct);

        var oldCommune = legacy[0].Communes.First(c => TruthSnapshot.Population(c.Counts) is not null);
        var communeSeries = queries.Series(oldCommune.Code, "legacy");
        Assert.Equal(legacy.Select(s => s.SnapshotId), communeSeries.Points.Select(p => p.SnapshotId));
        Assert.Equal(TruthSnapshot.Coverage(oldCommune.Counts), communeSeries.Points[0].Row.CoveragePct);
    }

    [Fact]
    public void SeriesCarriesAProjectionPerTarget()
    {
        var series = queries.Series(fixture.Options.ProvinceCode);
        Assert.Equal(["90_2025", "95_2030", "permanent_residents_95_2024", "visitors_complete_100_2025"], series.Projections.Select(p => p.Target.Key));
        foreach (var p in series.Projections)
        {
            Assert.Contains(p.Status, new[] { "reached", "projected", "not_rising", "too_few_points", "too_slow" });
            Assert.Equal(p.Status == "projected", p.Date is not null);
            if (p.Date is { } d) Assert.True(d > series.Points[0].AsOf);
        }
    }
}
