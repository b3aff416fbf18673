using System.Text.RegularExpressions;

namespace HoSoSucKhoe.Bench;

/// <summary>What a refusal must look like: a Vietnamese message that names the file, with no stack trace and no English
/// framework text in its Vietnamese part (a <c>SnapshotRejectedException</c> ends with its English detail in
/// parentheses, by design; that part is not checked).</summary>
public static partial class FuzzChecks
{
    static readonly string[] Leaks =
    [
        "Exception", "System.", " at ", "Unexpected", "Line ", "position", "has occurred", "is an invalid", "is not", "Object reference",
        "Index was", "Value was", "For security reasons", "prohibited", "Could not", "could not", "Error", "error", "Cannot", "cannot",
        "Invalid", "invalid", "expected", "Expected", "Data at the root", "Name cannot", "Reference to undeclared",
    ];

    /// <summary>The message without a trailing parenthesised English detail (the product's "vi (en)" format).</summary>
    public static string VietnamesePart(string message)
    {
        if (!message.StartsWith("Từ chối nạp", StringComparison.Ordinal) || !message.EndsWith(')')) return message;
        var depth = 0;
        for (var i = message.Length - 1; i >= 0; i--)
        {
            if (message[i] == ')') depth++;
            else if (message[i] == '(' && --depth == 0) return message[..i].TrimEnd();
        }
        return message;
    }

    /// <summary>Null when <paramref name="message"/> is a clear refusal naming <paramref name="file"/>; otherwise what is wrong.</summary>
    public static string? Problem(string? message, string? file)
    {
        if (string.IsNullOrWhiteSpace(message)) return "empty message";
        if (message.Contains("\n   at ", StringComparison.Ordinal) || StackFrame().IsMatch(message)) return "stack trace in the message";
        var vi = VietnamesePart(message);
        if (!Vietnamese().IsMatch(vi)) return "not Vietnamese";
        var unquoted = Quoted().Replace(vi, "''");
        foreach (var leak in Leaks)
            if (unquoted.Contains(leak, StringComparison.Ordinal)) return $"English framework text ('{leak}') in the Vietnamese part";
        if (file is not null && !message.Contains(file, StringComparison.Ordinal)) return $"does not name the file {file}";
        return null;
    }

    [GeneratedRegex("[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐ]")]
    private static partial Regex Vietnamese();

    [GeneratedRegex(@"\bat [A-Za-z_.]+\(")]
    private static partial Regex StackFrame();

    [GeneratedRegex("'[^']*'|\"[^\"]*\"|<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Quoted();
}
