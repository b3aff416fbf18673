namespace HoSoSucKhoe.Api.Cli;

/// <summary>A user error on the command line: one Vietnamese message naming the parameter, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>
/// Positional arguments plus <c>--name value</c> options and <c>--flag</c> switches. Paths (the values of
/// <see cref="PathOptions"/>, and the positional arguments of a verb that takes files or folders) are made absolute here,
/// against the caller's folder, so that every verb opens and names the file the user meant.
/// </summary>
public sealed class CliArgs
{
    /// <summary>Options whose value is a file or folder, for every verb.</summary>
    public static readonly IReadOnlyList<string> PathOptions = ["--db", "--out", "--persons", "--xml130"];

    readonly Dictionary<string, string> options = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);
    readonly HashSet<string> used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Relative paths resolve against the working directory.</summary>
    public CliArgs(IEnumerable<string> args, params string[] switches) : this(args, Environment.CurrentDirectory, false, switches) { }

    /// <param name="directory">The caller's folder (see <see cref="CallerDirectory"/>).</param>
    /// <param name="positionalPaths">The verb's positional arguments are files or folders.</param>
    public CliArgs(IEnumerable<string> args, string directory, bool positionalPaths, params string[] switches)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(positionalPaths ? Path.GetFullPath(a, directory) : a); continue; }
            if (switches.Contains(a)) { flags.Add(a); continue; }
            if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new CliUsageException($"Tham số {a}: thiếu giá trị.");
            var value = list[++i];
            options[a] = PathOptions.Contains(a) ? Path.GetFullPath(value, directory) : value;
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
