using HoSoSucKhoe.Models.Ncd;

namespace HoSoSucKhoe.Tests.Models;

public sealed class StatsTests
{
    [Theory]
    [InlineData(0.975, 5, 2, 20.4832)]    // χ²(10) 97.5 %
    [InlineData(0.025, 5, 2, 3.2470)]     // χ²(10) 2.5 %
    [InlineData(0.975, 100, 2, 241.0579)] // χ²(200), Wilson–Hilferty branch
    [InlineData(0.5, 0.5, 2, 0.4549)]     // χ²(1) median
    public void GammaQuantileMatchesChiSquareTables(double p, double shape, double scale, double expected) =>
        Assert.Equal(expected, Stats.GammaQuantile(p, shape, scale), 2);

    [Fact]
    public void WilsonIntervalOfZeroEventsStartsAtZero()
    {
        var (lo, hi) = Stats.Wilson(0, 10);
        Assert.Equal(0, lo);
        Assert.Equal(0.2775, hi, 3);
    }

    [Fact]
    public void StandardisedIntervalCoversTheTrueValueAtLeastNominallyInSimulation()
    {
        // Five bands of a commune-sized sample, prevalence rising with age; 2,000 replicates.
        int[] n = [12, 30, 45, 25, 8];
        double[] p = [0.05, 0.15, 0.3, 0.5, 0.65];
        double[] w = [0.3, 0.25, 0.2, 0.15, 0.1];
        var truth = w.Zip(p).Sum(t => t.First * t.Second);
        var rng = new Random(11);
        var covered = 0;
        const int replicates = 2000;
        for (var r = 0; r < replicates; r++)
        {
            double y = 0, v = 0, mean = 0;
            for (var b = 0; b < n.Length; b++)
            {
                var x = 0;
                for (var i = 0; i < n[b]; i++) if (rng.NextDouble() < p[b]) x++;
                y += w[b] * x / n[b];
                v += w[b] * w[b] * x / ((double)n[b] * n[b]);
                mean += w[b] / n[b] / n.Length;
            }
            var (lo, hi) = Stats.FayFeuer(y, v, mean);
            if (truth >= lo && truth <= hi) covered++;
        }
        Assert.InRange((double)covered / replicates, 0.94, 1.0);
    }

    [Fact]
    public void StandardWeightsGiveEighteenAndNineteenTwoFifthsOfTheirBand()
    {
        Assert.Equal(8.47 * 2 / 5, AgeStandard.Weight(15), 9);
        Assert.Equal(0.91 + 0.44 + 0.15 + 0.04 + 0.005, AgeStandard.Weight(80), 9);
        Assert.Equal(["18-19", "20-24", "80+"], new[] { 15, 20, 80 }.Select(AgeStandard.Label));
    }
}
