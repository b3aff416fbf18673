namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Which tests a visit orders. Unparseable text and unknown units are injected only into tests outside the
/// diabetes cascade (random glucose, lipids, creatinine), so how a reader treats a defective fasting glucose or
/// HbA1c can never change the cascade counts in truth.json.
/// </summary>
internal static class Labs
{
    public static void Add(ref Rng rng, in Visit v, int visitIndex, VisitContent.State s, byte sex, int age,
        GeneratorRates rates, List<LabRow> into)
    {
        if (age < 18 && v.Kind != "03") return;
        var g = s.Glycaemia;
        double fasting, hba1c, random, lipids, creatinine, local;
        switch (v.Stream)
        {
            case VisitStream.Chronic when s.DmDiagnosed:
                (fasting, hba1c, random, lipids, creatinine, local) = (0.5, 0.2, 0.05, 0.08, 0.08, 0.02); break;
            case VisitStream.Chronic:
                (fasting, hba1c, random, lipids, creatinine, local) = (0.1, 0.01, 0.02, 0.08, 0.08, 0.02); break;
            case VisitStream.Screening:
                (fasting, hba1c, random, lipids, creatinine, local) = (0.6, 0.03, 0.05, 0.02, 0, 0); break;
            default:
                (fasting, hba1c, random, lipids, creatinine, local) = v.Kind == "03"
                    ? (0.2, 0.05, 0.6, 0.3, 0.6, 0.4)
                    : (s.DmDiagnosed ? 0.3 : 0.08, s.DmDiagnosed ? 0.1 : 0.02, 0.08, 0.06, 0.05, 0.04);
                break;
        }
        var minute = 0;
        if (rng.Chance(fasting)) Row(ref rng, v, visitIndex, ref minute, LabReading.FastingGlucose, LabValues.Fasting(ref rng, g), into);
        if (rng.Chance(hba1c)) Row(ref rng, v, visitIndex, ref minute, LabReading.HbA1c, LabValues.HbA1c(ref rng, g), into);
        if (rng.Chance(random)) Defective(ref rng, v, visitIndex, ref minute, LabReading.RandomGlucose, LabValues.RandomGlucose(ref rng, g), rates, into);
        if (rng.Chance(lipids))
            foreach (var test in (ReadOnlySpan<string>)["CHOL_TOTAL", "LDL", "HDL", "TG"])
                Defective(ref rng, v, visitIndex, ref minute, test, LabValues.Lipid(ref rng, test), rates, into);
        if (rng.Chance(creatinine)) Defective(ref rng, v, visitIndex, ref minute, "CREATININE", LabValues.Creatinine(ref rng, sex), rates, into);
        if (rng.Chance(local))
        {
            var (test, text, unit) = LabValues.Local(ref rng);
            Row(ref rng, v, visitIndex, ref minute, test, (text, unit), into);
        }
    }

    static void Defective(ref Rng rng, in Visit v, int visitIndex, ref int minute, string test, (string Text, string? Unit) value,
        GeneratorRates rates, List<LabRow> into)
    {
        if (rng.Chance(rates.UnparseableLabOfNonCascadeTests)) value.Text = rng.Pick(LabValues.UnparseableTexts);
        else if (rng.Chance(rates.UnknownUnitOfNonCascadeTests)) value.Unit = "mg%";
        Row(ref rng, v, visitIndex, ref minute, test, value, into);
    }

    static void Row(ref Rng rng, in Visit v, int visitIndex, ref int minute, string test, (string Text, string? Unit) value, List<LabRow> into)
    {
        // Results come back 20 minutes to 3 hours later, the same day, in the order ordered.
        if (minute == 0) minute = rng.Int(20, 180);
        var second = Math.Min(86399, v.Second + minute * 60 + into.Count % 7);
        into.Add(new LabRow
        {
            Visit = visitIndex,
            Time = Calendar.ToUnixSeconds(v.Day, second),
            Test = test,
            Text = value.Text,
            Unit = value.Unit,
            Reading = LabReading.Interpret(test, value.Text, value.Unit),
        });
    }
}
