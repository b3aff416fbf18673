namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>Data-quality defects on fact_record.dq_flags (docs/definitions.md, "Data quality"). Flagged rows are loaded, never dropped.</summary>
[Flags]
public enum RecordDq
{
    None = 0,
    DuplicateCitizenId = 1,      // another record in the snapshot has the same citizen_id
    MissingCitizenIdAdult = 2,   // 18+ at as_of without citizen_id
    MissingInsurance = 4,
    UnknownWard = 8,             // ward_code not a commune of the snapshot's code system
    ImplausibleHeight = 16,      // outside 30–250 cm
    ImplausibleWeight = 32,      // outside 1–300 kg
    ImplausibleBirth = 64,       // birth after as_of or more than 120 years before it
    VisitAfterDeath = 128,       // an encounter after death_date
    ProbableDuplicate = 256,     // same normalised name + birth date + commune as another record, different/missing citizen_id
    MalformedCitizenId = 512,    // present but not 12 or 9 digits
}

/// <summary>Data-quality defects on fact_encounter.dq_flags.</summary>
[Flags]
public enum EncounterDq
{
    None = 0,
    ImplausibleSystolic = 1,     // outside 60–300, or not above diastolic
    ImplausibleDiastolic = 2,    // outside 30–200
    ImplausibleHeight = 4,
    ImplausibleWeight = 8,
    AfterDeath = 16,
}

/// <summary>Data-quality defects on fact_lab.dq_flags.</summary>
[Flags]
public enum LabDq
{
    None = 0,
    Unparseable = 1,             // value_text is not a number, bound or known qualitative result
    UnknownUnit = 2,             // unit not convertible for an interpreted test
    Implausible = 4,             // glucose outside 1–60 mmol/L, HbA1c outside 3–20 %
}
