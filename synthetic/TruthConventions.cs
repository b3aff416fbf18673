namespace HoSoSucKhoe.Synthetic;

/// <summary>Readings of docs/definitions.md that truth.json relies on, published in its parameters.</summary>
internal static class TruthConventions
{
    public static readonly string[] Lines =
    [
        "Counts are over records (persons.arrow rows); a record belongs to the commune of its ward_code in the snapshot's code system.",
        "Unknown wards (not a commune of the code system in force on as_of) are only in unknown_ward_records, never in commune, district or province counts.",
        "population: the unit's population.csv rows for year(as_of), else the latest earlier year of the same code system (2025 rows carry 2025 codes, rows up to 2024 legacy codes); null without rows; province and district sums skip nulls.",
        "Age = completed years from birth_date, else year(as_of) - birth_year; adult = 18+; bands are five-year bands of that age, 15-19 holding 18-19 only.",
        "records_linked excludes records with death_date <= as_of; deceased counts them; quality counts include dead records.",
        "probable_duplicate: same normalised full_name (lower case, diacritics removed, đ -> d, white space collapsed) + birth_date + ward_code; null names or birth dates never match.",
        "A blood-pressure reading is ignored when systolic or diastolic is implausible; implausible heights/weights are only generated on encounters without blood pressure.",
        "A lab result counts for the diabetes cascade only when parsed, convertible and plausible; unparseable text and unknown units are only generated on GLU_RANDOM, lipids and CREATININE.",
        "Windows: (as_of - 365 days, as_of] and (as_of - 90 days, as_of] on the date part of visit_time / result_time / dispensed_time.",
        "A drug is an antihypertensive / antidiabetic by atc_code when written, else by active_ingredient through parameters.ingredient_atc; every such row carries one of the two (rows with neither are other drugs), so mapping drug_name as well changes nothing.",
        "dm uses the same keys as htn: dm.hypertensive means diabetic (diagnosed or raised glucose).",
        "latent.*: simulated (true) conditions of adults among records_linked; bands.*.htn_p / dm_p are the model probabilities for the band and sex.",
    ];
}
