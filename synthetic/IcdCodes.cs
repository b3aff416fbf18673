namespace HoSoSucKhoe.Synthetic;

/// <summary>ICD-10 codes as commune stations and district hospitals write them.</summary>
internal static class IcdCodes
{
    public static readonly string[] Hypertension = ["I10", "I10", "I10", "I10", "I10", "I10", "I10", "I10", "I11.9", "I15.9"];
    public static readonly string[] Diabetes = ["E11.9", "E11.9", "E11", "E11.9", "E11.6", "E14", "E14.9"];

    /// <summary>Common outpatient complaints (acute respiratory infection, gastritis, back pain …).</summary>
    public static readonly string[] Outpatient =
    [
        "J06", "J06.9", "J06.9", "J02.9", "J20.9", "J00", "K29", "K29.7", "K29.7", "M54", "M54.5", "M79.1", "A09",
        "R51", "K21.0", "J30.4", "L30.9", "N39.0", "H10.9", "E78.5", "B34.9", "R10.4", "K59.0", "M17.9", "J45.9",
        "S93.4", "T14.0", "H52.1", "K02.9", "L23.9", "G44.2", "F41.9", "D50.9", "E04.9",
    ];

    public static readonly string[] Inpatient =
    [
        "J18.9", "J18.9", "A09", "K35.8", "I63.9", "I50.9", "N39.0", "J44.1", "K80.2", "A91", "S72.0", "K92.2",
    ];

    /// <summary>Conditions listed as secondary diagnoses of older patients.</summary>
    public static readonly string[] Comorbidities =
    [
        "E78.5", "I25.9", "M17.9", "K29.7", "N18.3", "I48.9", "E79.0", "M81.9", "H25.9", "K76.0", "J44.9", "G47.0",
        "M10.9", "D64.9", "N40",
    ];

    public const string Screening = "Z13.6";

    public static bool IsHypertension(string code) =>
        code.Length >= 3 && code[0] == 'I' && code[1] == '1' && code[2] is >= '0' and <= '5';

    public static bool IsDiabetes(string code) =>
        code.Length >= 3 && code[0] == 'E' && code[1] == '1' && code[2] is >= '0' and <= '4';
}
