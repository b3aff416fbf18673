using System.Diagnostics;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Bench;

/// <summary>Issue 10: time to build the appendix workbook of a whole province (HCMC: 168 communes after 2025) from the
/// loaded bench warehouse, the appendix sheet alone and the whole workbook, through the public builder.</summary>
public static class ExcelBench
{
    public static void Run(BenchSettings s, TextWriter log, int runs = 7)
    {
        using var db = Pipeline.Open(s.Warehouse);
        var queries = new CoverageQueries(db);
        var request = new AppendixWorkbookRequest(s.Province) { RequestedBy = "bench" };
        var table = queries.Children(new CoverageRequest(s.Province));
        log.WriteLine($"  {table.Total.Name}: {table.Rows.Count} communes, snapshot {table.Snapshot.SnapshotId}");

        // First builds in the process: JIT (ClosedXML, queries), then the snapshot's NCD suppression pattern (kept by
        // NcdDataStore; the API's start-up warm-up prepares it).
        var cold = Stopwatch.StartNew();
        var first = new AppendixWorkbook(queries, new NcdDataStore(db)).Build(request with { Sheets = WorkbookSheets.Appendix });
        log.WriteLine($"  first appendix sheet in the process (JIT): {cold.Elapsed.TotalMilliseconds:0} ms, {first.Content.Length / 1024.0:0} KiB");
        cold.Restart();
        var coldFile = new AppendixWorkbook(queries, new NcdDataStore(db)).Build(request);
        log.WriteLine($"  first whole workbook (NCD data and suppression pattern read and computed): {cold.Elapsed.TotalMilliseconds:0} ms, {coldFile.Content.Length / 1024.0:0} KiB");

        var builder = new AppendixWorkbook(queries, new NcdDataStore(db));
        builder.Build(request); // the store's pattern, as the API's warm-up prepares it
        Report(log, "appendix sheet only (query + layout + save)", runs, () => builder.Build(request with { Sheets = WorkbookSheets.Appendix }));
        Report(log, "  of which the query (CoverageQueries.Children + DenominatorYears)", runs, () =>
        {
            var t = queries.Children(new CoverageRequest(s.Province));
            queries.DenominatorYears(s.Province, t.Snapshot.SnapshotId);
            return null;
        });
        Report(log, "whole workbook (8 sheets)", runs, () => builder.Build(request));
        foreach (var sheet in new[] { WorkbookSheets.Charts, WorkbookSheets.Trend, WorkbookSheets.PriorityGroups, WorkbookSheets.Completeness, WorkbookSheets.DataQuality,
                     WorkbookSheets.Ncd, WorkbookSheets.Notes })
            Report(log, $"  {sheet} sheet alone (with its query, the appendix data read and saved)", runs, () => builder.Build(request with { Sheets = sheet }));
    }

    static void Report(TextWriter log, string what, int runs, Func<AppendixWorkbookFile?> build)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            build();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        log.WriteLine($"  {what}: median {times[runs / 2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms ({runs} runs)");
    }
}
