namespace HoSoSucKhoe.Synthetic;

/// <summary>One persons.arrow row exactly as written (days are DayNumbers; null = absent).</summary>
internal struct PersonRow
{
    public string RecordId;
    public string? CitizenId, InsuranceId, FullName, Phone, Abo, Rh;
    public short BirthYear;
    public int? BirthDate, UpdatedDate, FirstExamDate, DeathDate;
    public int CreatedDate;
    public sbyte Sex, Residence;
    public string WardCode;
    public bool Verified, HistoryRecorded, VaccinationRecorded;
    public float? Height, Weight;
    public bool? HxHypertension, HxDiabetes, HxCardiovascular, Smoking, Alcohol, Inactive, Pregnant;
}
