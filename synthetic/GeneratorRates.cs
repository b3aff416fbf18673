namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Every rate the generator draws from, written to truth.json under parameters.rates (snake_case). Shares are
/// per person or per record unless the name says otherwise.
/// </summary>
internal sealed record GeneratorRates
{
    // Coverage
    public double LaggingCommuneShare { get; init; } = 0.10;
    public double[] LaggingPlateau { get; init; } = [0.40, 0.70];
    public double[] NormalPlateau { get; init; } = [0.85, 0.98];
    public double OverCommuneShare { get; init; } = 0.05;
    public double[] OverPlateau { get; init; } = [0.97, 1.00];
    public double[] MigrantShareNormal { get; init; } = [0.01, 0.05];
    public double[] MigrantShareOver { get; init; } = [0.15, 0.25];
    public double MigrantCoverageFactor { get; init; } = 0.8;
    public double[] ExamShare { get; init; } = [0.35, 0.90];
    public double[] VerifyProbability { get; init; } = [0.93, 0.995];
    public double[] VerifyDelayMeanDays { get; init; } = [15, 120];
    public double CmndVerifyFactor { get; init; } = 0.5;
    public double NoPopulationCommuneFactor { get; init; } = 0.5;

    // Record defects
    public double DuplicateRecord { get; init; } = 0.01;
    public double DuplicateRecordOverCommune { get; init; } = 0.03;
    public double DuplicateInOtherCommune { get; init; } = 0.4;
    public double ProbableDuplicate { get; init; } = 0.003;
    /// <summary>Share of primary records whose person moves to another commune of the province between
    /// <see cref="Calendar.MovesStart"/> and <see cref="Calendar.MovesEnd"/> (the record's ward changes from then on).</summary>
    public double MoveCommune { get; init; } = 0.02;
    public double ProbableDuplicateMissingCitizen { get; init; } = 0.7;
    public double MissingCitizenAdult { get; init; } = 0.02;
    public double MissingCitizenChild { get; init; } = 0.15;
    public double LegacyCmndOver40 { get; init; } = 0.015;
    public double MalformedCitizen { get; init; } = 0.001;
    public double MissingInsurance { get; init; } = 0.08;
    public double MissingPhone { get; init; } = 0.10;
    public double UnknownWard { get; init; } = 0.003;
    public double MissingBirthDate { get; init; } = 0.05;
    public double MissingName { get; init; } = 0.002;
    public double MissingUpdatedDate { get; init; } = 0.01;
    public double UndeterminedSex { get; init; } = Demography.UndeterminedSexRate;

    // Record content
    public double HistoryFilledOfExamined { get; init; } = 0.85;
    public double PartialHistory { get; init; } = 0.04;
    public double AnthropometricsOfExamined { get; init; } = 0.8;
    public double BloodGroupOfExamined { get; init; } = 0.45;
    public double VaccinationChild { get; init; } = 0.9;
    public double VaccinationAdult { get; init; } = 0.6;
    public double PregnancyWomen18To44 { get; init; } = 0.16;

    // Events and encounter defects
    public double ImplausibleEncounter { get; init; } = 0.002;
    public double VisitAfterDeathOfDeceased { get; init; } = 0.03;
    public double UnparseableLabOfNonCascadeTests { get; init; } = 0.01;
    public double UnknownUnitOfNonCascadeTests { get; init; } = 0.006;
    public double DiseaseVisitMultiplier { get; init; } = 1.4;
    public double InpatientShare { get; init; } = 0.03;
    public double LostToFollowUpPerYear { get; init; } = 0.10;
    public double AtcPresent { get; init; } = 0.6;
    public double IngredientPresent { get; init; } = 0.9;

    // Hypertension and diabetes cascades (per latent case)
    public double HtnDiagnosedMale { get; init; } = 0.50;
    public double HtnDiagnosedFemale { get; init; } = 0.62;
    public double HtnTreatedOfDiagnosed { get; init; } = 0.75;
    public double HtnControlledOfTreated { get; init; } = 0.45;
    public double DmDiagnosed { get; init; } = 0.60;
    public double DmTreatedOfDiagnosed { get; init; } = 0.80;
    public double DmControlledOfTreated { get; init; } = 0.40;
    public double HtnDmCorrelation { get; init; } = NcdRisk.Correlation;
    public double MeanYearsOnsetToDiagnosisHtn { get; init; } = 2.5;
    public double MeanYearsOnsetToDiagnosisDm { get; init; } = 2.0;

    /// <summary>Latent-condition model (NcdRisk): probability by adult band, [male, female].</summary>
    public IReadOnlyDictionary<string, double[]> HypertensionByBand => ByBand(NcdRisk.Hypertension);
    public IReadOnlyDictionary<string, double[]> DiabetesByBand => ByBand(NcdRisk.Diabetes);

    static SortedDictionary<string, double[]> ByBand(Func<int, byte, double> p) => new(
        Enumerable.Range(AgeBands.FirstAdult, AgeBands.Count - AgeBands.FirstAdult)
            .ToDictionary(b => AgeBands.Label(b), b => new[] { p(b, 1), p(b, 2) }), StringComparer.Ordinal);

    public static readonly GeneratorRates Default = new();
}
