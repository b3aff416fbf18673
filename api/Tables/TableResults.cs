using System.Reflection;
using System.Text;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Reports.Tables;
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
public sealed class Report<T>(T body, string fileName, Func<T, FlatTable> flatten) : IResult, IEndpointMetadataProvider
{
    public T Body => body;

    public Task ExecuteAsync(HttpContext http) =>
        Formats.WantsCsv(http.Request) ? Csv.WriteAsync(http, flatten(body), fileName) : TypedResults.Ok(body).ExecuteAsync(http);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json", Formats.Csv]));
}

/// <summary>A <see cref="FlatTable"/> as a CSV download: UTF-8 with a BOM, so that Excel shows Vietnamese.</summary>
public static class Csv
{
    public static FlatTable Of<T>(IEnumerable<T> rows) => FlatTable.Of(rows);

    public static FlatTable Of<T>(IEnumerable<T> rows, IReadOnlyList<(string Name, object? Value)> prefix) => FlatTable.Of(rows, prefix);

    public static async Task WriteAsync(HttpContext http, FlatTable table, string fileName)
    {
        http.Response.ContentType = Formats.Csv + "; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.csv\"";
        byte[] bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(TableWriter.Csv(table))];
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
