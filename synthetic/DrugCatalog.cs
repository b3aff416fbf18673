namespace HoSoSucKhoe.Synthetic;

internal enum DrugClass : byte { Other, Antihypertensive, Antidiabetic, Statin }

/// <summary>A medicine as a Vietnamese pharmacy writes it: name, Vietnamese ingredient spelling, ATC.</summary>
internal sealed record Drug(string Name, string Ingredient, string? Atc, DrugClass Class, short DaysSupply);

/// <summary>
/// The medicines the generator dispenses. <see cref="IngredientAtc"/> (every ingredient spelling written, with its
/// ATC code) is published in truth.json so the warehouse's ingredient map can be checked against it.
/// </summary>
internal static class DrugCatalog
{
    public static readonly Drug[] Antihypertensives =
    [
        new("Amlodipin 5mg", "amlodipin", "C08CA01", DrugClass.Antihypertensive, 30),
        new("Amlodipine 10mg", "amlodipine", "C08CA01", DrugClass.Antihypertensive, 30),
        new("Losartan kali 50mg", "losartan", "C09CA01", DrugClass.Antihypertensive, 30),
        new("Nifedipin 20mg retard", "nifedipin", "C08CA05", DrugClass.Antihypertensive, 30),
        new("Enalapril 5mg", "enalapril", "C09AA02", DrugClass.Antihypertensive, 30),
        new("Coversyl 5mg", "perindopril", "C09AA04", DrugClass.Antihypertensive, 30),
        new("Captopril 25mg", "captopril", "C09AA01", DrugClass.Antihypertensive, 30),
        new("Telmisartan 40mg", "telmisartan", "C09CA07", DrugClass.Antihypertensive, 30),
        new("Bisoprolol 2,5mg", "bisoprolol", "C07AB07", DrugClass.Antihypertensive, 30),
        new("Hydroclorothiazid 25mg", "hydroclorothiazid", "C03AA03", DrugClass.Antihypertensive, 30),
        new("Indapamid 1,5mg", "indapamid", "C03BA11", DrugClass.Antihypertensive, 30),
        new("Methyldopa 250mg", "methyldopa", "C02AB01", DrugClass.Antihypertensive, 30),
    ];

    // Cumulative first-line weights matching Antihypertensives (amlodipine dominates at commune stations).
    public static readonly double[] FirstLineHtn = Cumulative([30, 10, 15, 10, 10, 8, 5, 5, 4, 2, 0.5, 0.5]);
    public static readonly int[] AddOnHtn = [2, 9, 10, 3, 8, 7];

    public static readonly Drug[] Antidiabetics =
    [
        new("Metformin 850mg", "metformin", "A10BA02", DrugClass.Antidiabetic, 30),
        new("Glucophage 500mg", "metformin", "A10BA02", DrugClass.Antidiabetic, 30),
        new("Gliclazid 30mg", "gliclazid", "A10BB09", DrugClass.Antidiabetic, 30),
        new("Diamicron MR 60mg", "gliclazide", "A10BB09", DrugClass.Antidiabetic, 30),
        new("Glimepirid 2mg", "glimepirid", "A10BB12", DrugClass.Antidiabetic, 30),
        new("Mixtard 30 100IU/ml", "insulin", "A10AD01", DrugClass.Antidiabetic, 30),
    ];

    public static readonly double[] FirstLineDm = Cumulative([55, 20, 10, 5, 5, 5]);

    public static readonly Drug Atorvastatin = new("Atorvastatin 10mg", "atorvastatin", "C10AA05", DrugClass.Statin, 30);
    public static readonly Drug Aspirin = new("Aspirin 81mg", "acid acetylsalicylic", "B01AC06", DrugClass.Other, 30);

    public static readonly Drug[] Others =
    [
        new("Paracetamol 500mg", "paracetamol", "N02BE01", DrugClass.Other, 5),
        new("Amoxicilin 500mg", "amoxicilin", "J01CA04", DrugClass.Other, 7),
        new("Omeprazol 20mg", "omeprazol", "A02BC01", DrugClass.Other, 14),
        new("Cefuroxim 500mg", "cefuroxim", "J01DC02", DrugClass.Other, 7),
        new("Loratadin 10mg", "loratadin", "R06AX13", DrugClass.Other, 7),
        new("Meloxicam 7,5mg", "meloxicam", "M01AC06", DrugClass.Other, 7),
        new("Vitamin C 500mg", "acid ascorbic", "A11GA01", DrugClass.Other, 10),
        new("Alpha chymotrypsin 4200", "alphachymotrypsin", null, DrugClass.Other, 5),
        new("Salbutamol 2mg", "salbutamol", "R03CC02", DrugClass.Other, 5),
        new("Domperidon 10mg", "domperidon", "A03FA03", DrugClass.Other, 5),
        new("Oresol 245", "oresol", "A07CA", DrugClass.Other, 3),
        new("Berberin 100mg", "berberin", null, DrugClass.Other, 5),
    ];

    public static readonly double[] OthersWeights = Cumulative([30, 15, 12, 6, 8, 6, 8, 5, 3, 4, 2, 1]);

    /// <summary>Every drug the generator can write, indexed by <see cref="Index"/>.</summary>
    public static readonly Drug[] All = [.. Antihypertensives, .. Antidiabetics, Atorvastatin, Aspirin, .. Others];

    static readonly Dictionary<Drug, short> Indices = All.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => (short)x.i);

    public static short Index(Drug d) => Indices[d];

    public static IReadOnlyDictionary<string, string> IngredientAtc { get; } = All
        .Where(d => d.Atc is not null).GroupBy(d => d.Ingredient)
        .ToDictionary(g => g.Key, g => g.First().Atc!, StringComparer.Ordinal);

    /// <summary>The drug class as the case definitions see one dispensed row (ATC when written, else the ingredient).</summary>
    public static DrugClass Classify(string? atc, string? ingredient)
    {
        var code = atc ?? (ingredient is not null && IngredientAtc.TryGetValue(ingredient, out var mapped) ? mapped : null);
        if (code is null) return DrugClass.Other;
        if (code.StartsWith("A10", StringComparison.Ordinal)) return DrugClass.Antidiabetic;
        foreach (var prefix in (ReadOnlySpan<string>)["C02", "C03", "C07", "C08", "C09"])
            if (code.StartsWith(prefix, StringComparison.Ordinal)) return DrugClass.Antihypertensive;
        return code.StartsWith("C10", StringComparison.Ordinal) ? DrugClass.Statin : DrugClass.Other;
    }

    static double[] Cumulative(double[] w)
    {
        var c = new double[w.Length];
        var s = 0.0;
        for (var i = 0; i < w.Length; i++) c[i] = s += w[i];
        return c;
    }
}
