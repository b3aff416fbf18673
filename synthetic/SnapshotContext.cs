using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Synthetic;

/// <summary>Everything fixed for one snapshot: its date, code system, ids and which ward codes are known.</summary>
internal sealed class SnapshotContext
{
    public required SimulatedPopulation Population { get; init; }
    public required ProvinceFrame Frame { get; init; }
    public required CommuneProfile[] Profiles { get; init; }
    public required GeneratorRates Rates { get; init; }
    public required DateOnly AsOf { get; init; }
    public required bool Legacy { get; init; }
    public required string ProvinceCode { get; init; }
    public required string RecordPrefix { get; init; }
    /// <summary>Per ward index of the code system: the ward is a commune in force on the date.</summary>
    public required bool[] WardKnown { get; init; }
    public required bool[] DuplicateCitizen { get; init; }
    public required bool[] ProbableDuplicate { get; init; }

    public int Day => AsOf.DayNumber;
    public string CodeSystem => Legacy ? ReferenceData.SystemLegacy : ReferenceData.System2025;
    public string SnapshotId => $"{ProvinceCode}-{AsOf:yyyy-MM-dd}";
    public string[] Wards => Legacy ? Frame.LegacyCommunes : Frame.Communes;

    /// <summary>Ward index in this snapshot's code system, or -1 when the record's ward is not one of the province's communes.</summary>
    public int WardOf(in RecordSlot r) => Moved(r) ? (Legacy ? r.MoveLegacy : r.MoveCommune) : Legacy ? r.Legacy : r.Commune;

    /// <summary>Whether the record's person has moved commune by this snapshot's date.</summary>
    public bool Moved(in RecordSlot r) => r.MoveDay <= Day;

    public string WardCode(in RecordSlot r)
    {
        var ward = WardOf(r);
        return ward >= 0 ? Wards[ward] : ProvinceFrame.UnknownWardCodes[Math.Max((sbyte)0, r.UnknownWard)];
    }

    public string RecordId(int record) => RecordPrefix + (record + 1).ToString("D9");

    public static SnapshotContext Create(ReferenceData reference, SimulatedPopulation population, ProvinceFrame frame,
        CommuneProfile[] profiles, GeneratorRates rates, DateOnly asOf)
    {
        var legacy = asOf < ReferenceData.ReformDate;
        var system = legacy ? ReferenceData.SystemLegacy : ReferenceData.System2025;
        var inForce = reference.InForce(system, asOf).Where(ProvinceFrame.IsCommune).Select(u => u.Code).ToHashSet();
        var wards = legacy ? frame.LegacyCommunes : frame.Communes;
        var context = new SnapshotContext
        {
            Population = population,
            Frame = frame,
            Profiles = profiles,
            Rates = rates,
            AsOf = asOf,
            Legacy = legacy,
            ProvinceCode = legacy ? population.LegacyProvinceCode : frame.ProvinceCode,
            RecordPrefix = "HS" + frame.ProvinceCode,
            WardKnown = wards.Select(inForce.Contains).ToArray(),
            DuplicateCitizen = new bool[population.Records.Length],
            ProbableDuplicate = new bool[population.Records.Length],
        };
        if (ProvinceFrame.UnknownWardCodes.Any(inForce.Contains))
            throw new InvalidOperationException("An 'unknown ward' code of the generator is a real commune code.");
        DuplicateIndex.Mark(context);
        return context;
    }
}
