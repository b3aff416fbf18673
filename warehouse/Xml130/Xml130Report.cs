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
    public List<UnrecordedVisitors> UnrecordedVisitors { get; set; } = [];
    public List<Xml130Reject> Rejects { get; set; } = [];
    public double Seconds { get; set; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static Xml130Report Read(string path) => JsonSerializer.Deserialize<Xml130Report>(File.ReadAllText(path), Json)!;
}

/// <summary>The conversion failed (too many rejects, a bad --persons snapshot): nothing was written to --out.</summary>
public sealed class Xml130FailedException(string message, Xml130Report report, string reportPath) : Exception(message)
{
    public Xml130Report Report { get; } = report;
    public string ReportPath { get; } = reportPath;
}
