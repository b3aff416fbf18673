namespace HoSoSucKhoe.Synthetic;

/// <summary>The COUNTS of truth.json, in output order (population is added when written).</summary>
internal enum Count
{
    RecordsLinked, Examined, Managed, Deceased, RecordsAll, DuplicateCitizen, ProbableDuplicate, MissingCitizenAdult,
    MalformedCitizen, MissingInsurance, MissingPhone, VisitAfterDeath, ImplausibleEncounters, UnparseableLabs,
    PriorityGroup1, PriorityGroup2, PriorityGroup3, CompleteAll, CompleteAdministrative, CompleteImmunisation,
    CompleteHistoryAllergy, CompleteAnthropometrics, CompleteBloodGroup, CompleteUnderlyingConditions,
    PermanentRecords, PermanentUpdated, Visitors, VisitorsComplete,
}

/// <summary>Adult hypertension/diabetes cascade and latent counts (the NCD object of truth.json).</summary>
internal enum Ncd
{
    Adults,
    HtnScreened, HtnRaised, HtnHypertensive, HtnDiagnosed, HtnTreated, HtnControlled,
    DmScreened, DmRaised, DmHypertensive, DmDiagnosed, DmTreated, DmControlled,
    LatentHtnAdults, LatentDmAdults, LatentHtnScreened, LatentDmScreened,
}

/// <summary>Per band and sex: the counts behind band-level prevalence checks.</summary>
internal enum BandCount { Adults, HtnScreenedN, HtnLatentScreened, HtnLatent, DmScreenedN, DmLatentScreened, DmLatent }

/// <summary>Truth counters for one ward of a snapshot's code system.</summary>
internal sealed class WardTally
{
    public const int AdultBands = AgeBands.Count - AgeBands.FirstAdult;
    static readonly int CountN = Enum.GetValues<Count>().Length;
    static readonly int NcdN = Enum.GetValues<Ncd>().Length;
    static readonly int BandN = Enum.GetValues<BandCount>().Length;

    public readonly long[] Counts = new long[CountN];
    public readonly long[] Ncd = new long[NcdN];
    /// <summary>[adult band][sex 1|2][BandCount].</summary>
    public readonly long[] Bands = new long[AdultBands * 2 * BandN];
    /// <summary>Programme statuses per disease × month offset (<see cref="ProgrammeTruth.MonthIndex"/>).</summary>
    public readonly long[] Programme = new long[2 * ProgrammeTruth.Months * (ProgrammeTruth.MonthNames.Length + 2)];
    /// <summary>Registration cohorts per disease × quarter offset (<see cref="ProgrammeTruth.CohortIndex"/>).</summary>
    public readonly long[] Cohort = new long[2 * ProgrammeTruth.Quarters * ProgrammeTruth.CohortNames.Length];

    public void Add(Count c) => Counts[(int)c]++;
    public void Add(Count c, long n) => Counts[(int)c] += n;
    public void Add(Ncd c) => Ncd[(int)c]++;

    public static int BandIndex(int band, int sex, BandCount c) => ((band - AgeBands.FirstAdult) * 2 + (sex - 1)) * BandN + (int)c;
    public void Add(int band, int sex, BandCount c) => Bands[BandIndex(band, sex, c)]++;
    public long Band(int band, int sex, BandCount c) => Bands[BandIndex(band, sex, c)];

    public long this[Count c] => Counts[(int)c];
    public long this[Ncd c] => Ncd[(int)c];

    public void Merge(WardTally other)
    {
        for (var i = 0; i < Counts.Length; i++) Counts[i] += other.Counts[i];
        for (var i = 0; i < Ncd.Length; i++) Ncd[i] += other.Ncd[i];
        for (var i = 0; i < Bands.Length; i++) Bands[i] += other.Bands[i];
        for (var i = 0; i < Programme.Length; i++) Programme[i] += other.Programme[i];
        for (var i = 0; i < Cohort.Length; i++) Cohort[i] += other.Cohort[i];
    }
}
