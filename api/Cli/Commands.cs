using System.Globalization;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>The command-line verbs (README "Command line"). Each returns a process exit code.</summary>
public static class Commands
{
    public const string KeyVariable = "HSSK_PSEUDONYM_KEY";
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static readonly string Usage = """
        HoSoSucKhoe — kho dữ liệu hồ sơ sức khỏe điện tử

        Cách dùng (dotnet run --project api -- <lệnh> ...):
          (không tham số)                      tạo kho demo (nếu chưa có) rồi phục vụ nó
          generate --province <mã> --scale <tỉ lệ> --from <yyyy-MM> --to <yyyy-MM> --out <thư mục> [--seed <n>] [--xml130 <thư mục>]
          load <thư mục ảnh chụp>... --db <tệp> [--replace] [--memory-budget <dung lượng, vd. 4GB>]
          population <tệp csv> --db <tệp>
          snapshots --db <tệp>
          coverage --db <tệp> --parent <mã đơn vị> [--snapshot <mã>] [--measure coverage|permanent_residents|visitors_complete|targets] [--format csv|json]
          export --db <tệp> --parent <mã đơn vị> [--snapshot <mã>] --out <tệp.xlsx|.png|.svg> [--chart <loại>] [--measure <chỉ số>] [--target <chỉ tiêu>]
          xml130 <tệp hoặc thư mục XML>... --persons <ảnh chụp> --out <thư mục> [--as-of <yyyy-MM-dd>] [--max-reject-share <0..1>]
          subscriptions add --db <tệp> --address <thư> --name <tên> (--user <người dùng> | --role <vai trò> [--scope <mã>])
                            --unit <mã> --kind weekly_coverage|monthly_appendix|monthly_ncd [--cron "<cron>"] [--time-zone <múi giờ>] [--skip-unchanged]
          subscriptions list --db <tệp>
          subscriptions remove --db <tệp> --id <mã>
          send-now --db <tệp> --subscription <mã> [--smtp-host <máy>] [--smtp-port <cổng>]
          serve --db <tệp> [--create] [--urls <url>]   (--create: tạo kho trống nếu chưa có tệp)
          users list|add|disable|enable|reset --db <tệp> ...   (người dùng trang web; chạy khi máy chủ đã dừng)
          prune --db <tệp> --keep <n> [--province <mã tỉnh>]   (giữ n ảnh chụp mới nhất mỗi tỉnh; chạy khi máy chủ đã dừng)
          backup --db <tệp> --out <thư mục mới>   (khi máy chủ đang giữ kho: backup --server <url> [--name <tên>], khoá quản trị trong HSSK_ADMIN_KEY)
          restore --from <thư mục sao lưu> --db <tệp> [--force]   (kiểm tra bản sao lưu trước khi ghi; --force: thay kho đang có)
          import-lake <kho Parquet>... --db <tệp kho quốc gia>   (nhập bảng tổng hợp của nhiều tỉnh; ảnh chụp cùng mã được thay; máy chủ phục vụ /api/coverage/national)
          export-lake --db <tệp> --out <thư mục mới>   (Parquet phân vùng province=/snapshot=/ của dữ kiện đã bí danh hoá và mọi bảng tổng hợp, kèm lake.json có mã băm)

        Đường dẫn tương đối tính từ thư mục bạn đang đứng khi gõ lệnh.
        Khoá bí danh hoá cho lệnh load: biến môi trường HSSK_PSEUDONYM_KEY (ít nhất 16 ký tự).
        """;

    /// <param name="directory">The caller's folder, against which relative paths resolve (default: the working directory).</param>
    /// <param name="input">Where <c>users</c> reads a password not given on the command line (default: standard input).</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, string? directory = null, TextReader? input = null)
    {
        CliArgs Args(bool positionalPaths = false, params string[] switches) =>
            new(args[1..], directory ?? Environment.CurrentDirectory, positionalPaths, switches);
        try
        {
            return args[0] switch
            {
                "generate" => Generate(Args(), output),
                "load" => Load(Args(positionalPaths: true, "--replace"), output),
                "population" => Population(Args(positionalPaths: true), output),
                "snapshots" => Snapshots(Args(), output),
                "coverage" => CoverageCommand.Run(Args(), output),
                "export" => ExportCommand.Run(Args(), output),
                "xml130" => Xml130Command.Run(Args(positionalPaths: true), output, error),
                "users" => UsersCommand.Run(Args(), output, input ?? Console.In),
                "prune" => Prune(Args(), output),
                "backup" => BackupCommand.Backup(Args(), output),
                "export-lake" => ExportLake(Args(), output),
                "import-lake" => ImportLake(Args(positionalPaths: true), output),
                "restore" => BackupCommand.Restore(Args(false, "--force"), directory ?? Environment.CurrentDirectory, output),
                "subscriptions" => MailCommands.Subscriptions(args[1..], directory ?? Environment.CurrentDirectory, output, error),
                "send-now" => MailCommands.SendNow(Args(), output),
                "help" or "--help" or "-h" => Print(output, Usage),
                _ => throw new CliUsageException($"Lệnh '{args[0]}' không tồn tại.\n\n{Usage}"),
            };
        }
        catch (CliUsageException e) { error.WriteLine(e.Message); return 2; }
        catch (ArgumentException e) { error.WriteLine(e.Message); return 2; }
        catch (SnapshotRejectedException e) { error.WriteLine(e.Message); return 1; }
        catch (WarehouseBusyException e) { error.WriteLine(e.Message); return 1; }
        catch (BackupRefusedException e) { error.WriteLine(e.Message); return 1; }
        catch (HoSoSucKhoe.Warehouse.Lake.LakeException e) { error.WriteLine(e.Message); return 1; }
        catch (Exception e) when (SnapshotLoader.DiskFull(e))
        {
            // e.g. a population load or a backup on a full disk: its transaction did not commit.
            error.WriteLine($"Lệnh '{args[0]}' dừng: đĩa đã đầy (không còn chỗ ghi); thao tác chưa được ghi vào kho, kho giữ nguyên như trước. Giải phóng chỗ trống rồi chạy lại. ({e.Message})");
            return 1;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HSSK_DEBUG") is null)
        {
            // A defect of ours, not the user's input: one line, no stack trace (HSSK_DEBUG=1 shows it).
            error.WriteLine($"Lỗi không mong đợi khi chạy lệnh '{args[0]}': {e.Message} ({e.GetType().Name}; đặt HSSK_DEBUG=1 để xem chi tiết)");
            return 3;
        }
    }

    static int Print(TextWriter w, string s) { w.WriteLine(s); return 0; }

    static int ImportLake(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        a.NoOthers();
        if (a.Positional.Count == 0) throw new CliUsageException("Lệnh import-lake: cần ít nhất một thư mục kho Parquet (đã xuất bằng export-lake).");
        using var warehouse = new WarehouseDb(db);
        foreach (var r in HoSoSucKhoe.Warehouse.Lake.LakeImport.Import(warehouse, a.Positional))
            output.WriteLine(string.Create(Vi, $"{r.Lake}: đã nhập {r.Snapshots.Count:N0} ảnh chụp của tỉnh {string.Join(", ", r.Provinces)}, {r.Rows:N0} dòng bảng tổng hợp."));
        return 0;
    }

    static int ExportLake(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var folder = a.Required("--out");
        a.NoOthers();
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        var m = HoSoSucKhoe.Warehouse.Lake.LakeExport.ExportFile(db, folder);
        output.WriteLine(string.Create(Vi,
            $"Đã xuất {m.Snapshots.Count:N0} ảnh chụp của {m.Provinces.Count:N0} tỉnh ({string.Join(", ", m.Provinces)}) thành {m.Tables.Sum(t => t.Files.Count):N0} tệp Parquet, " +
            $"{m.Tables.Sum(t => t.Rows):N0} dòng trong {m.Tables.Count:N0} bảng, vào {Path.GetFullPath(folder)}; danh mục và mã băm: {HoSoSucKhoe.Warehouse.Lake.LakeExport.ManifestName}."));
        return 0;
    }

    static int Generate(CliArgs a, TextWriter output)
    {
        var options = new GeneratorOptions(
            a.Required("--province"),
            ParseDouble(a.Required("--scale"), "--scale"),
            ParseMonth(a.Required("--from"), "--from"),
            ParseMonth(a.Required("--to"), "--to"),
            a.Required("--out"),
            a.Optional("--seed") is { } s ? ParseInt(s, "--seed") : 20250701);
        var xml = a.Optional("--xml130");
        a.NoOthers();
        IReadOnlyList<string> folders;
        using (var progress = new LineProgress(output)) folders = SyntheticProvince.Generate(options, progress);
        output.WriteLine($"Đã tạo {folders.Count} ảnh chụp trong {Path.GetFullPath(options.OutDir)} (kèm truth.json và population.csv).");
        if (xml is not null)
        {
            // The last snapshot's facility visits from --from on, as a province's HIS would send them (docs/xml130.md).
            var registry = Path.Combine(xml, "registry");
            var episodes = Xml130Export.Write(folders[^1], xml, registry, options.From);
            output.WriteLine(string.Create(Vi, $"Đã ghi {episodes:N0} lượt khám từ {options.From:dd/MM/yyyy} của ảnh chụp {Path.GetFileName(folders[^1])} thành tệp XML 130 trong {Path.GetFullPath(xml)}; sổ hồ sơ (--persons cho lệnh xml130): {Path.GetFullPath(registry)}"));
        }
        return 0;
    }

    static int Load(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var replace = a.Flag("--replace");
        var budget = a.Optional("--memory-budget");
        a.NoOthers();
        if (a.Positional.Count == 0) throw new CliUsageException("Lệnh load: cần ít nhất một thư mục ảnh chụp.");
        var key = Environment.GetEnvironmentVariable(KeyVariable);
        if (string.IsNullOrWhiteSpace(key))
            throw new CliUsageException($"Thiếu khoá bí danh hoá: đặt biến môi trường {KeyVariable} (ít nhất 16 ký tự) trước khi nạp. Không nạp dữ liệu thật khi chưa có khoá.");
        // A folder of snapshot folders loads each of them, as the admin API does.
        var folders = a.Positional.SelectMany(SnapshotFolders.In).Distinct().ToList();
        // Every manifest is checked before the warehouse is opened: a bad folder must not even create the file.
        foreach (var folder in folders) Manifest.Read(folder);
        using var warehouse = new WarehouseDb(db, budget);
        var loader = Pipeline.Loader(warehouse, new Pseudonymiser(key));
        IReadOnlyList<LoadResult> results;
        using (var progress = new LineProgress(output)) results = loader.LoadAll(folders, replace, progress);
        foreach (var r in results)
            output.WriteLine(r.Outcome switch
            {
                LoadOutcome.AlreadyLoaded => $"{r.SnapshotId}: đã có trong kho với cùng nội dung, bỏ qua.",
                _ => string.Create(Vi, $"{r.SnapshotId}: {(r.Outcome == LoadOutcome.Replaced ? "đã thay thế" : "đã nạp")} {r.Persons:N0} hồ sơ, {r.Encounters:N0} lượt khám, {r.Labs:N0} xét nghiệm, {r.Medications:N0} thuốc trong {r.Seconds:N1} giây."),
            });
        return 0;
    }

    static int Population(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        a.NoOthers();
        if (a.Positional.Count != 1) throw new CliUsageException("Lệnh population: cần đúng một tệp CSV.");
        if (!File.Exists(a.Positional[0])) throw new CliUsageException($"Lệnh population: không có tệp '{a.Positional[0]}'.");
        using var warehouse = new WarehouseDb(db);
        var r = PopulationLoader.Load(warehouse, a.Positional[0]);
        var groups = r.Groups.Select(g => string.Create(Vi,
            $"hệ mã {(g.CodeSystem == ReferenceData.SystemLegacy ? "cũ" : g.CodeSystem)}, năm {g.Year}: {g.Units:N0} đơn vị, {g.People:N0} người"));
        output.WriteLine(string.Create(Vi, $"Đã nạp {r.Rows:N0} dòng mẫu số dân số: {string.Join("; ", groups)}."));
        return 0;
    }

    static int Snapshots(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        a.NoOthers();
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        using var warehouse = new WarehouseDb(db);
        var rows = new SnapshotCatalog(warehouse, new UnitMap(warehouse)).WithLoadFacts();
        output.WriteLine("snapshot_id\tprovince\tas_of\tadmin_codes\tpersons\tencounters\tlabs\tmedications\tloaded_at\tload_seconds");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Snapshot.SnapshotId}\t{r.Snapshot.ProvinceCode}\t{r.Snapshot.AsOf:yyyy-MM-dd}\t{r.Snapshot.CodeSystem}\t{r.Persons}\t{r.Encounters}\t{r.Labs}\t{r.Medications}\t{r.LoadedAt:yyyy-MM-dd HH:mm:ss}\t{r.LoadSeconds:0.00}"));
        if (rows.Count == 0) output.WriteLine("(kho chưa có ảnh chụp nào)");
        return 0;
    }

    /// <summary><c>prune --db --keep n [--province p]</c>: drops all but the latest n snapshots of each province, with their
    /// facts, marts and NCD tables, in one transaction (<see cref="SnapshotPruner"/>); logs and models stay.</summary>
    static int Prune(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var keepText = a.Required("--keep");
        var province = a.Optional("--province");
        a.NoOthers();
        if (!int.TryParse(keepText, NumberStyles.None, CultureInfo.InvariantCulture, out var keep))
            throw new CliUsageException($"Tham số --keep: '{keepText}' không phải số nguyên dương.");
        if (province is not null && (province.Length != 2 || !province.All(char.IsAsciiDigit)))
            throw new CliUsageException($"Tham số --province: '{province}' không phải mã tỉnh (2 chữ số).");
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        using var warehouse = new WarehouseDb(db); // WarehouseBusyException while a server holds the file (exit code 1)
        var result = SnapshotPruner.Prune(warehouse, keep, province);
        if (result.Removed.Count == 0)
        {
            output.WriteLine($"Không có ảnh chụp nào cần xoá (giữ {keep} ảnh chụp mới nhất mỗi tỉnh; kho có {result.Kept.Count}).");
            return 0;
        }
        output.WriteLine($"Đã xoá {result.Removed.Count} ảnh chụp: {string.Join(", ", result.Removed)}");
        output.WriteLine($"Còn lại {result.Kept.Count}: {string.Join(", ", result.Kept)}");
        foreach (var (table, rows) in result.RowsByTable.Where(r => r.Value > 0))
            output.WriteLine(string.Create(CultureInfo.GetCultureInfo("vi-VN"), $"  {table}: {rows:N0} dòng"));
        return 0;
    }

    static double ParseDouble(string s, string name) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new CliUsageException($"Tham số {name}: '{s}' không phải là số (dùng dấu chấm, ví dụ 0.01).");

    static int ParseInt(string s, string name) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new CliUsageException($"Tham số {name}: '{s}' không phải là số nguyên.");

    static DateOnly ParseMonth(string s, string name) =>
        DateOnly.TryParseExact(s, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new CliUsageException($"Tham số {name}: '{s}' phải có dạng yyyy-MM.");
}
