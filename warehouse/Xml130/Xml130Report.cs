using System.Text.Json;
using System.Text.Json.Serialization;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>People seen at a facility with no health record, per commune of residence (null: the commune code is unknown).</summary>
public sealed record UnrecordedVisitors(string? WardCode, string? WardName, long People, long Episodes);

/// <summary>What a conversion did (docs/xml130.md, "Report"): written as JSON beside the snapshot folder.</summary>
public sealed class Xml130Report
{
    public const string Suffix = ".xml130-report.json";

    public string? Snapshot { get; set; }
    public string? SnapshotId { get; set; }
    public DateOnly AsOf { get; set; }
    public bool Succeeded { get; set; }
    public string? Failure { get; set; }
    public int Files { get; set; }
    public int FilesRejected { get; set; }
    public int Files4210 { get; set; }
    /// <summary>HOSO read, rejected ones included.</summary>
    public long Episodes { get; set; }
    /// <summary>Episodes replaced by a later sending of the same encounter id within the batch.</summary>
    public long Replaced { get; set; }
    /// <summary>Encounters of the --persons history replaced by an episode of the batch.</summary>
    public long ReplacedHistory { get; set; }
    public long Rejected { get; set; }
    public double RejectShare { get; set; }
    public double MaxRejectShare { get; set; }
    /// <summary>Episodes kept (the last sending of each encounter id), matched or not.</summary>
    public long Kept { get; set; }
    public Dictionary<string, long> MatchedBy { get; set; } = new() { ["citizen_id"] = 0, ["insurance_card"] = 0, ["name_birth_commune"] = 0 };
    public long Matched => MatchedBy.Values.Sum();
    public long Ambiguous { get; set; }
    public long Unmatched { get; set; }
    public double MatchRate => Kept == 0 ? 0 : (double)Matched / Kept;
    public long Encounters { get; set; }
    public long Labs { get; set; }
    public long Medications { get; set; }
    /// <summary>XML2/XML4/XML5 rows of the converted sendings (rejected episodes excepted), and those not written.</summary>
    public Xml130Rows Rows { get; set; } = new();
    public List<UnrecordedVisitors> UnrecordedVisitors { get; set; } = [];
    public List<Xml130Reject> Rejects { get; set; } = [];
    public double Seconds { get; set; }
    /// <summary>Of <see cref="Seconds"/>: listing the files and indexing the --persons records; reading, parsing,
    /// matching and spooling the episodes; writing the snapshot.</summary>
    public double IndexSeconds { get; set; }
    public double ReadSeconds { get; set; }
    public double WriteSeconds { get; set; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static Xml130Report Read(string path) => JsonSerializer.Deserialize<Xml130Report>(File.ReadAllText(path), Json)!;
}

/// <summary>
/// Child rows read and what became of them (docs/xml130.md, "Rows"): every row is counted once, in the sending it came
/// with (a sending replaced later in the batch included); skipped rows are not written, uninterpreted XML4 rows are
/// written under their own code (MA_CHI_SO, else MA_DICH_VU) and stored by the warehouse without being interpreted.
/// </summary>
public sealed class Xml130Rows
{
    public long Xml2 { get; set; }
    public long Xml4 { get; set; }
    public long Xml5 { get; set; }
    /// <summary>XML4 results written under a code the warehouse does not interpret (not glucose, HbA1c, lipids, creatinine).</summary>
    public long Xml4Uninterpreted { get; set; }
    /// <summary>Rows not written, by reason: <c>xml2_without_drug_name</c> (TEN_THUOC empty: coded-only lines such as
    /// oxygen or blood), <c>xml4_without_value</c> (GIA_TRI empty: no result yet, imaging), <c>xml4_without_test</c>
    /// (neither MA_DICH_VU, MA_CHI_SO nor TEN_CHI_SO), <c>other_ma_lk</c> (an XML2/4/5 row naming another MA_LK than its
    /// XML1).</summary>
    public Dictionary<string, long> Skipped { get; set; } = new()
    {
        ["xml2_without_drug_name"] = 0, ["xml4_without_value"] = 0, ["xml4_without_test"] = 0, ["other_ma_lk"] = 0,
    };

    public long SkippedTotal => Skipped.Values.Sum();

    internal void Add(in RowCounts r)
    {
        Xml2 += r.Xml2; Xml4 += r.Xml4; Xml5 += r.Xml5; Xml4Uninterpreted += r.Xml4Uninterpreted;
        Skipped["xml2_without_drug_name"] += r.Xml2WithoutName;
        Skipped["xml4_without_value"] += r.Xml4WithoutValue;
        Skipped["xml4_without_test"] += r.Xml4WithoutTest;
        Skipped["other_ma_lk"] += r.OtherMaLk;
    }
}

/// <summary>The conversion failed (too many rejects, a bad --persons snapshot): nothing was written to --out.</summary>
public sealed class Xml130FailedException(string message, Xml130Report report, string reportPath) : Exception(message)
{
    public Xml130Report Report { get; } = report;
    public string ReportPath { get; } = reportPath;
}
