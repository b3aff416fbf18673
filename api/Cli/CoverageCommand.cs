using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>coverage --db &lt;file&gt; --parent &lt;unit code&gt; [--snapshot &lt;id&gt;] [--measure coverage|permanent_residents|visitors_complete|targets]
/// [--format csv|json]</c>: the appendix rows for the children of a unit (a province's communes, or a legacy district's old
/// communes) plus the total row, in the columns of the API's CSV (<see cref="AppendixTable"/>); with <c>--measure</c> the
/// permanent-resident or visitors' completeness rows, or the unit's targets (<see cref="TargetsTable"/>, as the API's
/// <c>/permanent-residents</c>, <c>/visitors-completeness</c>, <c>/targets</c>). CSV, or JSON rows with the same keys.
/// </summary>
public static class CoverageCommand
{
    public static int Run(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var parent = a.Required("--parent");
        var snapshot = a.Optional("--snapshot");
        var format = (a.Optional("--format") ?? "csv").ToLowerInvariant();
        var measure = (a.Optional("--measure") ?? TargetMeasures.Coverage).ToLowerInvariant();
        a.NoOthers();
        if (a.Positional.Count > 0) throw new CliUsageException($"Lệnh coverage: không nhận tham số vị trí '{a.Positional[0]}'.");
        if (format is not ("csv" or "json"))
            throw new CliUsageException($"Tham số --format: '{format}' không hợp lệ (csv hoặc json).");
        if (measure is not (TargetMeasures.Coverage or TargetMeasures.PermanentResidents or TargetMeasures.VisitorsComplete or "targets"))
            throw new CliUsageException($"Tham số --measure: '{measure}' không hợp lệ (coverage, permanent_residents, visitors_complete hoặc targets).");
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");

        FlatTable rows;
        using (var warehouse = Pipeline.Open(db))
        {
            try
            {
                var queries = new CoverageQueries(warehouse);
                rows = measure switch
                {
                    TargetMeasures.PermanentResidents => TargetsTable.Of(queries.PermanentResidents(parent, snapshot)),
                    TargetMeasures.VisitorsComplete => TargetsTable.Of(queries.VisitorsCompleteness(parent, snapshot)),
                    "targets" => TargetsTable.Of(queries.Targets(parent, snapshot)),
                    _ => AppendixTable.Of(queries.Children(new CoverageRequest(parent) { SnapshotId = snapshot })),
                };
            }
            catch (KpiNotFoundException e) when (e.NotFound == KpiNotFoundException.What.Snapshot)
            {
                throw new CliUsageException($"Tham số --snapshot: không có ảnh chụp '{snapshot}' trong kho.");
            }
            catch (KpiNotFoundException)
            {
                throw new CliUsageException(snapshot is null
                    ? $"Tham số --parent: không có số liệu cho đơn vị mã '{parent}' (cần mã tỉnh 2 chữ số hoặc mã huyện cũ 3 chữ số có trong kho)."
                    : $"Tham số --parent: ảnh chụp '{snapshot}' không có đơn vị mã '{parent}'.");
            }
            catch (ArgumentException)
            {
                throw new CliUsageException($"Tham số --parent: mã đơn vị '{parent}' không hợp lệ (cần mã tỉnh 2 chữ số hoặc mã huyện cũ 3 chữ số).");
            }
        }

        if (format == "json") output.WriteLine(TableWriter.JsonRows(rows));
        else TableWriter.WriteCsv(output, rows);
        return 0;
    }
}
