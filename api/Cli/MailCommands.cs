using HoSoSucKhoe.Reports.Excel;
using System.Globalization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>subscriptions add|list|remove</c> and <c>send-now</c> (docs/mail.md). Configuration as the server reads it:
/// appsettings.json beside the app, then environment variables (<c>Mail__Host</c>, …); users of user-tied subscriptions from the warehouse (<c>web_user</c>);
/// <c>--smtp-host</c>, <c>--smtp-port</c> override the SMTP server for one <c>send-now</c>. A warehouse held by a running
/// server is refused: DuckDB allows one process per file, and only that process sends.
/// </summary>
public static class MailCommands
{
    public static int Subscriptions(string[] args, string directory, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is not ("add" or "list" or "remove"))
            throw new CliUsageException("Lệnh subscriptions: cần add, list hoặc remove (ví dụ: subscriptions list --db kho.duckdb).");
        var a = new CliArgs(args[1..], directory, false, "--skip-unchanged");
        var db = a.Required("--db");
        return args[0] switch
        {
            "add" => Add(a, db, output, error),
            "list" => List(a, db, output),
            _ => Remove(a, db, output),
        };
    }

    static int Add(CliArgs a, string db, TextWriter output, TextWriter error)
    {
        var request = new SubscriptionRequest(a.Optional("--address"), a.Optional("--name"), a.Optional("--user"), a.Optional("--role"),
            a.Optional("--scope"), a.Optional("--unit"), a.Optional("--kind"), a.Optional("--cron"), a.Optional("--time-zone"), a.Flag("--skip-unchanged"));
        a.NoOthers();
        using var warehouse = Open(db, "subscriptions add");
        var (subscription, errors) = Rules(warehouse).Validate(request, Environment.UserName, DateTime.UtcNow);
        if (subscription is null)
        {
            foreach (var e in errors.Values.SelectMany(v => v)) error.WriteLine(e);
            return 2;
        }
        var saved = new MailStore(warehouse).Add(subscription);
        output.WriteLine($"Đã thêm đăng ký {saved.SubscriptionId}: {saved.Kind} của {saved.UnitCode} cho {saved.RecipientName} <{saved.Address}>, lịch '{saved.Cron}' ({saved.TimeZone}).");
        return 0;
    }

    static int List(CliArgs a, string db, TextWriter output)
    {
        a.NoOthers();
        using var warehouse = Open(db, "subscriptions list");
        var rows = new MailStore(warehouse).Active();
        output.WriteLine("id\taddress\tname\tuser\trole\tscope\tunit\tkind\tcron\ttime_zone\tskip_unchanged\tcreated_at");
        foreach (var s in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.SubscriptionId}\t{s.Address}\t{s.RecipientName}\t{s.UserName}\t{s.Role}\t{s.Scope}\t{s.UnitCode}\t{s.Kind}\t{s.Cron}\t{s.TimeZone}\t{(s.SkipUnchanged ? "true" : "false")}\t{s.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}"));
        if (rows.Count == 0) output.WriteLine("(chưa có đăng ký nào)");
        return 0;
    }

    static int Remove(CliArgs a, string db, TextWriter output)
    {
        var id = Id(a.Required("--id"), "--id");
        a.NoOthers();
        using var warehouse = Open(db, "subscriptions remove");
        if (!new MailStore(warehouse).Remove(id, DateTime.UtcNow)) throw new CliUsageException($"Tham số --id: không có đăng ký đang hoạt động mã {id}.");
        output.WriteLine($"Đã xoá đăng ký {id} (nhật ký gửi được giữ lại).");
        return 0;
    }

    public static int SendNow(CliArgs a, TextWriter output)
    {
        var db = a.Required("--db");
        var id = Id(a.Required("--subscription"), "--subscription");
        var host = a.Optional("--smtp-host");
        var port = a.Optional("--smtp-port") is { } p ? (int)Id(p, "--smtp-port") : (int?)null;
        a.NoOthers();
        var configuration = Configuration();
        var mail = configuration.GetSection(MailOptions.Section).Get<MailOptions>() ?? new MailOptions();
        if (host is not null) mail.Host = host;
        if (port is not null) mail.Port = port.Value;
        using var warehouse = Open(db, "send-now", catchUp: true);
        var targets = configuration.GetSection(CoverageTargets.Section).Get<CoverageTargets>() ?? new CoverageTargets();
        var options = Options.Create(mail);
        var dispatcher = new MailDispatcher(new MailStore(warehouse),
            Reports(new CoverageQueries(warehouse, targets), new NcdDataStore(warehouse)),
            new MailMessageBuilder(options), Rules(warehouse).Check, TimeProvider.System, options, NullLogger<MailDispatcher>.Instance);
        var row = dispatcher.SendNowAsync(id).GetAwaiter().GetResult()
            ?? throw new CliUsageException($"Tham số --subscription: không có đăng ký đang hoạt động mã {id}.");
        output.WriteLine($"Đăng ký {id}, kỳ {row.PeriodLabel} ({row.PeriodKey}): {row.Status}; Message-Id <{row.MessageId}>{(row.Error is null ? "" : "; " + row.Error)}");
        return row.Status == SendStatus.Sent ? 0 : 1;
    }

    static WarehouseDb Open(string db, string verb, bool catchUp = false)
    {
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        try { return catchUp ? Pipeline.Open(db) : new WarehouseDb(db); }
        catch (WarehouseBusyException e)
        {
            throw new WarehouseBusyException(db, $"lệnh {verb} không chạy khi máy chủ đang giữ kho; chỉ tiến trình giữ kho mới gửi thư. " +
                "Dùng API của máy chủ (POST /api/admin/subscriptions/{id}/send, /api/admin/subscriptions) hoặc dừng máy chủ rồi thử lại. " + e.Message);
        }
    }

    /// <summary>The server's rules on this warehouse: its users (<c>web_user</c>) for user-tied subscriptions.</summary>
    static SubscriptionRules Rules(WarehouseDb warehouse) =>
        new(new UnitScope(new UnitMap(warehouse)), new UserStore(warehouse, TimeProvider.System, Options.Create(new SignInOptions())));

    static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();

    static long Id(string s, string name) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw new CliUsageException($"Tham số {name}: '{s}' không phải là số nguyên dương.");

    static MailReports Reports(CoverageQueries queries, NcdDataStore ncd) =>
        new(queries, ncd, new ReportArtifacts(new AppendixWorkbook(queries, ncd)));
}
