using HoSoSucKhoe.Models.Disclosure;

namespace HoSoSucKhoe.Tests.Disclosure;

/// <summary>The disclosure rule on constructed tables: primary and complementary suppression.</summary>
public sealed class DisclosureRuleTests
{
    static Suppression<string> Row(params (string Key, long Value)[] parts)
    {
        var cells = parts.ToDictionary(p => p.Key, p => p.Value);
        cells["total"] = parts.Sum(p => p.Value);
        return HoSoSucKhoe.Models.Disclosure.Disclosure.Protect(cells, _ => true, [new Relation<string>("total", parts.Select(p => p.Key).ToList())]);
    }

    [Fact]
    public void ThresholdHidesOneToFourNotZeroOrFive()
    {
        Assert.Equal([false, true, true, true, true, false], new long[] { 0, 1, 2, 3, 4, 5 }.Select(n => HoSoSucKhoe.Models.Disclosure.Disclosure.IsSmall(n)));
    }

    [Fact]
    public void ALoneSmallCellHidesTheNextSmallestNonZeroSiblingSoTheTotalCannotGiveItBack()
    {
        var s = Row(("a", 3), ("b", 0), ("c", 12), ("d", 7), ("e", 40));
        Assert.Equal(["a"], s.Primary.Order());
        Assert.Equal(["a", "d"], s.Hidden.Order());
        Assert.False(s.Hides("b"));   // zero is safe and shown
        Assert.False(s.Hides("total"));
    }

    [Fact]
    public void TwoHiddenOnesThatTheTotalWouldPinAreJoinedByAThird()
    {
        var s = Row(("a", 1), ("b", 1), ("c", 9), ("d", 6));
        Assert.Equal(["a", "b", "d"], s.Hidden.Order());
    }

    [Fact]
    public void WithOnlyZeroSiblingsAZeroIsHiddenAndOtherwiseTheTotal()
    {
        var s = Row(("a", 2), ("b", 0), ("c", 0));
        Assert.True(s.Hides("a"));
        Assert.Equal(2, s.Hidden.Count);  // the total itself is 2 and primary; then a zero part goes too
        var alone = HoSoSucKhoe.Models.Disclosure.Disclosure.Protect(new Dictionary<string, long> { ["a"] = 7, ["total"] = 7 }, k => k == "a" || k == "total",
            [new Relation<string>("total", ["a", "hidden-by-nature"])]);
        Assert.Empty(alone.Hidden);        // an unpublished part: the total says nothing about "a"
    }

    [Fact]
    public void OperationalTotalsStayVisibleAndAnUnprotectableRelationIsReported()
    {
        var cells = new Dictionary<string, long> { ["records"] = 3, ["sick"] = 3, ["well"] = 0 };
        var s = HoSoSucKhoe.Models.Disclosure.Disclosure.Protect(cells, k => k == "sick", [new Relation<string>("records", ["sick", "well"])], k => k == "records");
        Assert.False(s.Hides("records"));
        Assert.True(s.Hides("sick") && s.Hides("well"));
        Assert.Empty(s.Unprotected);
        var pinned = HoSoSucKhoe.Models.Disclosure.Disclosure.Protect(new Dictionary<string, long> { ["records"] = 3, ["sick"] = 3 }, k => k == "sick",
            [new Relation<string>("records", ["sick"])], k => k == "records");
        Assert.Single(pinned.Unprotected);
    }

    [Fact]
    public void ComplementarySuppressionPropagatesThroughRowsAndColumnsToAFixpoint()
    {
        // 2 × 3 table with row and column totals; one small cell.
        var cells = new Dictionary<string, long>
        {
            ["r1c1"] = 2, ["r1c2"] = 10, ["r1c3"] = 20, ["r2c1"] = 15, ["r2c2"] = 11, ["r2c3"] = 30,
            ["r1"] = 32, ["r2"] = 56, ["c1"] = 17, ["c2"] = 21, ["c3"] = 50, ["all"] = 88,
        };
        Relation<string>[] relations =
        [
            new("r1", ["r1c1", "r1c2", "r1c3"]), new("r2", ["r2c1", "r2c2", "r2c3"]),
            new("c1", ["r1c1", "r2c1"]), new("c2", ["r1c2", "r2c2"]), new("c3", ["r1c3", "r2c3"]),
            new("all", ["r1", "r2"]), new("all", ["c1", "c2", "c3"]),
        ];
        var s = HoSoSucKhoe.Models.Disclosure.Disclosure.Protect(cells, _ => true, relations);
        foreach (var r in relations)
            Assert.NotEqual(1, r.Parts.Count(s.Hides) + (s.Hides(r.Total) ? 1 : 0));
        Assert.Equal(["r1c1", "r1c2", "r2c1", "r2c2"], s.Hidden.Order());
        Assert.Equal(3, s.Complementary);
    }

    [Fact]
    public void AudienceSeesRawOnlyOfItsOwnCommune()
    {
        Assert.True(new Audience("00001").SeesRaw("00001"));
        Assert.False(new Audience("00001").SeesRaw("00002"));
        Assert.False(Audience.Public.SeesRaw("00001"));
    }
}
