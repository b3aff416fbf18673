namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// Matched episodes on disk between reading and writing, in reading order: what keeps memory independent of the batch
/// size (only the encounter ids and a few bytes per episode stay in memory).
/// </summary>
internal sealed class Spool : IDisposable
{
    readonly string _path;
    readonly BinaryWriter _writer;

    public Spool(string path)
    {
        _path = path;
        _writer = new BinaryWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20));
    }

    public void Write(int seq, int record, Episode e)
    {
        var w = _writer;
        w.Write(seq);
        w.Write(record);
        w.Write(e.EncounterId);
        w.Write(e.Facility);
        w.Write(e.VisitTime);
        w.Write(e.Kind);
        Str(e.IcdMain);
        Str(e.IcdOther);
        w.Write(e.Weight ?? float.NaN);
        w.Write(e.Height ?? float.NaN);
        w.Write(e.Waist ?? float.NaN);
        w.Write(e.Systolic ?? 0);
        w.Write(e.Diastolic ?? 0);
        w.Write(e.Labs.Count);
        foreach (var l in e.Labs) { w.Write(l.Time); w.Write(l.Test); w.Write(l.Value); Str(l.Unit); }
        w.Write(e.Meds.Count);
        foreach (var m in e.Meds) { w.Write(m.Time); w.Write(m.Name); Str(m.Ingredient); w.Write(m.DaysSupply ?? 0); }
    }

    void Str(string? s)
    {
        _writer.Write(s is not null);
        if (s is not null) _writer.Write(s);
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Reads the spool back in order.</summary>
    public static IEnumerable<SpooledEpisode> Read(string path)
    {
        using var r = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20));
        string? Str() => r.ReadBoolean() ? r.ReadString() : null;
        while (r.BaseStream.Position < r.BaseStream.Length)
        {
            var e = new SpooledEpisode
            {
                Seq = r.ReadInt32(), Record = r.ReadInt32(), EncounterId = r.ReadString(), Facility = r.ReadString(),
                VisitTime = r.ReadInt64(), Kind = r.ReadString(), IcdMain = Str(), IcdOther = Str(), Weight = r.ReadSingle(),
                Height = r.ReadSingle(), Waist = r.ReadSingle(),
                Systolic = r.ReadInt16(), Diastolic = r.ReadInt16(),
            };
            var labs = r.ReadInt32();
            for (var i = 0; i < labs; i++) e.Labs.Add(new LabItem(r.ReadInt64(), r.ReadString(), r.ReadString(), Str()));
            var meds = r.ReadInt32();
            for (var i = 0; i < meds; i++)
            {
                var (time, name, ingredient, days) = (r.ReadInt64(), r.ReadString(), Str(), r.ReadInt16());
                e.Meds.Add(new MedItem(time, name, ingredient, days == 0 ? null : days));
            }
            yield return e;
        }
    }
}

internal sealed class SpooledEpisode
{
    public int Seq, Record;
    public required string EncounterId, Facility, Kind;
    public long VisitTime;
    public string? IcdMain, IcdOther;
    public float Weight, Height, Waist;
    public short Systolic, Diastolic;
    public List<LabItem> Labs { get; } = [];
    public List<MedItem> Meds { get; } = [];
}
