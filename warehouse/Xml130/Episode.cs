namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>One HOSO read from an envelope (docs/xml130.md): the XML1 encounter with the person's identity, and the rows
/// of XML2 (medications), XML4 (labs) and XML5 (blood pressure) that belong to it.</summary>
internal sealed class Episode
{
    public required string Facility { get; init; }
    public required string MaLk { get; init; }
    /// <summary>The encounter_id written: MA_LK when it starts with the facility code (unique across facilities), else
    /// <c>MA_CSKCB-MA_LK</c>.</summary>
    public string EncounterId => MaLk.StartsWith(Facility, StringComparison.Ordinal) ? MaLk : Facility + "-" + MaLk;
    public required long VisitTime { get; init; }
    public required string Kind { get; init; }
    public string? IcdMain { get; init; }
    public string? IcdOther { get; init; }
    public float? Weight { get; init; }
    public short? Systolic { get; set; }
    public short? Diastolic { get; set; }
    /// <summary>From the free text of XML5 (no XML 130 field carries height or waist).</summary>
    public float? Height { get; set; }
    public float? Waist { get; set; }
    public bool Format4210 { get; init; }

    public string? CitizenId { get; init; }
    public required IReadOnlyList<string> Cards { get; init; }
    public string? Name { get; init; }
    public short BirthYear { get; init; }
    public DateOnly? BirthDate { get; init; }
    public sbyte Sex { get; init; }
    public string? Province { get; init; }
    public string? District { get; init; }
    public string? Commune { get; init; }

    public List<LabItem> Labs { get; } = [];
    public List<MedItem> Meds { get; } = [];
    /// <summary>The XML2/XML4/XML5 rows read for this episode and those not written (docs/xml130.md, "Rows").</summary>
    public RowCounts Rows;
}

/// <summary>Child rows of one episode or a whole batch: read per table, and the ones not written, by reason.</summary>
internal struct RowCounts
{
    public long Xml2, Xml4, Xml5, Xml4Uninterpreted, Xml2WithoutName, Xml4WithoutValue, Xml4WithoutTest, OtherMaLk;

    public void Add(in RowCounts o)
    {
        Xml2 += o.Xml2; Xml4 += o.Xml4; Xml5 += o.Xml5; Xml4Uninterpreted += o.Xml4Uninterpreted;
        Xml2WithoutName += o.Xml2WithoutName; Xml4WithoutValue += o.Xml4WithoutValue; Xml4WithoutTest += o.Xml4WithoutTest;
        OtherMaLk += o.OtherMaLk;
    }
}

internal readonly record struct LabItem(long Time, string Test, string Value, string? Unit);

internal readonly record struct MedItem(long Time, string Name, string? Ingredient, short? DaysSupply);

/// <summary>Why an episode (or a whole file) was not converted: the rejects report's row.</summary>
public sealed record Xml130Reject(string File, int? Position, string? MaLk, string? Field, string Reason);
