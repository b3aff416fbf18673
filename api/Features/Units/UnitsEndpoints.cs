using Dapper;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Api.Features.Units;

/// <summary>An administrative unit as named on a date (names and types are effective-dated; codes stay).</summary>
public sealed record UnitRow(string CodeSystem, string Level, string Code, string? ParentCode, string ProvinceCode,
    string Name, string FullName, string UnitType, DateOnly ValidFrom, DateOnly? ValidTo)
{
    /// <summary>Per (code system, code) the version in force on $on — or, when $strict is false, the latest version
    /// that started by then (so legacy units still show their last names today). Filters are optional.</summary>
    public const string Sql = """
        SELECT code_system AS CodeSystem, level AS Level, code AS Code, parent_code AS ParentCode, province_code AS ProvinceCode,
               name AS Name, full_name AS FullName, unit_type AS UnitType, valid_from AS ValidFrom, valid_to AS ValidTo
        FROM (
            SELECT *, replace(strip_accents(lower(full_name)), 'đ', 'd') AS full_ascii
            FROM dim_admin_unit
            WHERE valid_from <= $on
              AND ($system IS NULL OR code_system = $system)
              AND ($level IS NULL OR level = $level)
              AND ($parent IS NULL OR parent_code = $parent)
              AND ($code IS NULL OR code = $code)
            QUALIFY row_number() OVER (PARTITION BY code_system, code ORDER BY valid_from DESC) = 1
        )
        WHERE (NOT $strict OR valid_to IS NULL OR $on < valid_to)
          AND ($q = '' OR contains(name_ascii, $q) OR contains(full_ascii, $q) OR starts_with(code, $q))
        ORDER BY (name_ascii = $q OR full_ascii = $q OR code = $q) DESC, starts_with(name_ascii, $q) DESC,
                 code_system, CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, name COLLATE vi, code
        LIMIT $limit
        """;
}

/// <summary>Old (legacy) commune → new (2025) commune, with the share of the old commune allocated to the new one.</summary>
public sealed record BridgeRow(string OldCode, string OldName, string? OldDistrictCode, string OldProvinceCode,
    string NewCode, string NewName, string NewProvinceCode, string Link, double Weight)
{
    /// <summary>The links of every old commune under a legacy unit ($system = 'legacy'), or of every new commune under a
    /// 2025 unit ($system = '2025'). Names: each unit's latest version.</summary>
    public const string Sql = """
        WITH latest AS (
            SELECT code_system, code, arg_max(full_name, valid_from) AS full_name, arg_max(parent_code, valid_from) AS parent_code,
                   arg_max(province_code, valid_from) AS province_code
            FROM dim_admin_unit WHERE level = 'commune' GROUP BY ALL
        )
        SELECT b.old_code AS OldCode, o.full_name AS OldName, o.parent_code AS OldDistrictCode, o.province_code AS OldProvinceCode,
               b.new_code AS NewCode, n.full_name AS NewName, n.province_code AS NewProvinceCode, b.link AS Link, b.weight AS Weight
        FROM dim_unit_bridge b
        JOIN latest o ON o.code_system = 'legacy' AND o.code = b.old_code
        JOIN latest n ON n.code_system = '2025' AND n.code = b.new_code
        WHERE CASE $system WHEN 'legacy' THEN $code IN (o.code, o.parent_code, o.province_code)
                           ELSE $code IN (n.code, n.province_code) END
        ORDER BY b.old_code, b.new_code
        """;
}

/// <summary>Administrative units of both code systems (public reference data: any authenticated caller may read it).</summary>
public static class UnitsEndpoints
{
    static readonly string[] Systems = [ReferenceData.System2025, ReferenceData.SystemLegacy];
    static readonly string[] LevelNames = [Levels.Province, Levels.District, Levels.Commune];

    public static void MapUnits(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units").WithTags("Units").WithWarehouseCache();

        group.MapGet("/", (WarehouseDb db, string? q, string? system, string? level, string? parent, string? on, string? limit) =>
        {
            var folded = Text.Fold(q);
            var rows = Query(db, System(system, null), Level(level), parent, null, folded, Parameters.Date("on", on), Parameters.Int("limit", limit, 1, 500) ?? 20);
            return new Table<UnitRow>(rows, "don-vi");
        }).WithSummary("Tìm đơn vị theo tên (có hoặc không dấu) hoặc mã; lọc theo hệ mã, cấp, đơn vị cha và ngày hiệu lực.");

        group.MapGet("/{code}", (WarehouseDb db, string code, string? system, string? on) =>
        {
            var cs = System(system, ReferenceData.System2025)!;
            var date = Parameters.Date("on", on);
            var rows = Query(db, cs, null, null, code, "", date, 1);
            return rows.Count == 1 ? TableRow(rows[0], $"don-vi-{code}") : throw NotFound(db, cs, code, date);
        }).WithSummary("Một đơn vị với tên và loại có hiệu lực vào ngày 'on' (mặc định hôm nay).");

        group.MapGet("/{code}/history", (WarehouseDb db, string code, string? system) =>
        {
            var cs = System(system, ReferenceData.System2025)!;
            using var c = db.Open();
            var rows = c.Query<UnitRow>("""
                SELECT code_system AS CodeSystem, level AS Level, code AS Code, parent_code AS ParentCode, province_code AS ProvinceCode,
                       name AS Name, full_name AS FullName, unit_type AS UnitType, valid_from AS ValidFrom, valid_to AS ValidTo
                FROM dim_admin_unit WHERE code_system = $cs AND code = $code ORDER BY valid_from
                """, new { cs, code }).ToList();
            return rows.Count > 0 ? new Table<UnitRow>(rows, $"lich-su-{code}") : throw Problems.UnitNotFound(cs, code);
        }).WithSummary("Mọi phiên bản tên/loại của một đơn vị theo thời gian.");

        group.MapGet("/{code}/children", (WarehouseDb db, string code, string? system, string? on) =>
        {
            var cs = System(system, ReferenceData.System2025)!;
            var date = Parameters.Date("on", on);
            if (Query(db, cs, null, null, code, "", date, 1).Count == 0) throw NotFound(db, cs, code, date);
            return new Table<UnitRow>(Query(db, cs, null, code, null, "", date, 10_000), $"don-vi-con-{code}");
        }).WithSummary("Các đơn vị trực thuộc (tỉnh → xã; hệ mã cũ: tỉnh → huyện → xã).");

        group.MapGet("/{code}/bridge", (WarehouseDb db, string code, string? system) =>
        {
            var cs = System(system, ReferenceData.System2025)!;
            using var c = db.Open();
            if (c.ExecuteScalar<long>("SELECT count(*) FROM dim_admin_unit WHERE code_system = $cs AND code = $code", new { cs, code }) == 0)
                throw Problems.UnitNotFound(cs, code);
            return new Table<BridgeRow>(c.Query<BridgeRow>(BridgeRow.Sql, new { system = cs, code }).ToList(), $"chuyen-doi-{code}");
        }).WithSummary("Bảng chuyển đổi cũ → mới (system=legacy: các xã cũ của đơn vị và xã mới tương ứng) hoặc mới → cũ (system=2025), kèm loại liên kết (full/partial) và trọng số phân bổ.");
    }

    static TableRow<UnitRow> TableRow(UnitRow row, string name) => new(row, name);

    static List<UnitRow> Query(WarehouseDb db, string? system, string? level, string? parent, string? code, string q, DateOnly? on, int limit)
    {
        using var c = db.Open();
        var date = (on ?? DateOnly.FromDateTime(DateTime.Today)).ToDateTime(TimeOnly.MinValue);
        return c.Query<UnitRow>(UnitRow.Sql, new { system, level, parent, code, q, on = date, strict = on is not null, limit }).ToList();
    }

    /// <summary>404 that says whether the unit exists at another date.</summary>
    static ProblemException NotFound(WarehouseDb db, string system, string code, DateOnly? on)
    {
        using var c = db.Open();
        var range = c.QueryFirstOrDefault<(DateTime From, DateTime? To)?>(
            "SELECT min(valid_from)::TIMESTAMP, max(coalesce(valid_to, DATE '9999-12-31'))::TIMESTAMP FROM dim_admin_unit WHERE code_system = $system AND code = $code HAVING count(*) > 0",
            new { system, code });
        if (range is not { } r || on is null) return Problems.UnitNotFound(system, code);
        var to = r.To is { Year: 9999 } ? "nay" : $"{r.To:dd/MM/yyyy}";
        return new ProblemException(StatusCodes.Status404NotFound, "Không tìm thấy đơn vị",
            $"Đơn vị mã '{code}' (hệ mã {system}) không có hiệu lực vào ngày {on:dd/MM/yyyy}; hiệu lực từ {r.From:dd/MM/yyyy} đến {to}.");
    }

    static string? System(string? value, string? fallback) =>
        value is null ? fallback : Systems.Contains(value) ? value : throw Problems.OneOf("system", value, Systems);

    static string? Level(string? value) =>
        value is null || LevelNames.Contains(value) ? value : throw Problems.OneOf("level", value, LevelNames);
}
