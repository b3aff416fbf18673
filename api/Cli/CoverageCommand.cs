using System.Globalization;
using System.Text;
using System.Text.Json;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>coverage --db &lt;file&gt; --parent &lt;unit code&gt; [--snapshot &lt;id&gt;] [--format csv|json]</c>: the appendix rows
/// for the children of a unit (a province's communes, or a legacy district's old communes) plus the total row.
/// Numbers are integers, the rate has two decimals with a '.' (for scripts); an empty field / null = no denominator.
/// </summary>
public static class CoverageCommand
{
    static readonly string[] Columns =
        ["level", "code", "name", "population", "records_linked", "examined", "managed", "coverage_pct", "over_100", "no_denominator"];

    public static int Run(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var parent = a.Required("--parent");
        var snapshot = a.Optional("--snapshot");
        var format = (a.Optional("--format") ?? "csv").ToLowerInvariant();
        a.NoOthers();
        if (a.Positional.Count > 0) throw new CliUsageException($"Lệnh coverage: không nhận tham số vị trí '{a.Positional[0]}'.");
        if (format is not ("csv" or "json"))
            throw new CliUsageException($"Tham số --format: '{format}' không hợp lệ (csv hoặc json).");
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");

        CoverageTable table;
        using (var warehouse = new WarehouseDb(db))
        {
            KpiMarts.BuildMissing(warehouse);   // a warehouse loaded before the marts existed
            try
            {
                table = new CoverageQueries(warehouse).Children(new CoverageRequest(parent) { SnapshotId = snapshot });
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

        var rows = table.Rows.Append(table.Total).ToList();
        if (format == "json") WriteJson(output, table, rows);
        else WriteCsv(output, table, rows);
        return 0;
    }

    static IEnumerable<string> TargetColumns(CoverageTable t) => t.Targets.SelectMany(g => new[] { $"gap_{g.Key}", $"meets_{g.Key}" });

    static void WriteCsv(TextWriter output, CoverageTable table, List<CoverageRow> rows)
    {
        output.WriteLine(string.Join(',', Columns.Concat(["snapshot_id"]).Concat(TargetColumns(table))));
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                r.Level, r.Code, Quote(r.Name), Int(r.Population), Int(r.RecordsLinked), Int(r.Examined), Int(r.Managed),
                r.CoveragePct?.ToString("0.00", CultureInfo.InvariantCulture) ?? "", Bool(r.Over100), Bool(r.NoDenominator),
                table.Snapshot.SnapshotId,
            };
            // Total row: the targets of the parent level; children: those of the child level. Same keys in the default setup.
            foreach (var key in table.Targets.Select(t => t.Key))
            {
                var g = r.Targets.FirstOrDefault(x => x.Key == key);
                cells.Add(Int(g?.Gap));
                cells.Add(g?.Meets is { } m ? Bool(m) : "");
            }
            output.WriteLine(string.Join(',', cells));
        }
    }

    static void WriteJson(TextWriter output, CoverageTable table, List<CoverageRow> rows)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("level", r.Level);
                w.WriteString("code", r.Code);
                w.WriteString("name", r.Name);
                Number(w, "population", r.Population);
                w.WriteNumber("records_linked", r.RecordsLinked);
                w.WriteNumber("examined", r.Examined);
                w.WriteNumber("managed", r.Managed);
                if (r.CoveragePct is { } p) w.WriteNumber("coverage_pct", p); else w.WriteNull("coverage_pct");
                w.WriteBoolean("over_100", r.Over100);
                w.WriteBoolean("no_denominator", r.NoDenominator);
                w.WriteString("snapshot_id", table.Snapshot.SnapshotId);
                foreach (var key in table.Targets.Select(t => t.Key))
                {
                    var g = r.Targets.FirstOrDefault(x => x.Key == key);
                    Number(w, $"gap_{key}", g?.Gap);
                    if (g?.Meets is { } m) w.WriteBoolean($"meets_{key}", m); else w.WriteNull($"meets_{key}");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    static string Int(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Bool(bool b) => b ? "true" : "false";

    static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
