namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// The two snapshot-wide duplicate rules of docs/definitions.md over the records that exist on the date:
/// records sharing a citizen_id (all of them), and records sharing normalised name + birth_date + ward_code with
/// another record whose citizen id differs or is missing (null names and birth dates never match).
/// </summary>
internal static class DuplicateIndex
{
    public static void Mark(SnapshotContext ctx)
    {
        var records = ctx.Population.Records;
        var ids = ctx.Population.CitizenIds;
        var day = ctx.Day;

        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < records.Length; r++)
            if (records[r].Created <= day && ids[r] is { } id) shared[id] = shared.GetValueOrDefault(id) + 1;
        for (var r = 0; r < records.Length; r++)
            if (records[r].Created <= day && ids[r] is { } id && shared[id] > 1) ctx.DuplicateCitizen[r] = true;

        var keyed = new List<(Key Key, int Record)>();
        for (var r = 0; r < records.Length; r++)
        {
            ref readonly var slot = ref records[r];
            if (slot.Created > day || slot.Spelling == NameSpelling.Missing) continue;
            ref readonly var p = ref ctx.Population.Persons[slot.Person];
            if (!p.Has(PersonFlags.BirthDateKnown)) continue;
            var (f, m, g) = p.NormalNameKey;
            var ward = ctx.WardOf(slot);
            keyed.Add((new Key(f, m, g, p.BirthDay, ward >= 0 ? ward : -1 - Math.Max((sbyte)0, slot.UnknownWard)), r));
        }
        keyed.Sort((a, b) => a.Key.CompareTo(b.Key) is var c && c != 0 ? c : a.Record.CompareTo(b.Record));
        for (var start = 0; start < keyed.Count;)
        {
            var end = start + 1;
            while (end < keyed.Count && keyed[end].Key.Equals(keyed[start].Key)) end++;
            for (var i = start; i < end && end - start > 1; i++)
            {
                var mine = ids[keyed[i].Record];
                for (var j = start; j < end; j++)
                {
                    if (i == j) continue;
                    var other = ids[keyed[j].Record];
                    if (mine is null || other is null || mine != other) { ctx.ProbableDuplicate[keyed[i].Record] = true; break; }
                }
            }
            start = end;
        }
    }

    readonly record struct Key(int Family, int Middle, int Given, int BirthDay, int Ward) : IComparable<Key>
    {
        public int CompareTo(Key o)
        {
            var c = Family.CompareTo(o.Family);
            if (c == 0) c = Middle.CompareTo(o.Middle);
            if (c == 0) c = Given.CompareTo(o.Given);
            if (c == 0) c = BirthDay.CompareTo(o.BirthDay);
            return c != 0 ? c : Ward.CompareTo(o.Ward);
        }
    }
}
