using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Everyone simulated in the province and every record they will ever have, in compact arrays. Records are ordered
/// by the person's 2025 commune, then person, then kind; <see cref="CommuneRecordStart"/> delimits each commune.
/// </summary>
internal sealed class SimulatedPopulation
{
    public required Person[] Persons { get; init; }
    public required RecordSlot[] Records { get; init; }
    public required string?[] CitizenIds { get; init; }
    public required int[] CommuneRecordStart { get; init; }
    public required int[] CommunePersonCount { get; init; }
    /// <summary>The old province most of the province's permanent residents lived in (legacy manifests).</summary>
    public required string LegacyProvinceCode { get; init; }

    public static SimulatedPopulation Build(
        ProvinceFrame frame, CommuneProfile[] profiles, double scale, GeneratorRates rates, byte[] legacyProvinces,
        IProgress<ProgressUpdate>? progress)
    {
        var n = frame.Communes.Length;
        var known = frame.Population.Where(p => p is not null).Select(p => p!.Value).Order().ToArray();
        var median = known.Length > 0 ? known[known.Length / 2] : 10_000;
        var northwest = frame.ProvinceCode is "11" or "12" or "14";
        var personFactory = new PersonFactory(frame, rates, legacyProvinces, northwest);
        var recordFactory = new RecordFactory(frame, rates);

        var persons = new Person[n][];
        var records = new RecordSlot[n][];
        Parallel.For(0, n, c =>
        {
            var population = frame.Population[c];
            var permanent = population is { } pop
                ? Math.Max(1, (int)Math.Round(pop * scale))
                : Math.Max(1, (int)Math.Round(median * scale * rates.NoPopulationCommuneFactor));
            var migrants = (int)Math.Round(permanent * profiles[c].MigrantShare);
            var people = new Person[permanent + migrants];
            var slots = new List<RecordSlot>(people.Length + people.Length / 50);
            for (var k = 0; k < people.Length; k++)
            {
                people[k] = personFactory.Make(Rng.Mix(profiles[c].Seed + (ulong)k * 0x9E3779B97F4A7C15UL), c, migrant: k >= permanent);
                recordFactory.Make(people[k], k, profiles[c], slots);
            }
            persons[c] = people;
            records[c] = [.. slots];
        });

        var personStart = 0;
        var allPersons = new Person[persons.Sum(p => p.Length)];
        var allRecords = new RecordSlot[records.Sum(r => r.Length)];
        var recordStart = new int[n + 1];
        var r = 0;
        for (var c = 0; c < n; c++)
        {
            persons[c].CopyTo(allPersons, personStart);
            recordStart[c] = r;
            foreach (var slot in records[c])
            {
                var s = slot;
                s.Person += personStart;
                allRecords[r++] = s;
            }
            personStart += persons[c].Length;
        }
        recordStart[n] = r;
        progress?.Report(new ProgressUpdate(string.Create(VietnameseText.Culture, $"Đã mô phỏng {allPersons.Length:N0} người, {allRecords.Length:N0} hồ sơ tiềm năng."), 0));

        return new SimulatedPopulation
        {
            Persons = allPersons,
            Records = allRecords,
            CitizenIds = AssignCitizenIds(allPersons, allRecords, rates),
            CommuneRecordStart = recordStart,
            CommunePersonCount = persons.Select(p => p.Length).ToArray(),
            LegacyProvinceCode = MajorityLegacyProvince(frame, allPersons),
        };
    }

    /// <summary>Serial pass in record order, so CCCD serials do not depend on thread scheduling.</summary>
    static string?[] AssignCitizenIds(Person[] persons, RecordSlot[] records, GeneratorRates rates)
    {
        var counters = new Dictionary<int, int>();
        var ids = new string?[records.Length];
        var personId = new string?[persons.Length];
        for (var i = 0; i < records.Length; i++)
        {
            ref readonly var slot = ref records[i];
            ref readonly var p = ref persons[slot.Person];
            if (slot.Kind == RecordKind.Primary)
            {
                var rng = Rng.Derive(p.Seed, 0xC1D);
                personId[slot.Person] = p.Citizen switch
                {
                    CitizenKind.Missing => null,
                    CitizenKind.Cmnd => IdentityText.Cmnd(p.BirthProvince, Next(counters, IdentityText.CmndCell(p.BirthProvince))),
                    _ => NextCccd(counters, p),
                };
                if (p.Citizen == CitizenKind.Malformed) personId[slot.Person] = IdentityText.Malformed(ref rng, personId[slot.Person]!);
            }
            var own = personId[slot.Person];
            if (slot.Kind == RecordKind.ProbableDuplicate)
            {
                var rng = Rng.Derive(slot.Seed, 0xC1D);
                own = own is { Length: 12 } && !rng.Chance(rates.ProbableDuplicateMissingCitizen) ? IdentityText.Mistyped(ref rng, own) : null;
            }
            ids[i] = own;
        }
        return ids;
    }

    static string NextCccd(Dictionary<int, int> counters, in Person p) =>
        IdentityText.Cccd(p.BirthProvince, p.Sex, p.BirthDate, Next(counters, IdentityText.CccdCell(p.BirthProvince, p.Sex, p.BirthDate)));

    static int Next(Dictionary<int, int> counters, int cell)
    {
        counters.TryGetValue(cell, out var k);
        counters[cell] = k + 1;
        return k;
    }

    static string MajorityLegacyProvince(ProvinceFrame frame, Person[] persons)
    {
        var counts = new Dictionary<string, int>();
        foreach (ref readonly var p in persons.AsSpan())
            if (p.Residence == 1 && p.Legacy >= 0)
                counts[frame.LegacyProvince[p.Legacy]] = counts.GetValueOrDefault(frame.LegacyProvince[p.Legacy]) + 1;
        return counts.Count == 0
            ? frame.ProvinceCode
            : counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
    }
}
