namespace HoSoSucKhoe.Synthetic;

/// <summary>Writes one commune's records (those created by the date) and their history, and counts its truth.</summary>
internal static class SnapshotProducer
{
    public static CommuneOutput Produce(SnapshotContext ctx, int commune)
    {
        var output = new CommuneOutput();
        var history = new HistoryBuffer();
        var pop = ctx.Population;
        var profile = ctx.Profiles[commune];
        var day = ctx.Day;
        for (var r = pop.CommuneRecordStart[commune]; r < pop.CommuneRecordStart[commune + 1]; r++)
        {
            ref readonly var rec = ref pop.Records[r];
            if (rec.Created > day) continue;
            ref readonly var p = ref pop.Persons[rec.Person];
            var traits = PersonTraits.Of(p);
            history.Clear();
            if (rec.Kind == RecordKind.Primary)
            {
                VisitSchedule.Plan(p, traits, profile, ctx.Rates, day, history);
                VisitContent.Fill(p, traits, profile, ctx.Rates, history);
            }
            var lastVisit = history.Visits.Count > 0 ? history.Visits[^1].Day : Calendar.Never;
            var row = RecordView.Build(ctx, r, traits, lastVisit);
            output.Persons.Append(row);
            WriteHistory(ctx, r, row.RecordId, history, output);

            var ward = ctx.WardOf(rec);
            if (ward >= 0 && ctx.WardKnown[ward]) RecordTruth.Tally(ctx, r, row, history, output.Ward(ward));
            else output.UnknownWardRecords++;
        }
        output.Finish();
        return output;
    }

    static void WriteHistory(SnapshotContext ctx, int r, string recordId, HistoryBuffer history, CommuneOutput output)
    {
        if (history.Visits.Count == 0) return;
        var ids = new string[history.Visits.Count];
        var prefix = ctx.Frame.ProvinceCode + (r + 1).ToString("D9");
        for (var i = 0; i < ids.Length; i++)
        {
            var v = history.Visits[i];
            ids[i] = $"{prefix}{"CSGX"[(int)v.Stream]}{v.Index:D3}";
            output.Encounters.Append(ids[i], recordId, v);
        }
        foreach (var lab in history.Labs) output.Labs.Append(ids[lab.Visit], recordId, lab);
        foreach (var med in history.Meds) output.Medications.Append(ids[med.Visit], recordId, med);
    }
}
