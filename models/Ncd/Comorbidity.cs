using System.Data;
using Dapper;
using HoSoSucKhoe.Models.Disclosure;

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

    const string ByWardSql = """
        SELECT ward_code AS Ward, (htn_diagnosed OR htn_raised) AS H, (dm_diagnosed OR dm_raised) AS D, bmi >= 25 AS O, count(*)::INTEGER AS N
        FROM ncd_person WHERE snapshot_id = $sid AND bmi IS NOT NULL
        GROUP BY ALL
        """;

    static readonly (string Name, int Index)[] Conditions = [("H", 0), ("D", 1), ("O", 2)];

    /// <summary>The unit's table as the audience may see it. The pattern is computed over every commune's table and the
    /// province's, with the relations a reader has: BMI known = Σ combinations; each condition's marginal and its
    /// complement (both follow from the expected counts) = Σ their four combinations; province = Σ communes. A hidden
    /// marginal hides every expected count and observed/expected (they are products of the marginals).</summary>
    public static ComorbidityTable Disclosed(IDbConnection c, string snapshotId, string provinceCode, string unitCode, string? ward, Audience audience)
    {
        var table = Compute(c, snapshotId, unitCode, ward);
        if (audience.SeesRaw(unitCode)) return table;
        var rows = c.Query<(string Ward, bool H, bool D, bool O, int N)>(ByWardSql, new { sid = snapshotId }).ToList();
        var cells = new Dictionary<(string Unit, string Part), long>();
        var relations = new List<Relation<(string, string)>>();
        var units = rows.Select(r => r.Ward).Distinct().Order(StringComparer.Ordinal).ToList();
        string Label(bool h, bool d, bool o) => $"{(h ? "H" : "-")}{(d ? "D" : "-")}{(o ? "O" : "-")}";
        var labels = (from h in new[] { true, false } from d in new[] { true, false } from o in new[] { true, false } select (h, d, o)).ToList();
        foreach (var u in units.Append(provinceCode))
        {
            var mine = u == provinceCode ? rows : rows.Where(r => r.Ward == u).ToList();
            foreach (var (h, d, o) in labels)
                cells[(u, Label(h, d, o))] = mine.Where(r => r.H == h && r.D == d && r.O == o).Sum(r => (long)r.N);
            cells[(u, "n")] = mine.Sum(r => (long)r.N);
            relations.Add(new((u, "n"), labels.Select(l => (u, Label(l.h, l.d, l.o))).ToList()));
            foreach (var (name, i) in Conditions)
            foreach (var with in new[] { true, false })
            {
                var part = (u, name + (with ? "+" : "-"));
                var combos = labels.Where(l => (i == 0 ? l.h : i == 1 ? l.d : l.o) == with).Select(l => (u, Label(l.h, l.d, l.o))).ToList();
                cells[part] = combos.Sum(k => cells[k]);
                relations.Add(new(part, combos));
            }
            foreach (var (name, _) in Conditions) relations.Add(new((u, "n"), [(u, name + "+"), (u, name + "-")]));
        }
        foreach (var part in cells.Keys.Where(k => k.Unit == provinceCode).Select(k => k.Part).ToList())
            relations.Add(new((provinceCode, part), units.Select(u => (u, part)).ToList()));
        var pattern = Disclosure.Disclosure.Protect(cells, k => k.Item2 != "n", relations, k => k.Item2 == "n");

        var few = Disclosure.Disclosure.IsSmall(table.BmiKnown);
        var marginsHidden = few || Conditions.Any(x => pattern.Hides((unitCode, x.Name + "+")) || pattern.Hides((unitCode, x.Name + "-")));
        return table with
        {
            BmiKnown = few ? null : table.BmiKnown,
            Rows = table.Rows.Select(r =>
            {
                var hidden = few || pattern.Hides((unitCode, r.Combination));
                return r with
                {
                    Count = hidden ? null : r.Count, Share = hidden ? null : r.Share,
                    Expected = marginsHidden ? null : r.Expected, ObservedToExpected = hidden || marginsHidden ? null : r.ObservedToExpected,
                    Suppressed = hidden || marginsHidden,
                };
            }).ToList(),
        };
    }
}
