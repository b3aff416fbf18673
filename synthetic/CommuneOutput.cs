namespace HoSoSucKhoe.Synthetic;

/// <summary>One commune's rows (as finished Arrow batches) and truth counters for one snapshot.</summary>
internal sealed class CommuneOutput
{
    public PersonsTable Persons { get; } = new();
    public EncountersTable Encounters { get; } = new();
    public LabsTable Labs { get; } = new();
    public MedicationsTable Medications { get; } = new();
    /// <summary>Counters by ward index of the snapshot's code system (known wards only).</summary>
    public Dictionary<int, WardTally> Wards { get; } = [];
    public long UnknownWardRecords { get; set; }

    public WardTally Ward(int ward)
    {
        if (!Wards.TryGetValue(ward, out var t)) Wards[ward] = t = new WardTally();
        return t;
    }

    public void Finish()
    {
        Persons.Flush();
        Encounters.Flush();
        Labs.Flush();
        Medications.Flush();
    }
}
