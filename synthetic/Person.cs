namespace HoSoSucKhoe.Synthetic;

[Flags]
internal enum PersonFlags : ushort
{
    None = 0,
    BirthDateKnown = 1,
    HtnControlled = 2,      // once treated, blood pressure reads below 140/90
    DmControlled = 4,
    VisitAfterDeath = 8,    // data-entry defect: one visit dated after death
    Cardiovascular = 16,
    Northwest = 32,
}

/// <summary>
/// One simulated person: an unmanaged value so a million of them sit in one array (~90 bytes each). Days are
/// <see cref="DateOnly.DayNumber"/>s, <see cref="Calendar.Never"/> when the event does not happen.
/// </summary>
internal struct Person
{
    public ulong Seed;
    public int Commune;          // 2025 commune index in ProvinceFrame.Communes
    public int Legacy;           // legacy commune index, -1 when the province has none
    public int BirthDay;
    public int DeathDay;
    public int HtnOnset, HtnDiagnosis, HtnTreatment;
    public int DmOnset, DmDiagnosis, DmTreatment;
    public int CareStop;         // lost to follow-up: chronic visits and treatment end
    public int PregnancyStart;
    public short Family, Middle, Given;
    public byte FamilyTable, MiddleTable, GivenTable;
    public byte Sex;
    public byte Residence;       // 1 permanent, 2 temporary (migrant)
    public byte BirthProvince;   // legacy province code of birth (CCCD prefix), as a number
    public CitizenKind Citizen;
    public PersonFlags Flags;

    public readonly bool Has(PersonFlags f) => (Flags & f) != 0;
    public readonly DateOnly BirthDate => Calendar.Date(BirthDay);

    public readonly (string Family, string Middle, string Given) NameParts => (
        NameTables.All[FamilyTable].Names[Family], NameTables.All[MiddleTable].Names[Middle],
        NameTables.All[GivenTable].Names[Given]);

    public readonly (int, int, int) NormalNameKey => (
        NameTables.All[FamilyTable].NormalId[Family], NameTables.All[MiddleTable].NormalId[Middle],
        NameTables.All[GivenTable].NormalId[Given]);
}

internal enum CitizenKind : byte { Missing, Cccd, Cmnd, Malformed }

internal enum RecordKind : byte { Primary, DuplicateCitizen, ProbableDuplicate }

[Flags]
internal enum RecordFlags : ushort
{
    None = 0,
    HistoryFilled = 1,       // history/allergy section filled at the examination
    Anthropometrics = 2,     // height and weight taken at the examination
    BloodGroup = 4,
    Vaccination = 8,
    NoInsurance = 16,
    NoPhone = 32,
    NoUpdatedDate = 64,
    PartialHistory = 128,    // one of the underlying-condition flags left empty
}

/// <summary>One potential health record (created on <see cref="Created"/>, or never).</summary>
internal struct RecordSlot
{
    public ulong Seed;
    public int Person;
    public int Commune;          // 2025 commune index of the record's ward, -1 when the ward is unknown
    public int Legacy;           // legacy commune index, -1 when unknown
    public int Created, Exam, Verify;
    public int MoveDay;          // day the record's ward changes to MoveCommune / MoveLegacy (Calendar.Never: never)
    public int MoveCommune, MoveLegacy;
    public sbyte UnknownWard;    // index into ProvinceFrame.UnknownWardCodes, -1 when the ward is known
    public RecordKind Kind;
    public NameSpelling Spelling;
    public RecordFlags Flags;

    public readonly bool Has(RecordFlags f) => (Flags & f) != 0;
}
