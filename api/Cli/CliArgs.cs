namespace HoSoSucKhoe.Api.Cli;

/// <summary>A user error on the command line: one Vietnamese message naming the parameter, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>Positional arguments plus <c>--name value</c> options and <c>--flag</c> switches.</summary>
public sealed class CliArgs
{
    readonly Dictionary<string, string> options = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);
    readonly HashSet<string> used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public CliArgs(IEnumerable<string> args, params string[] switches)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(a); continue; }
            if (switches.Contains(a)) { flags.Add(a); continue; }
            if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new CliUsageException($"Tham số {a}: thiếu giá trị.");
            options[a] = list[++i];
        }
    }

    public bool Flag(string name) { used.Add(name); return flags.Contains(name); }

    public string? Optional(string name) { used.Add(name); return options.GetValueOrDefault(name); }

    public string Required(string name) =>
        Optional(name) ?? throw new CliUsageException($"Tham số {name}: bắt buộc.");

    /// <summary>Rejects options the verb does not know (a typo must not be silently ignored).</summary>
    public void NoOthers()
    {
        var unknown = options.Keys.Concat(flags).FirstOrDefault(k => !used.Contains(k));
        if (unknown is not null) throw new CliUsageException($"Tham số {unknown}: không được hỗ trợ cho lệnh này.");
    }
}
