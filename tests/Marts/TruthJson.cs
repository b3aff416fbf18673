using System.Text.Json;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Reads the generator's truth.json (format hssk-truth/1): one object per snapshot with the expected
/// counts per commune, legacy district and province.</summary>
sealed record TruthSnapshot(string SnapshotId, DateOnly AsOf, string CodeSystem, string ProvinceCode, JsonElement Json)
{
    public static IReadOnlyList<TruthSnapshot> All(JsonElement truth) =>
        truth.GetProperty("snapshots").EnumerateArray().Select(s => new TruthSnapshot(
            s.GetProperty("snapshot_id").GetString()!, DateOnly.Parse(s.GetProperty("as_of").GetString()!),
            s.GetProperty("admin_codes").GetString()!, s.GetProperty("province_code").GetString()!, s)).ToList();

    public bool Legacy => CodeSystem == "legacy";

    public IEnumerable<(string Code, JsonElement Counts)> Communes =>
        Json.GetProperty("communes").EnumerateObject().Select(p => (p.Name, p.Value));

    public IEnumerable<(string Code, JsonElement Counts)> Districts =>
        Json.TryGetProperty("districts", out var d) ? d.EnumerateObject().Select(p => (p.Name, p.Value)) : [];

    public JsonElement Province => Json.GetProperty("province");

    public long UnknownWardRecords => Json.GetProperty("unknown_ward_records").GetInt64();

    /// <summary>The count names of a unit object (everything except population).</summary>
    public static IEnumerable<(string Name, long Value)> Counts(JsonElement unit) =>
        unit.EnumerateObject().Where(p => p.Name != "population").Select(p => (p.Name, p.Value.GetInt64()));

    public static long? Population(JsonElement unit) =>
        unit.GetProperty("population") is { ValueKind: JsonValueKind.Number } p ? p.GetInt64() : null;

    /// <summary>(6)/(3) × 100 rounded half away from zero to 2 decimals, computed independently of the product.</summary>
    public static decimal? Coverage(JsonElement unit) =>
        Population(unit) is { } pop and > 0
            ? Math.Round(unit.GetProperty("managed").GetInt64() * 100m / pop, 2, MidpointRounding.AwayFromZero)
            : null;
}
