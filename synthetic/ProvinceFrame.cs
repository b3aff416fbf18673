using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// The slice of the reference data one province needs: its 2025 communes with their populations, and the legacy
/// communes that merged into them (through the bridge) with their districts and old provinces.
/// </summary>
internal sealed class ProvinceFrame
{
    public required string ProvinceCode { get; init; }
    /// <summary>2025 commune codes of the province, ascending.</summary>
    public required string[] Communes { get; init; }
    /// <summary>Real 2025 population per commune, null where the reference has none.</summary>
    public required long?[] Population { get; init; }
    /// <summary>Legacy commune codes that the province's people can live in, ascending.</summary>
    public required string[] LegacyCommunes { get; init; }
    public required string[] LegacyDistrict { get; init; }
    public required string[] LegacyProvince { get; init; }
    /// <summary>Per 2025 commune: legacy commune indices and the cumulative bridge weights to pick one.</summary>
    public required (int[] Legacy, double[] Cumulative)[] Candidates { get; init; }

    public static bool IsCommune(AdminUnit u) => u.Level == "commune";

    public static ProvinceFrame Build(ReferenceData reference, string provinceCode)
    {
        var communes = reference.Units
            .Where(u => u.CodeSystem == ReferenceData.System2025 && IsCommune(u) && u.ProvinceCode == provinceCode)
            .Select(u => u.Code).Distinct().Order(StringComparer.Ordinal).ToArray();
        var population = reference.Population.Where(p => p.Year == 2025)
            .GroupBy(p => p.WardCode).ToDictionary(g => g.Key, g => g.Sum(p => p.Population));
        var legacyUnits = reference.Units
            .Where(u => u.CodeSystem == ReferenceData.SystemLegacy && IsCommune(u))
            .GroupBy(u => u.Code).ToDictionary(g => g.Key, g => g.First());

        var communeSet = communes.ToHashSet();
        var links = reference.Bridge
            .Where(b => communeSet.Contains(b.NewCode) && legacyUnits.ContainsKey(b.OldCode) && b.Weight > 0)
            .ToList();
        var legacyCodes = links.Select(b => b.OldCode).Distinct().Order(StringComparer.Ordinal).ToArray();
        var legacyIndex = legacyCodes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var byNew = links.GroupBy(b => b.NewCode).ToDictionary(g => g.Key,
            g => g.OrderBy(b => b.OldCode, StringComparer.Ordinal).ToList());

        var candidates = new (int[], double[])[communes.Length];
        for (var i = 0; i < communes.Length; i++)
        {
            // Units with no legacy commune (island districts had none) borrow the nearest code's candidates.
            var source = Enumerable.Range(0, communes.Length)
                .OrderBy(j => Math.Abs(int.Parse(communes[j]) - int.Parse(communes[i]))).ThenBy(j => j)
                .Select(j => communes[j]).FirstOrDefault(byNew.ContainsKey);
            if (source is null) { candidates[i] = ([], []); continue; }
            var list = byNew[source];
            var cumulative = new double[list.Count];
            var s = 0.0;
            for (var k = 0; k < list.Count; k++) cumulative[k] = s += list[k].Weight;
            candidates[i] = (list.Select(b => legacyIndex[b.OldCode]).ToArray(), cumulative);
        }

        return new ProvinceFrame
        {
            ProvinceCode = provinceCode,
            Communes = communes,
            Population = communes.Select(c => population.TryGetValue(c, out var p) && p > 0 ? p : (long?)null).ToArray(),
            LegacyCommunes = legacyCodes,
            LegacyDistrict = legacyCodes.Select(c => legacyUnits[c].ParentCode ?? "").ToArray(),
            LegacyProvince = legacyCodes.Select(c => legacyUnits[c].ProvinceCode).ToArray(),
            Candidates = candidates,
        };
    }

    /// <summary>Ward codes that are not communes of either code system, for the unknown-ward defect.</summary>
    public static readonly string[] UnknownWardCodes = ["99990", "99991", "99993", "99997", "99999"];
}
