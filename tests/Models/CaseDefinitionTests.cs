using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Tests.Models;

/// <summary>The case definitions of docs/definitions.md, person by person, on a hand-made snapshot loaded with the
/// NCD after-load step (as_of 2025-09-30: 12 months = after 2024-09-30, 90 days = after 2025-07-02, 3 months = after 2025-06-30).</summary>
public sealed class CaseDefinitionTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-ncd-cases-").FullName;
    readonly WarehouseDb db;

    public CaseDefinitionTests()
    {
        db = new WarehouseDb(Path.Combine(dir, "wh.duckdb"));
        var snap = new TinySnapshot(10);
        var persons = snap.Rows["persons.arrow"];
        persons[6]["birth_year"] = (short)1995; persons[6]["birth_date"] = new DateOnly(1995, 1, 1);     // HS0007, 30
        persons[7]["birth_year"] = (short)2015; persons[7]["birth_date"] = new DateOnly(2015, 1, 1);     // HS0008, a child
        persons[8]["death_date"] = new DateOnly(2025, 6, 1);                                              // HS0009, dead
        var enc = snap.Rows["encounters.arrow"];
        enc[6]["visit_time"] = new DateTime(2024, 9, 1, 8, 0, 0); enc[6]["systolic"] = (short)150; enc[6]["diastolic"] = (short)95;
        enc.Add(Encounter("LK0107", "HS0007", new DateTime(2025, 9, 20, 8, 0, 0), null, 400, 80));       // implausible: ignored
        enc[9]["visit_time"] = new DateTime(2024, 1, 10, 8, 0, 0); enc[9]["icd_main"] = "I10"; enc[9]["systolic"] = null; enc[9]["diastolic"] = null;
        enc.Add(Encounter("LK0110", "HS0010", new DateTime(2025, 5, 1, 8, 0, 0), "I10", null, null));
        snap.Rows["medications.arrow"].Add(new()
        {
            ["encounter_id"] = "LK0110", ["record_id"] = "HS0010", ["dispensed_time"] = new DateTime(2025, 5, 1, 9, 0, 0),
            ["drug_name"] = "Amlodipin 5mg", ["active_ingredient"] = "amlodipin", ["atc_code"] = null, ["days_supply"] = (short)30,
        });
        new SnapshotLoader(db, new Pseudonymiser("test-key-0123456789"), [NcdMarts.AfterLoad]).Load(snap.Write(Path.Combine(dir, "s")));
    }

    static Dictionary<string, object?> Encounter(string id, string record, DateTime at, string? icd, int? sys, int? dia) => new()
    {
        ["encounter_id"] = id, ["record_id"] = record, ["facility_code"] = "01001", ["visit_time"] = at, ["kind"] = "01",
        ["icd_main"] = icd, ["icd_other"] = null, ["systolic"] = (short?)sys, ["diastolic"] = (short?)dia,
        ["height_cm"] = null, ["weight_kg"] = null, ["waist_cm"] = null,
    };

    public void Dispose()
    {
        db.Dispose();
        Directory.Delete(dir, true);
    }

    Dictionary<string, string> Status()
    {
        using var c = db.Open();
        return c.Query<(string Id, string S)>("""
            SELECT record_id,
                   concat_ws(' ', CASE WHEN htn_screened THEN 'hs' END, CASE WHEN htn_raised THEN 'hr' END, CASE WHEN htn_diagnosed THEN 'hd' END,
                             CASE WHEN htn_treated THEN 'ht' END, CASE WHEN htn_controlled THEN 'hc' END,
                             CASE WHEN dm_screened THEN 'ds' END, CASE WHEN dm_raised THEN 'dr' END, CASE WHEN dm_diagnosed THEN 'dd' END,
                             CASE WHEN dm_treated THEN 'dt' END, CASE WHEN dm_controlled THEN 'dc' END, prog_status)
            FROM ncd_person ORDER BY record_id
            """).ToDictionary(r => r.Id, r => r.S);
    }

    [Fact]
    public void EveryAdultGetsTheStatusTheDefinitionsGive()
    {
        var s = Status();
        Assert.Equal(new Dictionary<string, string>
        {
            // hx + I10 + amlodipine 18 days ago, BP 125/81; fasting glucose 6.8. Registered since record creation: controlled.
            ["HS0001"] = "hs hd ht hc ds controlled",
            // E11.9 + metformin; HbA1c 53 mmol/mol = 6.9995 % (raised ≥ 6.5, controlled < 7); BP 130/82.
            ["HS0002"] = "hs ds dr dd dt dc",
            // Coversyl (perindopril by brand) 18 days ago, BP 135/83; HbA1c '>20' uses the bound. Diagnosed < 3 months ago: no programme.
            ["HS0003"] = "hs hd ht hc ds dr",
            ["HS0004"] = "hs hr", ["HS0005"] = "hs hr", ["HS0006"] = "hs hr",
            // Reading older than 12 months; the recent one is implausible (400/80) and ignored.
            ["HS0007"] = "",
            // I10 in 2024 and amlodipine 152 days ago: diagnosed, not treated; no visit since 2025-05-01: missed visit.
            ["HS0010"] = "hd missed_visit",
        }, s);
    }

    [Fact]
    public void CellsAddUpToThePersonsAndCascadesNameTheirDenominators()
    {
        using var c = db.Open();
        var cells = Cell.Read(c, "01-2025-09-30");
        var htn = Cascades.Htn(cells);
        Assert.Equal((8, 6, 3, 6, 3, 2, 2), (htn.Adults, htn.Screened, htn.Raised, htn.Affected, htn.Diagnosed, htn.Treated, htn.Controlled));
        var dm = Cascades.Dm(cells);
        Assert.Equal((8, 3, 2, 2, 1, 1, 1), (dm.Adults, dm.Screened, dm.Raised, dm.Affected, dm.Diagnosed, dm.Treated, dm.Controlled));
        var p = Cascades.Programme(cells);
        Assert.Equal((2, 1, 0, 1, 0), (p.Patients, p.Controlled, p.Uncontrolled, p.MissedVisit, p.VisitedWithoutBp));
        Assert.Equal("người đã chẩn đoán", htn.TreatedOfDiagnosed.DenominatorName);
        Assert.Equal(2.0 / 3, htn.TreatedOfDiagnosed.Value!.Value, 9);
    }

    [Fact]
    public void ReplacingASnapshotRecomputesItsRowsOnce()
    {
        using var c = db.Open();
        var before = c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person");
        Assert.Equal(0, NcdMarts.EnsureComputed(db));
        Assert.Equal(before, c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person"));
        Assert.Equal(1, c.ExecuteScalar<long>("SELECT count(*) FROM ncd_done"));
    }
}
