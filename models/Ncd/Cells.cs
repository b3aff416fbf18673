using System.Data;
using Dapper;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One row of ncd_cell: counts for a snapshot × commune × sex × five-year band.</summary>
public sealed class Cell
{
    public required string SnapshotId { get; init; }
    public required string WardCode { get; init; }
    public int Sex { get; init; }
    public int BandLo { get; init; }
    public int Adults { get; init; }
    public int HtnScreened { get; init; }
    public int HtnRaised { get; init; }
    public int HtnHypertensive { get; init; }
    public int HtnDiagnosed { get; init; }
    public int HtnTreated { get; init; }
    public int HtnControlled { get; init; }
    public int HtnScreenedHypertensive { get; init; }
    public int DmScreened { get; init; }
    public int DmRaised { get; init; }
    public int DmHyperglycaemic { get; init; }
    public int DmDiagnosed { get; init; }
    public int DmTreated { get; init; }
    public int DmControlled { get; init; }
    public int DmScreenedHyperglycaemic { get; init; }
    public int BmiKnown { get; init; }
    public int Obese { get; init; }
    public int ProgPatients { get; init; }
    public int ProgControlled { get; init; }
    public int ProgUncontrolled { get; init; }
    public int ProgMissedVisit { get; init; }
    public int ProgNoBp { get; init; }

    const string Select = """
        SELECT snapshot_id AS SnapshotId, ward_code AS WardCode, sex::INTEGER AS Sex, band_lo::INTEGER AS BandLo,
               adults AS Adults, htn_screened AS HtnScreened, htn_raised AS HtnRaised, htn_hypertensive AS HtnHypertensive,
               htn_diagnosed AS HtnDiagnosed, htn_treated AS HtnTreated, htn_controlled AS HtnControlled,
               htn_screened_hypertensive AS HtnScreenedHypertensive, dm_screened AS DmScreened, dm_raised AS DmRaised,
               dm_hyperglycaemic AS DmHyperglycaemic, dm_diagnosed AS DmDiagnosed, dm_treated AS DmTreated,
               dm_controlled AS DmControlled, dm_screened_hyperglycaemic AS DmScreenedHyperglycaemic,
               bmi_known AS BmiKnown, obese AS Obese, prog_patients AS ProgPatients, prog_controlled AS ProgControlled,
               prog_uncontrolled AS ProgUncontrolled, prog_missed_visit AS ProgMissedVisit, prog_no_bp AS ProgNoBp
        FROM ncd_cell
        """;

    public static List<Cell> Read(IDbConnection c, string snapshotId) =>
        c.Query<Cell>(Select + " WHERE snapshot_id = $sid", new { sid = snapshotId }).ToList();
}

/// <summary>A snapshot as the NCD figures need it.</summary>
public sealed record SnapshotInfo(string SnapshotId, string ProvinceCode, DateOnly AsOf, string CodeSystem)
{
    const string Select = """
        SELECT snapshot_id AS SnapshotId, province_code AS ProvinceCode, as_of AS AsOf, code_system AS CodeSystem FROM fact_snapshot
        """;

    public static List<SnapshotInfo> All(IDbConnection c) =>
        c.Query<(string Id, string Province, DateOnly AsOf, string Cs)>(Select + " ORDER BY as_of, snapshot_id")
            .Select(r => new SnapshotInfo(r.Id, r.Province, r.AsOf, r.Cs)).ToList();

    /// <summary>The named snapshot, or the latest one when <paramref name="snapshotId"/> is null.</summary>
    public static SnapshotInfo? Find(IDbConnection c, string? snapshotId)
    {
        var all = All(c);
        return snapshotId is null ? all.LastOrDefault() : all.FirstOrDefault(s => s.SnapshotId == snapshotId);
    }

    /// <summary>Commune names of the snapshot's code system in force on its date.</summary>
    public Dictionary<string, string> CommuneNames(IDbConnection c) =>
        c.Query<(string Code, string Name)>("""
            SELECT code, full_name FROM dim_admin_unit
            WHERE code_system = $cs AND level = 'commune' AND province_code = $p
              AND valid_from <= $d AND (valid_to IS NULL OR $d < valid_to)
            """, new { cs = CodeSystem, p = ProvinceCode, d = AsOf.ToDateTime(TimeOnly.MinValue) })
            .ToDictionary(r => r.Code, r => r.Name);

    public string ProvinceName(IDbConnection c) =>
        c.QueryFirstOrDefault<string>("""
            SELECT full_name FROM dim_admin_unit WHERE code_system = $cs AND level = 'province' AND code = $p
            ORDER BY valid_from DESC LIMIT 1
            """, new { cs = CodeSystem, p = ProvinceCode }) ?? ProvinceCode;
}
