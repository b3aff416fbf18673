namespace HoSoSucKhoe.Synthetic;

/// <summary>Visit streams in priority order: on a day with two planned visits the lower value is kept.</summary>
internal enum VisitStream : byte { Chronic = 0, Screening = 1, General = 2, AfterDeath = 3 }

/// <summary>One encounter row before it is written. Zero blood pressure and NaN measurements mean null.</summary>
internal struct Visit
{
    public int Day;
    public int Second;
    public VisitStream Stream;
    public short Index;
    public string Kind;
    public string Facility;
    public string? IcdMain;
    public string? IcdOther;
    public short Systolic, Diastolic;
    public float Height, Weight, Waist;

    public readonly long Time => Calendar.ToUnixSeconds(Day, Second);
    public readonly bool HasBp => Systolic != 0 && Diastolic != 0;

    /// <summary>The blood-pressure part of the implausibility rule (systolic 60–300 and above diastolic, diastolic 30–200).</summary>
    public readonly bool BpImplausible => HasBp && (Systolic < 60 || Systolic > 300 || Systolic <= Diastolic || Diastolic < 30 || Diastolic > 200);

    /// <summary>docs/definitions.md: implausible encounter (blood pressure, height 30–250 cm, weight 1–300 kg).</summary>
    public readonly bool Implausible => BpImplausible
        || (!float.IsNaN(Height) && (Height < 30 || Height > 250))
        || (!float.IsNaN(Weight) && (Weight < 1 || Weight > 300));

    public readonly bool UsableBp => HasBp && !BpImplausible;
}

internal struct LabRow
{
    public int Visit;
    public long Time;
    public string Test;
    public string Text;
    public string? Unit;
    public LabReading Reading;
}

internal struct MedRow
{
    public int Visit;
    public long Time;
    public short Drug;
    public bool WriteIngredient;
    public bool WriteAtc;
    public short DaysSupply; // 0 = null

    public readonly Drug Item => DrugCatalog.All[Drug];
    public readonly string? Ingredient => WriteIngredient ? Item.Ingredient : null;
    public readonly string? Atc => WriteAtc ? Item.Atc : null;
    public readonly DrugClass Class => DrugCatalog.Classify(Atc, Ingredient);
}

/// <summary>A person's encounters, labs and medications up to a date; reused across people on one thread.</summary>
internal sealed class HistoryBuffer
{
    public readonly List<Visit> Visits = new(64);
    public readonly List<LabRow> Labs = new(64);
    public readonly List<MedRow> Meds = new(128);
    internal readonly List<(int Day, VisitStream Stream, short Index)> Planned = new(64);

    public void Clear()
    {
        Visits.Clear();
        Labs.Clear();
        Meds.Clear();
        Planned.Clear();
    }
}
