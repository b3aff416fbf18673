namespace HoSoSucKhoe.Api.Cli;

/// <summary><c>serve --db x [--create] --urls y</c> → configuration keys the host understands.</summary>
static class ServeArguments
{
    /// <summary>
    /// The warehouse path resolves against the caller's folder. A missing file is refused (a typo must not serve a new,
    /// empty warehouse that answers every question with zero) unless <c>--create</c> asks for one.
    /// </summary>
    public static string[] Translate(string[] args, string directory)
    {
        var rest = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        var create = rest.Contains("--create");
        string? db = null;
        var result = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i] == "--create") continue;
            if (rest[i] == "--db" && i + 1 < rest.Length)
            {
                db = Path.GetFullPath(rest[++i], directory);
                result.Add("--Warehouse:Path=" + db);
                continue;
            }
            result.Add(rest[i]);
        }
        if (create && db is null) throw new CliUsageException("Tham số --create: chỉ dùng cùng --db <tệp>.");
        if (db is not null && !create && !File.Exists(db))
            throw new CliUsageException($"Tham số --db: không có tệp kho dữ liệu '{db}'. Kiểm tra lại đường dẫn, hoặc thêm --create để tạo một kho trống mới ở đó.");
        return [.. result];
    }
}
