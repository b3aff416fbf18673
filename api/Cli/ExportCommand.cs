using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>export --db &lt;file&gt; --parent &lt;code&gt; [--snapshot &lt;id&gt;] --out &lt;file.xlsx|.png|.svg&gt; [--chart &lt;kind&gt;]
/// [--measure &lt;m&gt;] [--target &lt;key&gt;]</c>: the same workbook, chart or map the API serves, written to a file. The command
/// line is the operator's: figures are written with the public disclosure (small health counts hidden), as the API
/// shows them to everyone but the commune's own officer.
/// </summary>
public static class ExportCommand
{
    public static int Run(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var parent = a.Required("--parent");
        var snapshot = a.Optional("--snapshot");
        var path = a.Required("--out");
        var chart = a.Optional("--chart");
        var measure = a.Optional("--measure");
        var target = a.Optional("--target");
        a.NoOthers();
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".xlsx" or ".png" or ".svg"))
            throw new CliUsageException($"Tham số --out: '{path}' phải kết thúc bằng .xlsx, .png hoặc .svg.");
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        if (Path.GetDirectoryName(path) is { Length: > 0 } dir && !Directory.Exists(dir))
            throw new CliUsageException($"Tham số --out: thư mục '{dir}' không tồn tại.");
        if (extension == ".xlsx" && (chart ?? measure) is not null)
            throw new CliUsageException("Tham số --chart/--measure: chỉ dùng khi --out là tệp .png hoặc .svg.");

        using var warehouse = Pipeline.Open(db);
        var queries = new CoverageQueries(warehouse);
        byte[] bytes;
        try
        {
            bytes = extension == ".xlsx"
                ? new AppendixWorkbook(queries, new NcdDataStore(warehouse)).Build(new AppendixWorkbookRequest(parent)
                {
                    SnapshotId = snapshot, TargetKey = target, RequestedBy = "dòng lệnh (export)", Audience = Audience.Public,
                }).Content
                : ChartExport.Render(queries, warehouse, parent, snapshot, chart, measure, extension == ".svg");
        }
        catch (KpiNotFoundException e) when (e.NotFound == KpiNotFoundException.What.Snapshot)
        {
            throw new CliUsageException($"Tham số --snapshot: không có ảnh chụp '{snapshot}' trong kho.");
        }
        catch (KpiNotFoundException)
        {
            throw new CliUsageException(snapshot is null
                ? $"Tham số --parent: không có số liệu cho đơn vị mã '{parent}'."
                : $"Tham số --parent: ảnh chụp '{snapshot}' không có đơn vị mã '{parent}'.");
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message.StartsWith("Chỉ tiêu", StringComparison.Ordinal) ? "Tham số --target: " + e.Message
                : e.Message.StartsWith("Tham số unit", StringComparison.Ordinal) ? e.Message.Replace("Tham số unit", "Tham số --parent") : e.Message);
        }
        var temp = path + ".partial";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        output.WriteLine($"Đã ghi {path} ({bytes.Length:N0} byte).");
        return 0;
    }
}
