namespace HoSoSucKhoe.Synthetic;

/// <summary>Stable personal traits, re-derived from the person's seed whenever needed instead of stored.</summary>
internal readonly record struct PersonTraits(
    double Frailty, short Htn1, short Htn2, short Dm1, short Dm2, bool Statin, bool Aspirin,
    float AdultHeight, float Bmi, byte Abo, bool RhNegative, bool Smoking, bool Alcohol, bool Inactive)
{
    static readonly string[] AboGroups = ["O", "B", "A", "AB"];
    static readonly double[] AboCumulative = [42, 73, 94, 100];

    public string AboText => AboGroups[Abo];

    public static PersonTraits Of(in Person p)
    {
        var rng = Rng.Derive(p.Seed, 0x7A17);
        var frailty = Math.Exp(rng.Normal(-0.245, 0.7)); // mean 1
        var htn1 = (short)rng.PickCumulative(DrugCatalog.FirstLineHtn);
        var htn2 = (short)-1;
        if (rng.Chance(0.35))
        {
            var addOn = DrugCatalog.AddOnHtn[rng.Int(0, DrugCatalog.AddOnHtn.Length)];
            if (DrugCatalog.Antihypertensives[addOn].Atc![..4] != DrugCatalog.Antihypertensives[htn1].Atc![..4]) htn2 = (short)addOn;
        }
        var dm1 = (short)(DrugCatalog.Antihypertensives.Length + rng.PickCumulative(DrugCatalog.FirstLineDm));
        var dm2 = (short)-1;
        if (rng.Chance(0.35) && DrugCatalog.All[dm1].Ingredient.StartsWith("metformin", StringComparison.Ordinal))
            dm2 = (short)(DrugCatalog.Antihypertensives.Length + rng.Int(2, 5));
        var male = p.Sex == 1;
        var height = (float)(male ? rng.Normal(165, 6) : rng.Normal(154, 5.5));
        var bmi = (float)Math.Clamp(rng.Normal(male ? 22.3 : 22.0, 3.0), 15, 40);
        return new PersonTraits(
            frailty, htn1, htn2, dm1, dm2, rng.Chance(0.15), rng.Chance(0.1), height, bmi,
            (byte)rng.PickCumulative(AboCumulative), rng.Chance(0.001),
            rng.Chance(male ? 0.45 : 0.02), rng.Chance(male ? 0.55 : 0.06), rng.Chance(0.28));
    }

    /// <summary>Height (cm) at an age, children growing toward the adult height.</summary>
    public float HeightAt(int age) => age switch
    {
        < 1 => 62f,
        < 3 => 75f + 11f * age / 2,
        < 16 => Math.Min(AdultHeight, 86f + 6.2f * (age - 2)),
        _ => AdultHeight,
    };

    public float WeightAt(int age)
    {
        var h = HeightAt(age) / 100f;
        var bmi = age < 16 ? 16f : Bmi;
        return bmi * h * h;
    }
}
