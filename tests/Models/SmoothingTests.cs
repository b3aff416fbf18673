using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Models.Ncd;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>Empirical-Bayes smoothing of commune prevalence (docs/models.md, "Small communes") on constructed communes
/// whose between-commune variance is known.</summary>
public sealed class SmoothingTests
{
    static readonly LoadedSnapshot Snapshot = new("s", "20", new DateOnly(2025, 9, 30), "2025");
    static readonly Measure Adults = Measure.Find("htn_adults")!;

    /// <summary>Band rate rising with age, as hypertension does.</summary>
    static double Rate(int band) => 0.15 + 0.45 * (band - 15) / 65.0;

    /// <summary>Communes of uneven size (up to 2–15 adults per band and sex, so small communes miss bands) whose rates are
    /// the band rates shifted by a commune effect drawn from N(0, τ²).</summary>
    static (List<Cell> Cells, Dictionary<string, string> Names) Communes(Random rng, int count, double tau)
    {
        var cells = new List<Cell>();
        var names = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var code = $"{i:D5}";
            names[code] = "Xã " + code;
            var effect = tau * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var size = rng.Next(2, 16);
            foreach (var band in AgeStandard.Bands)
                foreach (var sex in new[] { 1, 2 })
                {
                    var n = rng.Next(0, size + 1);
                    var p = Rate(band) + effect;
                    var x = Enumerable.Range(0, n).Count(_ => rng.NextDouble() < p);
                    if (n > 0) cells.Add(new Cell { SnapshotId = "s", WardCode = code, Sex = sex, BandLo = band, Adults = n, HtnHypertensive = x });
                }
        }
        return (cells, names);
    }

    [Theory]
    [InlineData(0.04)]
    [InlineData(0.07)]
    public void MethodOfMomentsRecoversTheBetweenCommuneVariance(double tau)
    {
        var rng = new Random(8);
        var estimates = new List<double>();
        for (var replicate = 0; replicate < 40; replicate++)
        {
            var (cells, names) = Communes(rng, 120, tau);
            var rows = Burden.Estimate(Snapshot, cells, Adults, "all", AgeStandard.Group("18+"), "Tỉnh", names);
            estimates.Add(rows[1].BetweenVariance!.Value);
            Assert.All(rows.Skip(1), r => Assert.Equal(rows[1].BetweenVariance, r.BetweenVariance));
            Assert.Null(rows[0].BetweenVariance);
        }
        // Unbiased but for the floor at 0 and small communes standardised over the bands they have (both push it up a
        // little); without the sampling-variance term it would be several times too large.
        Assert.InRange(estimates.Average(), 0.85 * tau * tau, 1.2 * tau * tau);
    }

    [Fact]
    public void MomentsAreTheMeanSquaredDeviationLessTheMeanSamplingVariance()
    {
        var m = Burden.Moments([(0.1, 0.001), (0.3, 0.002), (0.2, 0.003)], 0.2)!;
        Assert.Equal(3, m.Communes);
        Assert.Equal(0.02 / 3, m.MeanSquaredDeviation, 12);
        Assert.Equal(0.002, m.MeanSamplingVariance, 12);
        Assert.Equal(0.02 / 3 - 0.002, m.Tau2, 12);
        Assert.Equal(0, Burden.Moments([(0.2, 0.01), (0.21, 0.01), (0.19, 0.01)], 0.2)!.Tau2);
        Assert.Null(Burden.Moments([(0.2, 0.01), (0.3, 0.01)], 0.2));
    }

    [Fact]
    public void WithoutBetweenCommuneVarianceEveryCommuneTakesTheProvinceValueWithAnIntervalThatIsNotAPoint()
    {
        // Ten identical communes: they differ by nothing, so τ² is 0 and B = 1 everywhere.
        var cells = new List<Cell>();
        var names = new Dictionary<string, string> { ["99999"] = "Xã không có hồ sơ" };
        for (var i = 0; i < 10; i++)
        {
            var code = $"{i:D5}";
            names[code] = "Xã " + code;
            foreach (var band in AgeStandard.Bands)
                cells.Add(new Cell { SnapshotId = "s", WardCode = code, Sex = 1, BandLo = band, Adults = 10, HtnHypertensive = (int)Math.Round(10 * Rate(band)) });
        }
        var rows = Burden.Estimate(Snapshot, cells, Adults, "all", AgeStandard.Group("18+"), "Tỉnh", names);
        var province = rows[0];
        Assert.Equal(11, rows.Count - 1);
        foreach (var commune in rows.Skip(1))
        {
            Assert.Equal(0, commune.BetweenVariance);
            Assert.Equal(1, commune.Shrinkage);
            Assert.Equal(province.Standardised!.Value, commune.Smoothed!.Value, 12);
            // The province value is itself an estimate from 1,400 adults: the interval says so instead of collapsing.
            Assert.True(commune.SmoothedLo < commune.Smoothed && commune.Smoothed < commune.SmoothedHi,
                $"{commune.UnitCode}: [{commune.SmoothedLo}, {commune.SmoothedHi}] around {commune.Smoothed}");
            Assert.InRange(commune.SmoothedHi!.Value - commune.SmoothedLo!.Value, 0.01, 0.1);
            if (commune.Standardised is not null)
                Assert.True(commune.SmoothedHi - commune.SmoothedLo < commune.StandardisedHi - commune.StandardisedLo);
        }
    }
}
