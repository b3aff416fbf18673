using System.Globalization;
using System.Text.Json;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>The <c>coverage</c> verb on a private copy of the fixture's warehouse.</summary>
[Collection("warehouse")]
public sealed class CoverageCommandTests(WarehouseFixture fixture)
{
    readonly string db = fixture.CopyDatabase();
    readonly IReadOnlyList<TruthSnapshot> snapshots = TruthSnapshot.All(fixture.Truth);

    (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Commands.Run(["coverage", "--db", db, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    static List<Dictionary<string, string>> Csv(string text)
    {
        var lines = text.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    static void AssertRow(Dictionary<string, string> row, JsonElement truth)
    {
        var where = row["code"];
        Assert.True(TruthSnapshot.Population(truth)?.ToString(CultureInfo.InvariantCulture) == row["population"] ||
                    (TruthSnapshot.Population(truth) is null && row["population"] == ""), $"{where} population {row["population"]}");
        foreach (var (name, column) in new[] { ("records_linked", "recordsLinked"), ("examined", "examined"), ("managed", "managed") })
            Assert.Equal(truth.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture), row[column]);
        Assert.Equal(TruthSnapshot.Coverage(truth)?.ToString("0.00", CultureInfo.InvariantCulture) ?? "", row["coveragePct"]);
        Assert.Matches(@"^(\d+\.\d{2})?$", row["coveragePct"]);
        Assert.Equal(TruthSnapshot.Population(truth) is { } p && truth.GetProperty("managed").GetInt64() > p ? "true" : "false", row["over100"]);
        Assert.Equal(TruthSnapshot.Population(truth) is null ? "true" : "false", row["noDenominator"]);
    }

    [Fact]
    public void CsvListsTheCommunesOfTheProvinceAndTheTotalRowOfTheLatestSnapshot()
    {
        var (code, output, error) = Run("--parent", fixture.Options.ProvinceCode);
        Assert.True(code == 0, error);
        var rows = Csv(output);
        var latest = snapshots[^1];
        Assert.Equal(latest.Communes.Count() + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(latest.SnapshotId, r["snapshotId"]));
        foreach (var (commune, counts) in latest.Communes)
            AssertRow(rows.Single(r => r["code"] == commune && r["level"] == "commune"), counts);
        var total = rows[^1];
        Assert.Equal(("province", fixture.Options.ProvinceCode), (total["level"], total["code"]));
        AssertRow(total, latest.Province);
        Assert.Contains("gap_90_2025", rows[0].Keys);
        Assert.Contains("meets_95_2030", rows[0].Keys);
    }

    [Fact]
    public void LegacyDistrictListsItsOldCommunesForALegacySnapshot()
    {
        var legacy = snapshots.First(s => s.Legacy);
        var (district, counts) = legacy.Districts.First();
        var (code, output, error) = Run("--parent", district, "--snapshot", legacy.SnapshotId);
        Assert.True(code == 0, error);
        var rows = Csv(output);
        foreach (var row in rows.SkipLast(1))
            AssertRow(row, legacy.Communes.Single(c => c.Code == row["code"]).Counts);
        Assert.Equal(("district", district), (rows[^1]["level"], rows[^1]["code"]));
        AssertRow(rows[^1], counts);
    }

    [Fact]
    public void JsonFormatGivesAnArrayWithTheSameFigures()
    {
        var (code, output, error) = Run("--parent", fixture.Options.ProvinceCode, "--format", "json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        var latest = snapshots[^1];
        Assert.Equal(latest.Communes.Count() + 1, rows.Count);
        foreach (var row in rows)
        {
            var truth = row.GetProperty("level").GetString() == "province"
                ? latest.Province
                : latest.Communes.Single(c => c.Code == row.GetProperty("code").GetString()).Counts;
            Assert.Equal(truth.GetProperty("managed").GetInt64(), row.GetProperty("managed").GetInt64());
            if (TruthSnapshot.Coverage(truth) is { } pct)
            {
                Assert.Equal(pct, row.GetProperty("coveragePct").GetDecimal());
                Assert.Matches(@"^\d+\.\d{2}$", row.GetProperty("coveragePct").GetRawText());
            }
            else Assert.Equal(JsonValueKind.Null, row.GetProperty("coveragePct").ValueKind);
        }
    }

    [Theory]
    [InlineData("--parent", "99", null, null, "--parent")]
    [InlineData("--parent", "2x", null, null, "--parent")]
    [InlineData("--parent", "20", "--snapshot", "no-such-snapshot", "--snapshot")]
    [InlineData("--parent", "20", "--format", "xml", "--format")]
    [InlineData("--parent", "20", "--colour", "red", "--colour")]
    public void UserErrorsGiveOneVietnameseMessageNamingTheParameterAndExitCode2(string k1, string v1, string? k2, string? v2, string named)
    {
        string[] args = k2 is null ? [k1, v1] : [k1, v1, k2, v2!];
        var (code, output, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(named, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void MissingDatabaseAndMissingParentAreUserErrors()
    {
        var error = new StringWriter();
        Assert.Equal(2, Commands.Run(["coverage", "--db", Path.Combine(fixture.Root, "none.duckdb"), "--parent", "20"], new StringWriter(), error));
        Assert.Contains("--db", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, Commands.Run(["coverage", "--db", db], new StringWriter(), error));
        Assert.Contains("--parent", error.ToString());
    }
}
