using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>docs/definitions.md "Projection": least squares over the last 12 months, at least 3 snapshots.</summary>
public sealed class ProjectionTests
{
    static readonly CoverageTarget Ninety = new() { Percent = 90, Year = 2025 };
    static readonly DateOnly Start = new(2025, 1, 31);

    static List<(DateOnly, double)> Line(params double[] ys) => ys.Select((y, i) => (Start.AddDays(30 * i), y)).ToList();

    [Fact]
    public void RisingSeriesGivesTheDateTheLineReachesTheTarget()
    {
        // +5 points every 30 days from 50 %: 90 % at day 240.
        var p = Projection.For(Ninety, Line(50, 55, 60));
        Assert.Equal("projected", p.Status);
        Assert.Equal(Start.AddDays(240), p.Date);
        Assert.True(p.OnTime);
        Assert.Equal(5.0 / 30 * 365.25, p.SlopePerYear!.Value, 6);

        var late = Projection.For(new CoverageTarget { Percent = 90, Year = 2025 }, Line(10, 11, 12));
        Assert.Equal("projected", late.Status);
        Assert.False(late.OnTime);
    }

    [Fact]
    public void FlatOrFallingSeriesHasNoProjection()
    {
        Assert.Equal("not_rising", Projection.For(Ninety, Line(70, 70, 70, 70)).Status);
        var falling = Projection.For(Ninety, Line(80, 78, 75));
        Assert.Equal("not_rising", falling.Status);
        Assert.Null(falling.Date);
        Assert.True(falling.SlopePerYear < 0);
    }

    [Fact]
    public void FewerThanThreeSnapshotsInTheLastTwelveMonthsHaveNoProjection()
    {
        Assert.Equal("too_few_points", Projection.For(Ninety, Line(50, 60)).Status);
        Assert.Equal("too_few_points", Projection.For(Ninety, []).Status);
        // The first point is 13 months before the latest: out of the window.
        List<(DateOnly, double)> old = [(Start.AddMonths(-13), 10), (Start.AddDays(-30), 50), (Start, 55)];
        Assert.Equal("too_few_points", Projection.For(Ninety, old).Status);
    }

    [Fact]
    public void UnitAtTheTargetHasReachedIt()
    {
        var p = Projection.For(Ninety, Line(80, 85, 90));
        Assert.Equal("reached", p.Status);
        Assert.Null(p.Date);
        Assert.Equal("reached", Projection.For(Ninety, Line(101.5)).Status);
    }

    [Fact]
    public void ExtremelySlowRiseIsTooSlowRatherThanACenturyAway()
    {
        Assert.Equal("too_slow", Projection.For(Ninety, Line(10, 10.0001, 10.0002)).Status);
    }
}
