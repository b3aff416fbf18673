using System.Text;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// The "official" denominators written to population.csv: permanent residents as simulated (counted before deaths,
/// without migrants, each person once) by five-year band and sex, for year 2025 per 2025 commune with a real
/// population and for each legacy year per legacy commune. Ages are taken on 1 July of the year.
/// </summary>
internal sealed class Denominators
{
    const int Cells = AgeBands.Count * 2;

    readonly long[]?[] _communes;                       // 2025 commune → band×sex counts (null: no denominator)
    readonly SortedDictionary<int, long[]?[]> _legacy = []; // year → legacy commune → counts

    public IReadOnlyList<int> LegacyYears => [.. _legacy.Keys];

    Denominators(int communes) => _communes = new long[]?[communes];

    public static Denominators Build(SimulatedPopulation pop, ProvinceFrame frame, int firstLegacyYear)
    {
        var d = new Denominators(frame.Communes.Length);
        for (var c = 0; c < frame.Communes.Length; c++)
            if (frame.Population[c] is not null) d._communes[c] = new long[Cells];
        for (var year = Math.Min(firstLegacyYear, 2024); year <= 2024; year++) d._legacy[year] = new long[]?[frame.LegacyCommunes.Length];

        foreach (ref readonly var p in pop.Persons.AsSpan())
        {
            if (p.Residence != 1 || p.Sex is not (1 or 2)) continue;
            var sexOffset = p.Sex - 1;
            if (d._communes[p.Commune] is { } counts)
                counts[AgeBands.Of(Calendar.AgeAt(p.BirthDate, Calendar.Census)) * 2 + sexOffset]++;
            if (p.Legacy < 0) continue;
            foreach (var (year, wards) in d._legacy)
            {
                var age = Calendar.AgeAt(p.BirthDate, new DateOnly(year, 7, 1));
                if (age < 0) continue;
                (wards[p.Legacy] ??= new long[Cells])[AgeBands.Of(age) * 2 + sexOffset]++;
            }
        }
        return d;
    }

    /// <summary>The denominator of docs/definitions.md: the unit's rows for year(D), else the latest earlier year.</summary>
    public long? For(bool legacy, int ward, DateOnly asOf)
    {
        if (!legacy) return asOf.Year >= 2025 ? Sum(_communes[ward]) : null;
        long? found = null;
        foreach (var (year, wards) in _legacy)
            if (year <= asOf.Year) found = Sum(wards[ward]);
        return found;
    }

    static long? Sum(long[]? counts) => counts?.Sum();

    public void WriteCsv(string path, ProvinceFrame frame)
    {
        var sb = new StringBuilder("ward_code,year,population,permanent_population,age_band,sex\n");
        void Rows(string code, int year, long[] counts)
        {
            for (var band = 0; band < AgeBands.Count; band++)
                for (var sex = 1; sex <= 2; sex++)
                {
                    var n = counts[band * 2 + sex - 1];
                    sb.Append($"{code},{year},{n},{n},{AgeBands.Label(band)},{sex}\n");
                }
        }
        for (var c = 0; c < frame.Communes.Length; c++)
            if (_communes[c] is { } counts) Rows(frame.Communes[c], 2025, counts);
        foreach (var (year, wards) in _legacy)
            for (var w = 0; w < wards.Length; w++)
                if (wards[w] is { } counts) Rows(frame.LegacyCommunes[w], year, counts);
        var temp = path + ".partial";
        File.WriteAllText(temp, sb.ToString(), new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}
