using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>The appendix's figures exactly as the API's coverage endpoints read them: the children table of a province
/// or legacy district (<see cref="CoverageQueries.Children"/>), or a commune's own row (its data-quality report's
/// coverage row, the same row its province's table has); <see cref="Table"/> is the children table itself (for the
/// charts sheet), none for a commune. Nothing here computes a figure.</summary>
sealed record AppendixData(LoadedSnapshot Snapshot, string Code, string Level, string Name, string ProvinceName,
    IReadOnlyList<CoverageRow> Rows, CoverageRow? Total, IReadOnlyList<CoverageTarget> Targets, CoverageTarget? MarkedTarget,
    IReadOnlyList<DenominatorYear> DenominatorYears, CoverageTable? Table)
{
    public static AppendixData Read(CoverageQueries queries, AppendixWorkbookRequest request)
    {
        var code = request.Unit;
        var level = code.Length switch { 2 => Levels.Province, 3 => Levels.District, 5 => Levels.Commune, _ => "" };
        LoadedSnapshot snapshot;
        string name;
        List<CoverageRow> rows;
        CoverageRow? total;
        IReadOnlyList<CoverageTarget> targets;
        CoverageTable? children = null;
        if (level == Levels.Commune)
        {
            var dq = queries.DataQuality(code, request.SnapshotId);
            (snapshot, name, rows, total) = (dq.Unit.Snapshot, dq.Unit.Name, [dq.Coverage], null);
            targets = dq.Coverage.Targets.Select(g => new CoverageTarget { Percent = g.Percent, Year = g.Year, Level = Levels.Commune }).ToList();
        }
        else
        {
            // Children validates the code (a malformed one throws ArgumentException naming the parameter).
            var table = queries.Children(new CoverageRequest(code) { SnapshotId = request.SnapshotId });
            (snapshot, name, rows, total, targets) = (table.Snapshot, table.Total.Name, [.. table.Rows], table.Total, table.Targets);
            children = table;
        }
        if (request.UnitOrder is { Count: > 0 } order)
        {
            var rank = order.Select((c, i) => (c, i)).GroupBy(x => x.c).ToDictionary(g => g.Key, g => g.First().i);
            rows = [.. rows.OrderBy(r => rank.GetValueOrDefault(r.Code, int.MaxValue)).ThenBy(r => r.Code, StringComparer.Ordinal)];
        }
        var marked = request.TargetKey is { } key
            ? targets.FirstOrDefault(t => t.Key == key) ?? throw new ArgumentException(
                $"Chỉ tiêu '{key}' không áp dụng cho cấp này ({string.Join(", ", targets.Select(t => t.Key))}).")
            : targets.FirstOrDefault();
        return new AppendixData(snapshot, code, level, name, ProvinceNameOf(snapshot, code), rows, total, targets, marked,
            queries.DenominatorYears(code, snapshot.SnapshotId), children);
    }

    /// <summary>The full name of the province the unit belongs to, in the snapshot's code system on its date.</summary>
    static string ProvinceNameOf(LoadedSnapshot s, string code)
    {
        var units = ReferenceData.Load().InForce(s.CodeSystem, s.AsOf).ToList();
        var province = units.FirstOrDefault(u => u.Code == code && u.Level != Levels.Province)?.ProvinceCode
            ?? (code.Length == 2 ? code : s.ProvinceCode);
        return units.FirstOrDefault(u => u.Level == Levels.Province && u.Code == province)?.FullName ?? province;
    }

    /// <summary>The unit's short name ("Bắc Từ Liêm") for the date line.</summary>
    public string ShortName =>
        ReferenceData.Load().InForce(Snapshot.CodeSystem, Snapshot.AsOf).FirstOrDefault(u => u.Code == Code && u.Level == Level)?.Name ?? Name;

    /// <summary>The marking of a row against <see cref="MarkedTarget"/>: the gap when it does not meet it.</summary>
    public TargetGap? Gap(CoverageRow r) => MarkedTarget is { } t ? r.Targets.FirstOrDefault(g => g.Key == t.Key) : null;
}
