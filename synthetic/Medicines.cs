namespace HoSoSucKhoe.Synthetic;

/// <summary>Dispensing: the person's regimen at follow-up visits while treated, ordinary medicines otherwise.</summary>
internal static class Medicines
{
    public static void Add(ref Rng rng, in Visit v, int visitIndex, VisitContent.State s, in PersonTraits traits,
        GeneratorRates rates, List<MedRow> into)
    {
        if (v.Stream == VisitStream.Screening) return;
        var second = Math.Min(86399, v.Second + rng.Int(5, 90) * 60);
        var chronic = v.Stream == VisitStream.Chronic || rng.Chance(0.2);
        if (chronic && s.HtnTreating)
        {
            Row(ref rng, visitIndex, v.Day, second, traits.Htn1, true, rates, into);
            if (traits.Htn2 >= 0) Row(ref rng, visitIndex, v.Day, second, traits.Htn2, true, rates, into);
        }
        if (chronic && s.DmTreating)
        {
            Row(ref rng, visitIndex, v.Day, second, traits.Dm1, true, rates, into);
            if (traits.Dm2 >= 0) Row(ref rng, visitIndex, v.Day, second, traits.Dm2, true, rates, into);
        }
        if (v.Stream == VisitStream.Chronic)
        {
            if (traits.Statin && (s.HtnTreating || s.DmTreating)) Row(ref rng, visitIndex, v.Day, second, DrugCatalog.Index(DrugCatalog.Atorvastatin), true, rates, into);
            if (traits.Aspirin && s.HtnTreating) Row(ref rng, visitIndex, v.Day, second, DrugCatalog.Index(DrugCatalog.Aspirin), true, rates, into);
            return;
        }
        var count = v.Kind == "03" ? rng.Int(2, 5) : rng.Chance(0.45) ? rng.Int(1, 4) : 0;
        var first = DrugCatalog.Antihypertensives.Length + DrugCatalog.Antidiabetics.Length + 2;
        for (var i = 0; i < count; i++)
            Row(ref rng, visitIndex, v.Day, second, (short)(first + rng.PickCumulative(DrugCatalog.OthersWeights)), false, rates, into);
    }

    static void Row(ref Rng rng, int visitIndex, int day, int second, short drug, bool longTerm, GeneratorRates rates, List<MedRow> into)
    {
        var u = rng.Uniform();
        var days = longTerm
            ? u < 0.85 ? (short)30 : u < 0.90 ? (short)28 : u < 0.93 ? (short)14 : (short)0
            : u < 0.9 ? DrugCatalog.All[drug].DaysSupply : (short)0;
        var ingredient = rng.Chance(rates.IngredientPresent);
        var atc = rng.Chance(rates.AtcPresent);
        // A hypertension or diabetes drug always carries its ATC code or ingredient: with neither, only the brand in
        // drug_name would identify it, which docs/definitions.md does not use but a reader may, so truth stays
        // unambiguous. Other drugs do come with neither.
        if (!ingredient && !atc && DrugCatalog.All[drug].Class is DrugClass.Antihypertensive or DrugClass.Antidiabetic) ingredient = true;
        into.Add(new MedRow
        {
            Visit = visitIndex,
            Time = Calendar.ToUnixSeconds(day, second),
            Drug = drug,
            WriteIngredient = ingredient,
            WriteAtc = atc,
            DaysSupply = days,
        });
    }
}
