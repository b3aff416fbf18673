using System.Data;
using System.Text.Json;
using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Tests.Xml130;

/// <summary>
/// The generator's visits written as XML 130 and converted back give the direct snapshot's figures: every coverage mart,
/// the NCD person table and cells, and the cascades and prevalence estimates computed from them. What XML 130 cannot
/// carry is stated and checked row by row (docs/xml130.md, "Round trip"):
/// <list type="bullet">
/// <item>encounter_id: a MA_LK that does not start with the facility code becomes <c>MA_CSKCB-MA_LK</c>;</item>
/// <item>times are <c>yyyyMMddHHmm</c>: visit, result and dispensing times lose their seconds;</item>
/// <item>atc_code: XML2 has no ATC field, so a drug whose class only the delivered ATC gave (not the warehouse's
/// ingredient table) is classified 'unknown' instead of 'other', and a delivered ATC more specific than the table's
/// (insulin premix) becomes the table's code of the same group; no NCD drug group changes.</item>
/// </list>
/// Height and waist, which have no XML1 field, travel in XML5's free text and come back equal.
/// </summary>
[Collection("warehouse")]
public sealed class RoundTripTests(WarehouseFixture fixture)
{
    const string Id = "regexp_replace(encounter_id, '^[0-9]{5}-', '')";

    [Fact]
    public void GeneratedVisitsSentAsXml130GiveTheSameCoverageCascadesAndPrevalenceAsTheDirectSnapshot()
    {
        var direct = fixture.SnapshotFolders[^1];
        var work = fixture.NewFolder("xml130-roundtrip");
        var registry = Path.Combine(work, "registry");
        var sent = Xml130Export.Write(direct, Path.Combine(work, "xml"), registry);
        var report = Xml130Converter.Convert(new Xml130Options([Path.Combine(work, "xml")], registry, Path.Combine(work, "converted")));

        Assert.True(sent > 1000, $"{sent} episodes");
        Assert.Equal((sent, 0L, 0L), (report.Kept, report.Rejected, report.Unmatched));
        using var db = new WarehouseDb(fixture.CopyDatabase());
        WarehouseFixture.Loader(db).Load(Path.Combine(work, "converted"));
        var a = Manifest.Read(direct).SnapshotId;
        var b = report.SnapshotId!;
        using var c = db.Open();
        var p = new { a, b };

        // Facts, with the stated differences taken out.
        Assert.Equal(0, Differing(c, "fact_encounter", $"{Id}, record_id, facility_code, date_trunc('minute', visit_time), visit_date, kind, icd_main, icd_other, has_htn_code, has_dm_code, systolic, diastolic, height_cm, weight_kg, waist_cm, dq_flags", p));
        Assert.True(c.ExecuteScalar<long>("SELECT count(*) FROM fact_encounter WHERE snapshot_id = $b AND (height_cm IS NOT NULL OR waist_cm IS NOT NULL) AND encounter_id LIKE '_____-%'", p) > 100,
            "heights and waists of converted visits");
        Assert.Equal(0, Differing(c, "fact_lab", $"{Id}, record_id, date_trunc('minute', result_time), test, value_text, unit, value_num, canonical_unit, censored, parse_status, dq_flags", p));
        Assert.Equal(0, Differing(c, "fact_medication", $"{Id}, record_id, date_trunc('minute', dispensed_time), drug_name, active_ingredient, days_supply, CASE WHEN drug_group IN ('antihypertensive', 'antidiabetic', 'lipid') THEN drug_group END", p));
        // The only class changes: a delivered ATC the ingredient table does not know ('other' → 'unknown'), or a more
        // specific delivered ATC than the table's code for the ingredient (insulin premix A10AD01 → A10AB01, same group).
        var classChanges = c.Query<(string? Atc, string? Resolved, string DirectGroup, string? ConvertedResolved, string ConvertedGroup)>($"""
            SELECT DISTINCT x.atc_code, x.atc_resolved, x.drug_group, y.atc_resolved, y.drug_group
            FROM fact_medication x JOIN fact_medication y
              ON {Id.Replace("encounter_id", "x.encounter_id")} = {Id.Replace("encounter_id", "y.encounter_id")}
             AND x.drug_name = y.drug_name AND date_trunc('minute', x.dispensed_time) = date_trunc('minute', y.dispensed_time)
            WHERE x.snapshot_id = $a AND y.snapshot_id = $b
              AND (x.atc_resolved IS DISTINCT FROM y.atc_resolved OR x.drug_group <> y.drug_group)
            """, p).ToList();
        Assert.All(classChanges, d => Assert.True(d.Atc is not null && d.Resolved == d.Atc
            && (d is { DirectGroup: "other", ConvertedResolved: null, ConvertedGroup: "unknown" }
                || (d.ConvertedResolved is not null && d.ConvertedGroup == d.DirectGroup)), d.ToString()));
        // Seconds cannot reorder anything: no person has two encounters, results or dispensings within one minute.
        Assert.Equal(0, c.ExecuteScalar<long>("""
            SELECT count(*) FROM (SELECT record_id, date_trunc('minute', visit_time) FROM fact_encounter WHERE snapshot_id = $a
                                  GROUP BY ALL HAVING count(DISTINCT visit_time) > 1)
            """, p));

        // Every mart and the NCD tables, all columns.
        var tables = c.Query<string>("""
            SELECT table_name FROM information_schema.columns
            WHERE column_name = 'snapshot_id' AND (table_name LIKE 'mart_%' OR table_name IN ('ncd_person', 'ncd_cell'))
            GROUP BY 1 ORDER BY 1
            """).ToList();
        Assert.Contains("mart_unit_kpi", tables);
        Assert.Contains("ncd_cell", tables);
        var differing = tables.Select(t => (t, n: Differing(c, t, "* EXCLUDE (snapshot_id)", p))).Where(x => x.n > 0).Select(x => $"{x.t}: {x.n}").ToList();
        Assert.True(differing.Count == 0, string.Join("; ", differing));

        // The figures users read: cascades and prevalence (every measure, sex, 18+), computed from each snapshot.
        var directData = Ncd(db, c, a);
        var convertedData = Ncd(db, c, b);
        Assert.Equal(Json(directData.Cascades(), a), Json(convertedData.Cascades(), b));
        Assert.Contains(directData.Cascades(), r => r.Hypertension.Diagnosed > 0 && r.Diabetes.Treated > 0);
        foreach (var m in Measure.All)
            foreach (var sex in Burden.Sexes)
                Assert.Equal(Json(directData.Prevalence(m, sex, AgeStandard.Group("18+")), a),
                             Json(convertedData.Prevalence(m, sex, AgeStandard.Group("18+")), b));
    }

    /// <summary>Rows of <paramref name="table"/> (projected on <paramref name="columns"/>) in one snapshot and not the
    /// other, both ways, duplicates counted.</summary>
    static long Differing(IDbConnection c, string table, string columns, object p) => c.ExecuteScalar<long>($"""
        SELECT count(*) FROM (
          (SELECT {columns} FROM {table} WHERE snapshot_id = $a EXCEPT ALL SELECT {columns} FROM {table} WHERE snapshot_id = $b)
          UNION ALL
          (SELECT {columns} FROM {table} WHERE snapshot_id = $b EXCEPT ALL SELECT {columns} FROM {table} WHERE snapshot_id = $a))
        """, p);

    static NcdData Ncd(WarehouseDb db, IDbConnection c, string snapshotId) =>
        NcdData.Load(db, SnapshotCatalog.All(c).Single(s => s.SnapshotId == snapshotId));

    static string Json<T>(T value, string snapshotId) => JsonSerializer.Serialize(value).Replace(snapshotId, "S", StringComparison.Ordinal);
}
