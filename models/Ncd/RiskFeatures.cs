using HoSoSucKhoe.Warehouse.Loading;
using System.Data;
using Dapper;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One adult not yet diagnosed with hypertension or diabetes at the feature snapshot: what the model sees.
/// Missing values are NaN (LightGBM treats them as missing).</summary>
public sealed class RiskRow
{
    public string RecordId { get; set; } = "";
    public string WardCode { get; set; } = "";
    public bool Label { get; set; }
    /// <summary>In the risk list's population at the feature snapshot (<see cref="LineLists.NotScreenedSql"/>): no BP
    /// reading and no glucose test in the 12 months before it. Not a feature.</summary>
    public bool NotScreened { get; set; }
    public string AgeBand { get; set; } = "";
    public float Age { get; set; }
    public float Male { get; set; }
    public float Bmi { get; set; }
    public float LastSystolic { get; set; }
    public float LastDiastolic { get; set; }
    public float HtnScreened { get; set; }
    public float HtnRaised { get; set; }
    public float DmScreened { get; set; }
    public float DmRaised { get; set; }
    public float LastFpg { get; set; }
    public float LastHba1c { get; set; }
    public float Visits12m { get; set; }
    public float DaysSinceVisit { get; set; }
    public float HxCardiovascular { get; set; }
    public float Smoking { get; set; }
    public float Alcohol { get; set; }
    public float Inactive { get; set; }
    public float Verified { get; set; }
    public float Examined { get; set; }
    public float MaxSystolic3y { get; set; }
    public float MeanSystolic3y { get; set; }
    public float MaxDiastolic3y { get; set; }
    public float BpReadings3y { get; set; }
    public float MaxFpg3y { get; set; }
    public float MaxHba1c3y { get; set; }

    public static readonly string[] FeatureNames =
    [
        nameof(Age), nameof(Male), nameof(Bmi), nameof(LastSystolic), nameof(LastDiastolic), nameof(HtnScreened), nameof(HtnRaised),
        nameof(DmScreened), nameof(DmRaised), nameof(LastFpg), nameof(LastHba1c), nameof(Visits12m), nameof(DaysSinceVisit),
        nameof(HxCardiovascular), nameof(Smoking), nameof(Alcohol), nameof(Inactive), nameof(Verified), nameof(Examined),
        nameof(MaxSystolic3y), nameof(MeanSystolic3y), nameof(MaxDiastolic3y), nameof(BpReadings3y), nameof(MaxFpg3y), nameof(MaxHba1c3y),
    ];

    /// <summary>Features that are empty (NaN) or constant (0) by construction for <see cref="NotScreened"/> rows: they
    /// come from the 12-month BP reading and glucose tests that the list rule requires to be absent.</summary>
    public static readonly string[] EmptyWhenNotScreened =
    [
        nameof(LastSystolic), nameof(LastDiastolic), nameof(HtnScreened), nameof(HtnRaised),
        nameof(DmScreened), nameof(DmRaised), nameof(LastFpg), nameof(LastHba1c),
    ];

    /// <summary>The features of the list population's own model: <see cref="FeatureNames"/> without
    /// <see cref="EmptyWhenNotScreened"/>.</summary>
    public static readonly string[] ListFeatureNames = [.. FeatureNames.Except(EmptyWhenNotScreened)];
}

/// <summary>Feature and label extraction in SQL (docs/models.md, "Risk model").</summary>
static class RiskFeatures
{
    // $fsid/$fasof: feature snapshot; $f3y: three years before it. Population: ncd_person adults of the snapshot
    // diagnosed with neither condition.
    static readonly string Features = $"""
        WITH f AS (
            SELECT p.record_id, p.ward_code, p.age_years, p.band_lo, p.sex, p.bmi, p.last_systolic, p.last_diastolic,
                   p.htn_screened, p.htn_raised, p.dm_screened, p.dm_raised, p.last_fpg, p.last_hba1c, p.visits_12m,
                   p.last_visit_date, r.hx_cardiovascular, r.smoking, r.alcohol, r.inactive, r.verified,
                   r.first_exam_date IS NOT NULL AND r.first_exam_date <= $fasof::DATE AS examined,
                   {LineLists.NotScreenedSql("p")} AS not_screened
            FROM ncd_person p JOIN fact_record r ON r.snapshot_id = p.snapshot_id AND r.record_id = p.record_id
            WHERE p.snapshot_id = $fsid AND NOT p.htn_diagnosed AND NOT p.dm_diagnosed),
        h AS (
            SELECT record_id, max(systolic) AS max_sys, avg(systolic) AS mean_sys, max(diastolic) AS max_dia, count(*) AS n_bp
            FROM fact_encounter SEMI JOIN f USING (record_id)
            WHERE snapshot_id = $fsid AND dq_flags & {EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic:D} = 0 AND systolic IS NOT NULL AND diastolic IS NOT NULL
              AND visit_date > $f3y::DATE AND visit_date <= $fasof::DATE
            GROUP BY record_id),
        g AS (
            SELECT record_id, max(value_num) FILTER (WHERE test = 'GLU_FASTING') AS max_fpg,
                   max(value_num) FILTER (WHERE test = 'HBA1C') AS max_hba1c
            FROM fact_lab SEMI JOIN f USING (record_id)
            WHERE snapshot_id = $fsid AND test IN ('GLU_FASTING', 'HBA1C') AND value_num IS NOT NULL AND dq_flags = {LabDq.None:D}
              AND result_time::DATE > $f3y::DATE AND result_time::DATE <= $fasof::DATE
            GROUP BY record_id)
        """;

    const string Columns = """
        f.record_id AS RecordId, f.ward_code AS WardCode, f.not_screened AS NotScreened, f.band_lo::INTEGER AS BandLo, f.age_years::DOUBLE AS Age,
        (f.sex = 1)::INTEGER::DOUBLE AS Male, f.bmi::DOUBLE AS Bmi,
        f.last_systolic::DOUBLE AS LastSystolic, f.last_diastolic::DOUBLE AS LastDiastolic,
        f.htn_screened::INTEGER::DOUBLE AS HtnScreened, f.htn_raised::INTEGER::DOUBLE AS HtnRaised,
        f.dm_screened::INTEGER::DOUBLE AS DmScreened, f.dm_raised::INTEGER::DOUBLE AS DmRaised,
        f.last_fpg AS LastFpg, f.last_hba1c AS LastHba1c, f.visits_12m::DOUBLE AS Visits12m,
        date_diff('day', f.last_visit_date, $fasof::DATE)::DOUBLE AS DaysSinceVisit,
        f.hx_cardiovascular::INTEGER::DOUBLE AS HxCardiovascular, f.smoking::INTEGER::DOUBLE AS Smoking,
        f.alcohol::INTEGER::DOUBLE AS Alcohol, f.inactive::INTEGER::DOUBLE AS Inactive,
        f.verified::INTEGER::DOUBLE AS Verified, f.examined::INTEGER::DOUBLE AS Examined,
        h.max_sys::DOUBLE AS MaxSystolic3y, h.mean_sys::DOUBLE AS MeanSystolic3y, h.max_dia::DOUBLE AS MaxDiastolic3y,
        coalesce(h.n_bp, 0)::DOUBLE AS BpReadings3y, g.max_fpg AS MaxFpg3y, g.max_hba1c AS MaxHba1c3y
        """;

    // Label: diagnosed (either condition) at the label snapshot, or a raised BP reading / raised fasting glucose or
    // HbA1c dated after the feature date and on or before the label date. People absent from the label snapshot's
    // adults (died, moved, left the records) are left out.
    static readonly string LabelledSql = Features + $"""
        ,
        rb AS (
            SELECT DISTINCT record_id FROM fact_encounter
            WHERE snapshot_id = $lsid AND dq_flags & {EncounterDq.ImplausibleSystolic | EncounterDq.ImplausibleDiastolic:D} = 0 AND systolic IS NOT NULL AND diastolic IS NOT NULL
              AND (systolic >= 140 OR diastolic >= 90) AND visit_date > $fasof::DATE AND visit_date <= $lasof::DATE),
        rg AS (
            SELECT DISTINCT record_id FROM fact_lab
            WHERE snapshot_id = $lsid AND value_num IS NOT NULL AND dq_flags = {LabDq.None:D}
              AND ((test = 'GLU_FASTING' AND value_num >= 7.0) OR (test = 'HBA1C' AND value_num >= 6.5))
              AND result_time::DATE > $fasof::DATE AND result_time::DATE <= $lasof::DATE)
        SELECT
        """ + " " + Columns + """
        ,
        (lp.htn_diagnosed OR lp.dm_diagnosed OR rb.record_id IS NOT NULL OR rg.record_id IS NOT NULL) AS Label
        FROM f
        JOIN ncd_person lp ON lp.snapshot_id = $lsid AND lp.record_id = f.record_id
        LEFT JOIN h ON h.record_id = f.record_id LEFT JOIN g ON g.record_id = f.record_id
        LEFT JOIN rb ON rb.record_id = f.record_id LEFT JOIN rg ON rg.record_id = f.record_id
        ORDER BY f.record_id
        """;

    static readonly string UnlabelledSql = Features + " SELECT " + Columns + " " + """
        , false AS Label
        FROM f LEFT JOIN h ON h.record_id = f.record_id LEFT JOIN g ON g.record_id = f.record_id
        ORDER BY f.record_id
        """;

    sealed class Raw
    {
        public string RecordId { get; set; } = "";
        public string WardCode { get; set; } = "";
        public int BandLo { get; set; }
        public bool Label { get; set; }
        public bool NotScreened { get; set; }
        public double? Age { get; set; }
        public double? Male { get; set; }
        public double? Bmi { get; set; }
        public double? LastSystolic { get; set; }
        public double? LastDiastolic { get; set; }
        public double? HtnScreened { get; set; }
        public double? HtnRaised { get; set; }
        public double? DmScreened { get; set; }
        public double? DmRaised { get; set; }
        public double? LastFpg { get; set; }
        public double? LastHba1c { get; set; }
        public double? Visits12m { get; set; }
        public double? DaysSinceVisit { get; set; }
        public double? HxCardiovascular { get; set; }
        public double? Smoking { get; set; }
        public double? Alcohol { get; set; }
        public double? Inactive { get; set; }
        public double? Verified { get; set; }
        public double? Examined { get; set; }
        public double? MaxSystolic3y { get; set; }
        public double? MeanSystolic3y { get; set; }
        public double? MaxDiastolic3y { get; set; }
        public double? BpReadings3y { get; set; }
        public double? MaxFpg3y { get; set; }
        public double? MaxHba1c3y { get; set; }
    }

    public static List<RiskRow> Labelled(IDbConnection c, LoadedSnapshot features, LoadedSnapshot label) =>
        Read(c, LabelledSql, features, label);

    public static List<RiskRow> Unlabelled(IDbConnection c, LoadedSnapshot features) => Read(c, UnlabelledSql, features, null);

    static List<RiskRow> Read(IDbConnection c, string sql, LoadedSnapshot f, LoadedSnapshot? l)
    {
        var fd = f.AsOf.ToDateTime(TimeOnly.MinValue);
        var args = new DynamicParameters(new { fsid = f.SnapshotId, fasof = fd, f3y = fd.AddYears(-3) });
        if (l is not null) args.AddDynamicParams(new { lsid = l.SnapshotId, lasof = l.AsOf.ToDateTime(TimeOnly.MinValue) });
        return c.Query<Raw>(sql, args, commandTimeout: 0).Select(r => new RiskRow
        {
            RecordId = r.RecordId, WardCode = r.WardCode, Label = r.Label, NotScreened = r.NotScreened, AgeBand = AgeStandard.Label(r.BandLo),
            Age = F(r.Age), Male = F(r.Male), Bmi = F(r.Bmi), LastSystolic = F(r.LastSystolic), LastDiastolic = F(r.LastDiastolic),
            HtnScreened = F(r.HtnScreened), HtnRaised = F(r.HtnRaised), DmScreened = F(r.DmScreened), DmRaised = F(r.DmRaised),
            LastFpg = F(r.LastFpg), LastHba1c = F(r.LastHba1c), Visits12m = F(r.Visits12m), DaysSinceVisit = F(r.DaysSinceVisit),
            HxCardiovascular = F(r.HxCardiovascular), Smoking = F(r.Smoking), Alcohol = F(r.Alcohol), Inactive = F(r.Inactive),
            Verified = F(r.Verified), Examined = F(r.Examined), MaxSystolic3y = F(r.MaxSystolic3y), MeanSystolic3y = F(r.MeanSystolic3y),
            MaxDiastolic3y = F(r.MaxDiastolic3y), BpReadings3y = F(r.BpReadings3y), MaxFpg3y = F(r.MaxFpg3y), MaxHba1c3y = F(r.MaxHba1c3y),
        }).ToList();
    }

    static float F(double? v) => v is { } x ? (float)x : float.NaN;
}
