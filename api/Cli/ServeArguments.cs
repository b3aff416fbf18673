namespace HoSoSucKhoe.Api.Cli;

/// <summary><c>serve --db x --urls y</c> → configuration keys the host understands.</summary>
static class ServeArguments
{
    /// <summary>The warehouse path resolves against the caller's folder.</summary>
    public static string[] Translate(string[] args, string directory)
    {
        var rest = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        var result = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--db" && i + 1 < rest.Length)
            {
                result.Add("--Warehouse:Path=" + Path.GetFullPath(rest[++i], directory));
                continue;
            }
            result.Add(rest[i]);
        }
        return [.. result];
    }
}
