using HoSoSucKhoe.Api.Errors;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace HoSoSucKhoe.Api.Tables;

/// <summary>JSON by default; CSV with <c>?format=csv</c> or <c>Accept: text/csv</c>.</summary>
public static class Formats
{
    public const string Csv = "text/csv";
    static readonly string[] Names = ["json", "csv"];

    public static bool WantsCsv(HttpRequest request)
    {
        if (request.Query.TryGetValue("format", out var format))
            return format.ToString().ToLowerInvariant() switch
            {
                "csv" => true,
                "json" => false,
                _ => throw Problems.OneOf("format", format, Names),
            };
        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Rows written as a JSON array, or as CSV (one column per property, camelCase like the JSON).</summary>
public sealed class Table<T>(IReadOnlyList<T> rows, string fileName) : IResult, IEndpointMetadataProvider
{
    public IReadOnlyList<T> Rows => rows;

    public Task ExecuteAsync(HttpContext http) =>
        Formats.WantsCsv(http.Request) ? Csv.WriteAsync(http, Csv.Of(rows), fileName) : TypedResults.Ok(rows).ExecuteAsync(http);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T[]), ["application/json", Formats.Csv]));
}

/// <summary>One object in JSON, one row in CSV.</summary>
public sealed class TableRow<T>(T row, string fileName) : IResult, IEndpointMetadataProvider
{
    public T Row => row;

    public Task ExecuteAsync(HttpContext http) =>
        Formats.WantsCsv(http.Request) ? Csv.WriteAsync(http, Csv.Of([row]), fileName) : TypedResults.Ok(row).ExecuteAsync(http);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json", Formats.Csv]));
}

/// <summary>A nested JSON document whose CSV form is a flat table the endpoint lays out itself.</summary>
public sealed class Report<T>(T body, string fileName, Func<T, CsvTable> flatten) : IResult, IEndpointMetadataProvider
{
    public T Body => body;

    public Task ExecuteAsync(HttpContext http) =>
        Formats.WantsCsv(http.Request) ? Csv.WriteAsync(http, flatten(body), fileName) : TypedResults.Ok(body).ExecuteAsync(http);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json", Formats.Csv]));
}

public sealed record CsvTable(IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows);

/// <summary>UTF-8 with a BOM (so that Excel shows Vietnamese), CRLF, RFC 4180 quoting; invariant numbers, ISO dates.</summary>
public static class Csv
{
    public static CsvTable Of<T>(IEnumerable<T> rows) => Of(rows, []);

    /// <summary>One column per property of <typeparamref name="T"/>, after constant columns (e.g. the snapshot and unit).</summary>
    public static CsvTable Of<T>(IEnumerable<T> rows, IReadOnlyList<(string Name, object? Value)> prefix) => new(
        [.. prefix.Select(p => p.Name), .. Properties<T>.All.Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))],
        rows.Select(r => (IReadOnlyList<object?>)[.. prefix.Select(p => p.Value), .. Properties<T>.All.Select(p => p.GetValue(r))]));

    public static async Task WriteAsync(HttpContext http, CsvTable table, string fileName)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', table.Columns.Select(Escape)).Append("\r\n");
        foreach (var row in table.Rows)
            csv.AppendJoin(',', row.Select(v => Escape(Format(v)))).Append("\r\n");
        http.Response.ContentType = Formats.Csv + "; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.csv\"";
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        double x => x.ToString("0.############", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => string.Join(';', e.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "",
    };

    static string Escape(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    static class Properties<T>
    {
        public static readonly PropertyInfo[] All = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
    }
}
