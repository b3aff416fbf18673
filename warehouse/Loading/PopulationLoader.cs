using System.Globalization;
using Dapper;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>What a population file loaded: totals, and per (code system, year) since adding a legacy year's people to a
/// 2025 year's counts the same people twice.</summary>
public sealed record PopulationLoadResult(int Rows, int Units, long People, IReadOnlyList<PopulationLoadGroup> Groups);

/// <summary>Units and people of one code system and year in a population file (people summed over age bands and sexes).</summary>
public sealed record PopulationLoadGroup(string CodeSystem, short Year, int Units, long People);

/// <summary>
/// Official denominators: <c>ward_code,year,population[,permanent_population][,age_band,sex]</c>. Rows with
/// year ≤ 2024 carry legacy codes, year ≥ 2025 the 2025 codes. A load replaces every row of the (code system,
/// ward, year) pairs it contains, in one transaction; any bad row rejects the whole file.
/// </summary>
public static class PopulationLoader
{
    public static readonly string[] AgeBands =
        ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80+"];

    /// <summary>More people than this in one row is a typing error (Việt Nam has about 101 million); the bound also keeps
    /// every total of a file far from overflowing.</summary>
    public const long MaxPopulation = 200_000_000;

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    sealed record Row(string CodeSystem, string Ward, short Year, long Population, long? Permanent, string? Band, sbyte? Sex);

    public static PopulationLoadResult Load(WarehouseDb db, string csvPath)
    {
        var name = Path.GetFileName(csvPath);
        if (!File.Exists(csvPath))
            throw new SnapshotRejectedException(name, null, null, "không tìm thấy tệp dân số.", $"{csvPath} not found");
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0) throw new SnapshotRejectedException(name, null, 1, "tệp trống.", "empty file");
        var header = ReferenceData.SplitCsv(lines[0].TrimStart('\uFEFF')).Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string c) => header.IndexOf(c);
        foreach (var required in new[] { "ward_code", "year", "population" })
            if (Col(required) < 0)
                throw new SnapshotRejectedException(name, required, 1, $"thiếu cột '{required}' ở dòng tiêu đề.", $"missing column {required}");
        var hasBand = Col("age_band") >= 0;
        if (hasBand != Col("sex") >= 0)
            throw new SnapshotRejectedException(name, hasBand ? "sex" : "age_band", 1, "age_band và sex phải đi cùng nhau.", "age_band and sex come together");

        using var conn = db.Open();
        var known = conn.Query<(string Cs, string Code)>("SELECT DISTINCT code_system, code FROM dim_admin_unit WHERE level = 'commune'")
            .ToHashSet();
        var rows = new List<Row>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var line = i + 1;
            var cells = ReferenceData.SplitCsv(lines[i]);
            // A row with more (or fewer) cells than the header is a shifted row: reading it by position would load a wrong number.
            if (cells.Count != header.Count)
                throw new SnapshotRejectedException(name, null, line, $"dòng có {cells.Count} cột trong khi dòng tiêu đề có {header.Count} cột.",
                    $"row has {cells.Count} fields, header has {header.Count}");
            string Cell(string c) => Col(c) is var k and >= 0 && k < cells.Count ? cells[k].Trim() : "";
            var ward = Cell("ward_code");
            if (!short.TryParse(Cell("year"), NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 1990 or > 2100)
                throw new SnapshotRejectedException(name, "year", line, $"năm '{Cell("year")}' không hợp lệ.", "year must be an integer 1990–2100");
            var cs = year <= 2024 ? ReferenceData.SystemLegacy : ReferenceData.System2025;
            if (!known.Contains((cs, ward)))
                throw new SnapshotRejectedException(name, "ward_code", line,
                    $"mã xã '{ward}' không có trong hệ mã {cs} (năm {year}).", $"ward_code {ward} unknown in code system {cs}");
            if (!long.TryParse(Cell("population"), NumberStyles.None, CultureInfo.InvariantCulture, out var population) || population > MaxPopulation)
                throw new SnapshotRejectedException(name, "population", line, string.Create(Vi, $"dân số '{Cell("population")}' phải là số nguyên không âm, tối đa {MaxPopulation:N0}."), "population must be a non-negative integer");
            long? permanent = null;
            if (Cell("permanent_population") is { Length: > 0 } p)
                permanent = long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= MaxPopulation ? v
                    : throw new SnapshotRejectedException(name, "permanent_population", line, string.Create(Vi, $"'{p}' phải là số nguyên không âm, tối đa {MaxPopulation:N0}."), "permanent_population must be a non-negative integer");
            string? band = null;
            sbyte? sex = null;
            if (hasBand)
            {
                band = Cell("age_band");
                if (!AgeBands.Contains(band))
                    throw new SnapshotRejectedException(name, "age_band", line, $"nhóm tuổi '{band}' không hợp lệ (0-4, 5-9, …, 80+).", "age_band must be one of 0-4 … 80+");
                sex = Cell("sex") switch { "1" => 1, "2" => 2, _ => throw new SnapshotRejectedException(name, "sex", line, $"giới tính '{Cell("sex")}' phải là 1 hoặc 2.", "sex must be 1 or 2") };
            }
            rows.Add(new Row(cs, ward, year, population, permanent, band, sex));
        }
        if (rows.Count == 0) throw new SnapshotRejectedException(name, null, null, "tệp không có dòng dữ liệu nào.", "no data rows");
        var dupe = rows.GroupBy(r => (r.CodeSystem, r.Ward, r.Year, r.Band, r.Sex)).FirstOrDefault(g => g.Count() > 1);
        if (dupe is not null)
            throw new SnapshotRejectedException(name, "ward_code", null, $"xã '{dupe.Key.Ward}' năm {dupe.Key.Year} xuất hiện nhiều lần cho cùng nhóm.", "duplicate (ward, year, age_band, sex)");

        using var tx = conn.BeginTransaction();
        conn.Execute("CREATE OR REPLACE TEMP TABLE pop_keys (cs VARCHAR, ward VARCHAR, year SMALLINT)", transaction: tx);
        using (var keys = conn.CreateAppender("temp", "main", "pop_keys"))
            foreach (var k in rows.Select(r => (r.CodeSystem, r.Ward, r.Year)).Distinct())
                keys.CreateRow().AppendValue(k.CodeSystem).AppendValue(k.Ward).AppendValue(k.Year).EndRow();
        conn.Execute("DELETE FROM fact_population f USING pop_keys k WHERE f.code_system = k.cs AND f.ward_code = k.ward AND f.year = k.year", transaction: tx);
        using (var app = conn.CreateAppender("fact_population"))
            foreach (var r in rows)
                app.CreateRow().AppendValue(r.CodeSystem).AppendValue(r.Ward).AppendValue(r.Year).AppendValue(r.Band)
                    .AppendValue(r.Sex).AppendValue(r.Population).AppendValue(r.Permanent).AppendValue(name).EndRow();
        conn.Execute("DROP TABLE pop_keys", transaction: tx);
        // Every snapshot's denominators follow the new rows, in the same transaction.
        Marts.KpiMarts.BuildDenominators(conn, null, tx);
        // Denominators change published figures: readers (HTTP Last-Modified) take this as a change time too.
        conn.Execute("INSERT OR REPLACE INTO wh_meta VALUES ('population_loaded_at', strftime(now()::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f'))", transaction: tx);
        tx.Commit();
        var groups = rows.GroupBy(r => (r.CodeSystem, r.Year)).OrderByDescending(g => g.Key.Year).ThenBy(g => g.Key.CodeSystem, StringComparer.Ordinal)
            .Select(g => new PopulationLoadGroup(g.Key.CodeSystem, g.Key.Year, g.Select(r => r.Ward).Distinct().Count(), g.Sum(r => r.Population)))
            .ToList();
        return new PopulationLoadResult(rows.Count, rows.Select(r => (r.CodeSystem, r.Ward)).Distinct().Count(), rows.Sum(r => r.Population), groups);
    }
}
