using System.Data;
using Dapper;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One combination of hypertension × diabetes × obesity among adults with a known BMI, with the count that
/// independence of the three would predict (observed / expected &gt; 1: the conditions cluster).</summary>
public sealed record ComorbidityRow(string SnapshotId, string UnitCode, string Combination, string Description, bool Hypertension,
    bool Diabetes, bool Obese, int? Count, double? Share, double? Expected, double? ObservedToExpected, bool Suppressed);

public sealed record ComorbidityTable(string SnapshotId, string UnitCode, int Adults, int? BmiKnown, IReadOnlyList<ComorbidityRow> Rows,
    string Denominator, string ObesityDefinition, string Note);

public static class Comorbidity
{
    public const string ObesityDefinition =
        "Thừa cân/béo phì: BMI ≥ 25 kg/m² (ngưỡng châu Á – Thái Bình Dương của WHO 2000); BMI từ chiều cao và cân nặng hợp lệ gần nhất.";

    const string Sql = """
        SELECT (htn_diagnosed OR htn_raised) AS H, (dm_diagnosed OR dm_raised) AS D,
               CASE WHEN bmi IS NULL THEN NULL ELSE bmi >= 25 END AS O, count(*)::INTEGER AS N
        FROM ncd_person WHERE snapshot_id = $sid AND ($ward::VARCHAR IS NULL OR ward_code = $ward::VARCHAR)
        GROUP BY ALL
        """;

    public static ComorbidityTable Compute(IDbConnection c, string snapshotId, string unitCode, string? ward)
    {
        var cells = c.Query<(bool H, bool D, bool? O, int N)>(Sql, new { sid = snapshotId, ward }).ToList();
        var adults = cells.Sum(x => x.N);
        var known = cells.Where(x => x.O is not null).ToList();
        var n = known.Sum(x => x.N);
        double Rate(Func<(bool H, bool D, bool? O, int N), bool> f) => n == 0 ? 0 : (double)known.Where(f).Sum(x => x.N) / n;
        var ph = Rate(x => x.H);
        var pd = Rate(x => x.D);
        var po = Rate(x => x.O == true);
        var rows = new List<ComorbidityRow>();
        foreach (var h in new[] { true, false })
        foreach (var d in new[] { true, false })
        foreach (var o in new[] { true, false })
        {
            var count = known.Where(x => x.H == h && x.D == d && x.O == o).Sum(x => x.N);
            var expected = n * (h ? ph : 1 - ph) * (d ? pd : 1 - pd) * (o ? po : 1 - po);
            var parts = new List<string>();
            if (h) parts.Add("tăng huyết áp");
            if (d) parts.Add("đái tháo đường");
            if (o) parts.Add("thừa cân/béo phì");
            var label = $"{(h ? "H" : "-")}{(d ? "D" : "-")}{(o ? "O" : "-")}";
            rows.Add(new(snapshotId, unitCode, label, parts.Count == 0 ? "không có bệnh/tình trạng nào trong ba" : string.Join(" + ", parts),
                h, d, o, count, n > 0 ? (double)count / n : null, expected, expected > 0 ? count / expected : null, false));
        }
        return new ComorbidityTable(snapshotId, unitCode, adults, n, rows,
            "người ≥ 18 tuổi có hồ sơ và có BMI (tăng huyết áp = đã chẩn đoán hoặc huyết áp cao; đái tháo đường = đã chẩn đoán hoặc đường huyết cao)",
            ObesityDefinition, Burden.VisitBiasNote);
    }

    /// <summary>Counts of 1–4 hidden for viewers without line-list rights.</summary>
    public static ComorbidityTable Suppress(ComorbidityTable t) => t with
    {
        BmiKnown = Burden.IsSmall(t.BmiKnown) ? null : t.BmiKnown,
        Rows = t.Rows.Select(r => Burden.IsSmall(r.Count) || Burden.IsSmall(t.BmiKnown)
            ? r with { Count = null, Share = null, ObservedToExpected = null, Expected = null, Suppressed = true }
            : r).ToList(),
    };
}
