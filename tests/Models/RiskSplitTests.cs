using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Models;

public sealed class RiskSplitTests
{
    static List<LoadedSnapshot> Monthly(int year, int month, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var first = new DateOnly(year, month, 1).AddMonths(i);
            var end = first.AddMonths(1).AddDays(-1);
            return new LoadedSnapshot($"12-{end:yyyy-MM-dd}", "12", end, "2025");
        }).ToList();

    [Fact]
    public void TrainingLabelsAreAllObservedByTheTestFeatureDateAndHorizonsAreBalanced()
    {
        var split = RiskModel.ChooseSplit(Monthly(2024, 10, 12))!;
        Assert.True(split.OutOfTime);
        Assert.Equal(new DateOnly(2024, 10, 31), split.TrainFeatures.AsOf);
        Assert.Equal(new DateOnly(2025, 4, 30), split.TrainLabel.AsOf);
        Assert.Same(split.TrainLabel, split.TestFeatures);
        Assert.Equal(new DateOnly(2025, 9, 30), split.TestLabel.AsOf);
    }

    [Fact]
    public void LongHistoryUsesTwelveMonthHorizons()
    {
        var split = RiskModel.ChooseSplit(Monthly(2022, 1, 48))!;
        Assert.True(split.TestLabel.AsOf.AddDays(-365) >= split.TestFeatures.AsOf);
        Assert.InRange(split.TestLabel.AsOf.DayNumber - split.TestFeatures.AsOf.DayNumber, 365, 396);
        Assert.InRange(split.TrainLabel.AsOf.DayNumber - split.TrainFeatures.AsOf.DayNumber, 365, 396);
    }

    [Fact]
    public void TwoSnapshotsAreNotOutOfTimeAndOneIsNothing()
    {
        Assert.False(RiskModel.ChooseSplit(Monthly(2025, 1, 2))!.OutOfTime);
        Assert.Null(RiskModel.ChooseSplit(Monthly(2025, 1, 1)));
    }
}
