using System.Text;

namespace HoSoSucKhoe.Warehouse.Reference;

/// <summary>An administrative unit in one code system, valid over [ValidFrom, ValidTo).</summary>
public sealed record AdminUnit(
    string CodeSystem, string Level, string Code, string? ParentCode, string ProvinceCode,
    string Name, string FullName, string UnitType, DateOnly ValidFrom, DateOnly? ValidTo);

/// <summary>Old (legacy) commune → new (2025) commune; Weight sums to 1 per old code.</summary>
public sealed record BridgeLink(string OldCode, string NewCode, string Link, double Weight);

/// <summary>2025 population of a current commune (no row = no denominator).</summary>
public sealed record CommunePopulation(string WardCode, int Year, long Population);

/// <summary>
/// Compact reference files derived by tools/refdata/derive.py (docs/reference-data.md) and embedded in
/// this assembly, so the product needs nothing outside itself at run time. Sources and licences: THIRD-PARTY-NOTICES.md.
/// </summary>
public sealed class ReferenceData
{
    public const string System2025 = "2025";
    public const string SystemLegacy = "legacy";
    public static readonly DateOnly ReformDate = new(2025, 7, 1);

    public required IReadOnlyList<AdminUnit> Units { get; init; }
    public required IReadOnlyList<BridgeLink> Bridge { get; init; }
    public required IReadOnlyList<CommunePopulation> Population { get; init; }

    static readonly Lazy<ReferenceData> Shared = new(Read);

    public static ReferenceData Load() => Shared.Value;

    /// <summary>Units of a code system in force on a date.</summary>
    public IEnumerable<AdminUnit> InForce(string codeSystem, DateOnly on) =>
        Units.Where(u => u.CodeSystem == codeSystem && u.ValidFrom <= on && (u.ValidTo is null || on < u.ValidTo));

    static ReferenceData Read()
    {
        var units = new List<AdminUnit>();
        foreach (var (file, system) in new[] { ("units_2025.csv", System2025), ("units_legacy.csv", SystemLegacy) })
            foreach (var f in ReadCsv(file))
                units.Add(new AdminUnit(system, f["level"], f["code"], NullIfEmpty(f["parent_code"]), f["province_code"],
                    f["name"], f["full_name"], f["unit_type"], DateOnly.Parse(f["valid_from"]),
                    NullIfEmpty(f["valid_to"]) is { } to ? DateOnly.Parse(to) : null));
        var bridge = ReadCsv("bridge.csv")
            .Select(f => new BridgeLink(f["old_code"], f["new_code"], f["link"], double.Parse(f["weight"], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var population = ReadCsv("population_2025.csv")
            .Select(f => new CommunePopulation(f["ward_code"], int.Parse(f["year"]), long.Parse(f["population"])))
            .ToList();
        return new ReferenceData { Units = units, Bridge = bridge, Population = population };
    }

    static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    static IEnumerable<Dictionary<string, string>> ReadCsv(string name)
    {
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream("Reference." + name)
            ?? throw new InvalidOperationException($"Embedded reference file {name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = SplitCsv(reader.ReadLine() ?? "");
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var cells = SplitCsv(line);
            var row = new Dictionary<string, string>(header.Count);
            for (var i = 0; i < header.Count; i++) row[header[i]] = i < cells.Count ? cells[i] : "";
            yield return row;
        }
    }

    /// <summary>RFC 4180 line split (fields may be quoted, quotes doubled); reference files have no embedded newlines.</summary>
    internal static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        cells.Add(sb.ToString());
        return cells;
    }
}
