using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using System.Data;
using Dapper;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One person on an outreach list. Name and phone only when the viewer may see them.</summary>
public sealed record LineListRow(int Rank, string RecordId, string? FullName, string? Phone, int Age, int Sex, string Reason,
    int? PriorityGroup, bool? Verified, bool? Examined, bool? HtnDiagnosed, bool? DmDiagnosed, DateOnly? LastVisit,
    int? LastSystolic, int? LastDiastolic, double? LastHba1c, double? LastFpg, double? RiskScore);

/// <summary>One line-list request in the audit log. <see cref="At"/> carries Vietnam's offset (+07:00).</summary>
public sealed record AuditRow(Guid AuditId, DateTimeOffset At, string UserName, string Role, string UnitCode, string SnapshotId,
    string ListKind, int Rows, bool Identified, string Outcome);

public sealed record LineList(string Kind, string Title, string SnapshotId, DateOnly AsOf, string WardCode, bool Identified,
    int Total, IReadOnlyList<LineListRow> Rows, string? ModelId, string Criteria);

/// <summary>Outreach lists per commune (docs/definitions.md, "Line lists").</summary>
public static class LineLists
{
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["priority"] = "Người thuộc nhóm ưu tiên chưa có hồ sơ được xác thực hoặc chưa được khám",
        ["followup"] = "Người bệnh đã chẩn đoán bỏ tái khám ≥ 3 tháng hoặc chưa kiểm soát ở lần khám gần nhất",
        ["risk"] = "Người chưa chẩn đoán có nguy cơ cao và chưa được sàng lọc trong 12 tháng",
    };

    /// <summary>Share of the snapshot's scored adults (highest scores) called high risk.</summary>
    public const double HighRiskShare = 0.2;

    sealed class Row
    {
        public string RecordId { get; set; } = "";
        public string? FullName { get; set; }
        public string? Phone { get; set; }
        public int Age { get; set; }
        public int Sex { get; set; }
        public int? PriorityGroup { get; set; }
        public bool? Verified { get; set; }
        public bool? Examined { get; set; }
        public bool? HtnDiagnosed { get; set; }
        public bool? DmDiagnosed { get; set; }
        public DateOnly? LastVisit { get; set; }
        public int? LastSystolic { get; set; }
        public int? LastDiastolic { get; set; }
        public double? LastHba1c { get; set; }
        public double? LastFpg { get; set; }
        public double? RiskScore { get; set; }
        public bool Missed { get; set; }
        public bool Uncontrolled { get; set; }
        public long Total { get; set; }
    }

    const string Identity = """
        LEFT JOIN (SELECT record_id, full_name, phone FROM person_identity WHERE snapshot_id = $sid AND $identified) i USING (record_id)
        """;

    static readonly string Priority = $"""
        WITH coded AS (
            -- the commune's records only (the distinct of the whole province's coded records was half the request)
            SELECT DISTINCT record_id FROM fact_encounter
            WHERE snapshot_id = $sid AND (has_htn_code OR has_dm_code) AND visit_date <= $asof::DATE
              AND record_id IN (SELECT record_id FROM fact_record WHERE snapshot_id = $sid AND ward_code = $ward)),
        r AS (
            SELECT r.record_id, r.age_years, r.sex, r.verified,
                   coalesce(r.first_exam_date <= $asof::DATE, false) AS examined,
                   CASE WHEN {PriorityGroups.Group1("c.record_id IS NOT NULL")} THEN 1
                        WHEN {PriorityGroups.Group2Core} THEN 2 ELSE 3 END AS grp
            FROM fact_record r LEFT JOIN coded c ON c.record_id = r.record_id
            WHERE r.snapshot_id = $sid AND r.ward_code = $ward AND (r.death_date IS NULL OR r.death_date > $asof::DATE)
              AND r.dq_flags & {RecordDq.UnknownWard:D} = 0)
        SELECT r.record_id AS RecordId, i.full_name AS FullName, i.phone AS Phone, r.age_years::INTEGER AS Age, r.sex::INTEGER AS Sex,
               r.grp::INTEGER AS PriorityGroup, r.verified AS Verified, r.examined AS Examined, count(*) OVER () AS Total
        FROM r
        """ + " " + Identity + " " + """
        WHERE r.grp IN (1, 2) AND (NOT r.verified OR NOT r.examined)
        ORDER BY r.grp, r.examined, r.verified, r.age_years DESC, r.record_id
        LIMIT $limit
        """;

    const string Followup = """
        WITH p AS (
            SELECT *,
                   last_visit_date IS NULL OR last_visit_date <= $m3::DATE AS missed,
                   (htn_diagnosed AND htn_raised)
                   OR (dm_diagnosed AND coalesce(CASE WHEN last_hba1c IS NOT NULL THEN last_hba1c >= 7 ELSE last_fpg >= 7.0 END, false)) AS uncontrolled
            FROM ncd_person WHERE snapshot_id = $sid AND ward_code = $ward AND (htn_diagnosed OR dm_diagnosed))
        SELECT p.record_id AS RecordId, i.full_name AS FullName, i.phone AS Phone, p.age_years::INTEGER AS Age, p.sex::INTEGER AS Sex,
               p.htn_diagnosed AS HtnDiagnosed, p.dm_diagnosed AS DmDiagnosed, p.last_visit_date AS LastVisit,
               p.last_systolic::INTEGER AS LastSystolic, p.last_diastolic::INTEGER AS LastDiastolic, p.last_hba1c AS LastHba1c,
               p.last_fpg AS LastFpg, p.missed AS Missed, p.uncontrolled AS Uncontrolled, count(*) OVER () AS Total
        FROM p
        """ + " " + Identity + " " + """
        WHERE p.missed OR p.uncontrolled
        ORDER BY (p.missed AND p.uncontrolled) DESC, p.uncontrolled DESC, p.last_systolic DESC NULLS LAST,
                 p.last_visit_date NULLS FIRST, p.record_id
        LIMIT $limit
        """;

    /// <summary>The risk list's population rule over an <c>ncd_person</c> row aliased <paramref name="alias"/>: no
    /// blood-pressure reading and no fasting glucose/HbA1c test in the 12 months before the snapshot (the case
    /// definitions' screened flags). The risk model's evaluation by population uses this same text.</summary>
    public static string NotScreenedSql(string alias) => $"NOT {alias}.htn_screened AND NOT {alias}.dm_screened";

    static readonly string Risk = $"""
        WITH cut AS (SELECT quantile_cont(score, 1 - $share) AS q FROM ncd_risk_score WHERE snapshot_id = $sid),
        p AS (
            SELECT p.*, s.score FROM ncd_person p JOIN ncd_risk_score s USING (snapshot_id, record_id)
            WHERE p.snapshot_id = $sid AND p.ward_code = $ward AND {NotScreenedSql("p")}
              AND s.score >= (SELECT q FROM cut))
        SELECT p.record_id AS RecordId, i.full_name AS FullName, i.phone AS Phone, p.age_years::INTEGER AS Age, p.sex::INTEGER AS Sex,
               p.last_visit_date AS LastVisit, p.score::DOUBLE AS RiskScore, false AS HtnDiagnosed, false AS DmDiagnosed,
               count(*) OVER () AS Total
        FROM p
        """ + " " + Identity + " " + """
        ORDER BY p.score DESC, p.record_id
        LIMIT $limit
        """;

    /// <summary>The list of one kind for one commune. <paramref name="identified"/> joins names and phones.</summary>
    public static LineList Query(IDbConnection c, LoadedSnapshot s, string kind, string ward, bool identified, int limit, string? modelId)
    {
        var d = s.AsOf.ToDateTime(TimeOnly.MinValue);
        var sql = kind switch
        {
            "priority" => Priority,
            "followup" => Followup,
            "risk" => Risk,
            _ => throw new ArgumentException($"loại danh sách '{kind}' không tồn tại; dùng: {string.Join(", ", Kinds.Keys)}.", nameof(kind)),
        };
        var rows = c.Query<Row>(sql, new { sid = s.SnapshotId, asof = d, m3 = d.AddMonths(-3), ward, identified, limit, share = HighRiskShare }).ToList();
        var list = rows.Select((r, i) => new LineListRow(i + 1, r.RecordId, r.FullName, r.Phone, r.Age, r.Sex, Reason(kind, r),
            r.PriorityGroup, r.Verified, r.Examined, r.HtnDiagnosed, r.DmDiagnosed,
            r.LastVisit, r.LastSystolic, r.LastDiastolic, r.LastHba1c, r.LastFpg, r.RiskScore)).ToList();
        return new LineList(kind, Kinds[kind], s.SnapshotId, s.AsOf, ward, identified, rows.Count == 0 ? 0 : (int)rows[0].Total, list,
            kind == "risk" ? modelId : null, Criteria(kind));
    }

    static string Reason(string kind, Row r) => kind switch
    {
        "priority" => string.Create(Vietnamese.Culture, $"Nhóm ưu tiên {r.PriorityGroup}: ") + string.Join(", ",
            new[] { r.Verified == false ? "hồ sơ chưa được xác thực" : null, r.Examined == false ? "chưa được khám tạo lập hồ sơ" : null }.OfType<string>()),
        "followup" => string.Join(", ", new[]
        {
            r.Uncontrolled ? "chưa kiểm soát ở lần đo gần nhất" : null,
            r.Missed ? (r.LastVisit is { } v ? string.Create(Vietnamese.Culture, $"không tái khám từ {v:dd/MM/yyyy}") : "chưa có lượt khám nào") : null,
        }.OfType<string>()),
        _ => RiskReason(r.RiskScore),
    };

    internal static string RiskReason(double? score) =>
        string.Create(Vietnamese.Culture, $"Điểm nguy cơ {score:0.00}, chưa đo huyết áp hay xét nghiệm đường huyết trong 12 tháng");

    internal static string Criteria(string kind) => kind switch
    {
        "priority" => "Hồ sơ còn hiệu lực của xã, thuộc nhóm ưu tiên 1 (≥ 50 tuổi hoặc có tiền sử/mã bệnh tăng huyết áp, đái tháo đường, tim mạch) hoặc nhóm 2 (mang thai, dưới 16 tuổi), chưa xác thực hoặc chưa khám. Thứ tự: nhóm 1 trước, chưa khám trước, tuổi cao trước.",
        "followup" => "Người ≥ 18 tuổi đã chẩn đoán tăng huyết áp hoặc đái tháo đường, không có lượt khám trong 3 tháng hoặc chỉ số gần nhất chưa đạt (HA ≥ 140/90; HbA1c ≥ 7 % hoặc đường huyết đói ≥ 7,0 mmol/L). Thứ tự: cả hai lý do trước, rồi chưa kiểm soát (HA tâm thu cao trước), rồi bỏ tái khám lâu nhất.",
        _ => string.Create(Vietnamese.Culture, $"Người ≥ 18 tuổi chưa chẩn đoán, không đo huyết áp và không xét nghiệm đường huyết trong 12 tháng, điểm nguy cơ thuộc {HighRiskShare:P0} cao nhất của tỉnh. Thứ tự: điểm cao trước."),
    };

    /// <summary>Vietnam's offset from UTC: fixed, the country has not observed daylight saving time since 1975 (and
    /// a fixed offset needs no time-zone database on the server).</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>Writes one audit row (also for requests denied to the caller, outcome 'denied', and for an allowed caller's bad parameter, outcome 'refused'). accessed_at holds UTC: DuckDB's
    /// now()::TIMESTAMP would hold the wall time of whatever zone the server runs in, with nothing saying which.</summary>
    public static void Audit(IDbConnection c, string user, string role, string unit, string snapshotId, string kind, int rows, bool identified, string outcome) =>
        c.Execute("""
            INSERT INTO ncd_audit (accessed_at, user_name, role, unit_code, snapshot_id, list_kind, row_count, identified, outcome)
            VALUES ($at, $user, $role, $unit, $sid, $kind, $rows, $identified, $outcome)
            """, new { at = DateTime.UtcNow, user, role, unit, sid = snapshotId, kind, rows, identified, outcome });

    /// <summary>The latest audit rows, newest first, times in Vietnam's offset.</summary>
    public static List<AuditRow> AuditLog(IDbConnection c, int limit) =>
        c.Query<StoredAudit>("""
            SELECT audit_id AS AuditId, accessed_at AS At, user_name AS UserName, role AS Role, unit_code AS UnitCode, snapshot_id AS SnapshotId,
                   list_kind AS ListKind, row_count AS Rows, identified AS Identified, outcome AS Outcome
            FROM ncd_audit ORDER BY accessed_at DESC LIMIT $limit
            """, new { limit })
            .Select(r => new AuditRow(r.AuditId, new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)).ToOffset(VietnamOffset),
                r.UserName, r.Role, r.UnitCode, r.SnapshotId, r.ListKind, r.Rows, r.Identified, r.Outcome))
            .ToList();

    sealed record StoredAudit(Guid AuditId, DateTime At, string UserName, string Role, string UnitCode, string SnapshotId,
        string ListKind, int Rows, bool Identified, string Outcome);
}
