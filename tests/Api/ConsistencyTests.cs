using System.Globalization;
using System.Text.Json;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>Numbers agree everywhere they appear: the API's commune list and the command line's appendix rows.</summary>
[Collection("warehouse")]
public sealed class ConsistencyTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    [Fact]
    public async Task ApiAndCommandLineGiveTheSameAppendixRowsForEverySnapshot()
    {
        var cliDb = fixture.CopyDatabase();
        var client = api.As(ApiFactory.Leadership);
        var snapshots = JsonDocument.Parse(await client.GetStringAsync("/api/snapshots")).RootElement
            .EnumerateArray().Where(s => s.GetProperty("codeSystem").GetString() == "2025")
            .Select(s => s.GetProperty("snapshotId").GetString()!).ToList();
        Assert.NotEmpty(snapshots);
        foreach (var snapshot in snapshots)
        {
            var json = JsonDocument.Parse(await client.GetStringAsync($"/api/coverage/communes?parent={api.Province}&snapshot={snapshot}")).RootElement;
            var fromApi = json.GetProperty("rows").EnumerateArray().Append(json.GetProperty("total"))
                .Select(r => string.Join('|', r.GetProperty("code").GetString(), Num(r, "population"), Num(r, "recordsLinked"),
                    Num(r, "examined"), Num(r, "managed"), Pct(r.GetProperty("coveragePct"))))
                .Order(StringComparer.Ordinal).ToList();

            var output = new StringWriter();
            Assert.Equal(0, Commands.Run(["coverage", "--db", cliDb, "--parent", api.Province, "--snapshot", snapshot], output, new StringWriter()));
            var lines = output.ToString().Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
            var header = lines[0].Split(',').ToList();
            var fromCli = lines.Skip(1).Select(l => l.Split(','))
                .Select(c => string.Join('|', c[header.IndexOf("code")], c[header.IndexOf("population")], c[header.IndexOf("recordsLinked")],
                    c[header.IndexOf("examined")], c[header.IndexOf("managed")], c[header.IndexOf("coveragePct")]))
                .Order(StringComparer.Ordinal).ToList();

            Assert.True(fromApi.Count > 10);
            Assert.Equal(fromApi, fromCli);
        }
    }

    static string Num(JsonElement row, string name) =>
        row.GetProperty(name).ValueKind == JsonValueKind.Null ? "" : row.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture);

    static string Pct(JsonElement v) =>
        v.ValueKind == JsonValueKind.Null ? "" : v.GetDouble().ToString("0.00", CultureInfo.InvariantCulture);
}
