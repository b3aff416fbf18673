using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HoSoSucKhoe.Reports.Tables;

/// <summary>A table of named columns: what every CSV download, JSON-rows export and (next) worksheet is written from.</summary>
public sealed record FlatTable(IReadOnlyList<string> Columns, IEnumerable<IReadOnlyList<object?>> Rows)
{
    /// <summary>One column per public property of <typeparamref name="T"/> (camelCase, like the JSON), after constant
    /// columns (e.g. the snapshot and unit).</summary>
    public static FlatTable Of<T>(IEnumerable<T> rows, IReadOnlyList<(string Name, object? Value)>? prefix = null)
    {
        prefix ??= [];
        return new([.. prefix.Select(p => p.Name), .. Properties<T>.All.Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))],
            rows.Select(r => (IReadOnlyList<object?>)[.. prefix.Select(p => p.Value), .. Properties<T>.All.Select(p => p.GetValue(r))]));
    }

    static class Properties<T>
    {
        public static readonly PropertyInfo[] All = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
    }
}

/// <summary>
/// The one table writer. CSV: RFC 4180 quoting, CRLF, invariant numbers, ISO dates (for scripts and spreadsheets;
/// the API adds a BOM so that Excel shows Vietnamese), text that would start a formula neutralised (<see cref="Inert"/>). JSON rows: an array of objects keyed by the same column names.
/// </summary>
public static class TableWriter
{
    public static void WriteCsv(TextWriter output, FlatTable table)
    {
        output.Write(string.Join(',', table.Columns.Select(Escape)));
        output.Write("\r\n");
        foreach (var row in table.Rows)
        {
            output.Write(string.Join(',', row.Select(v => Escape(v is string text ? Inert(text) : Text(v)))));
            output.Write("\r\n");
        }
    }

    /// <summary>Text that a spreadsheet would run as a formula (it begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab
    /// or a carriage return: a name or note from the feed) gets a leading apostrophe, so it opens as text (OWASP's CSV
    /// injection rule). Numbers are never text here, so a negative number stays a number.</summary>
    public static string Inert(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public static string Csv(FlatTable table)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(w, table);
        return w.ToString();
    }

    public static void WriteJsonRows(Stream output, FlatTable table)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartArray();
        foreach (var row in table.Rows)
        {
            w.WriteStartObject();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                w.WritePropertyName(table.Columns[i]);
                Json(w, row[i]);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string JsonRows(FlatTable table)
    {
        using var buffer = new MemoryStream();
        WriteJsonRows(buffer, table);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Json(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int or long or short or byte: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case decimal m: w.WriteNumberValue(m); break;
            case double x when double.IsFinite(x): w.WriteNumberValue(x); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case double or float: w.WriteNullValue(); break;
            default: w.WriteStringValue(Text(value)); break;
        }
    }

    static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        double x => x.ToString("0.############", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => string.Join(';', e.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? "",
    };

    static string Escape(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
