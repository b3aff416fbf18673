using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HoSoSucKhoe.Tests.Mail;

/// <summary>The mail pipeline over a private copy of the shared warehouse, on a controllable clock, sending to a sink.
/// Monday 23/11/2026 06:00 in Hà Nội time (ISO week 48) is the start; <see cref="Restart"/> reopens the file as a new
/// process would.</summary>
public sealed class MailBed : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 6, 0, 0, TimeSpan.FromHours(7));
    public const string Weekly = "0 7 * * 1";

    public string DbPath { get; }
    public string Province { get; }
    public IReadOnlyList<string> Communes { get; }
    public FakeTimeProvider Time { get; } = new(Start);
    public MailOptions Options { get; }
    public WarehouseDb Db { get; private set; } = null!;
    public MailStore Store { get; private set; } = null!;
    public MailReports Reports { get; private set; } = null!;
    public MailDispatcher Dispatcher { get; private set; } = null!;
    public CoverageQueries Queries { get; private set; } = null!;
    public SubscriptionRules Rules { get; private set; } = null!;

    /// <summary>Users (web_user) a subscription can be tied to: leadership and an epidemiologist of the province, the
    /// officer of its first commune (A).</summary>
    public const string Leader = "lanhdao", OfficerA = "canbo-xa-a", Epidemiologist = "dichte";

    public UserStore Users { get; private set; } = null!;

    public MailBed(WarehouseFixture fixture, int smtpPort)
    {
        DbPath = fixture.CopyDatabase();
        Province = fixture.Options.ProvinceCode;
        Communes = ReferenceData.Load().InForce(ReferenceData.System2025, DateOnly.FromDateTime(DateTime.Today))
            .Where(u => u.Level == Levels.Commune && u.ProvinceCode == Province).Select(u => u.Code).Order(StringComparer.Ordinal).ToList();
        Options = new MailOptions { Host = "127.0.0.1", Port = smtpPort, Security = "none", DashboardUrl = "https://hssk.example.vn",
            RetryDelay = TimeSpan.FromMinutes(1), Timeout = TimeSpan.FromSeconds(10) };
        Open();
        Users.Add(Leader, "Lãnh đạo Sở", Roles.Leadership, Province, "mat-khau-lanh-dao");
        Users.Add(OfficerA, "Cán bộ xã A", Roles.CommuneOfficer, Communes[0], "mat-khau-can-bo");
        Users.Add(Epidemiologist, "Dịch tễ tỉnh", Roles.Epidemiologist, Province, "mat-khau-dich-te");
    }

    void Open()
    {
        Db = new WarehouseDb(DbPath);
        Store = new MailStore(Db);
        Queries = new CoverageQueries(Db);
        Reports = new MailReports(Queries, new NcdDataStore(Db), new ReportArtifacts(new HoSoSucKhoe.Reports.Excel.AppendixWorkbook(Queries, new NcdDataStore(Db))));
        Users = new UserStore(Db, Time, Microsoft.Extensions.Options.Options.Create(new SignInOptions()));
        Rules = new SubscriptionRules(new UnitScope(new UnitMap(Db)), Users);
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Dispatcher = new MailDispatcher(Store, Reports, new MailMessageBuilder(options), Rules.Check, Time, options, NullLogger<MailDispatcher>.Instance);
    }

    /// <summary>As after a process restart: the warehouse closed and opened again, nothing kept in memory.</summary>
    public void Restart()
    {
        Db.Dispose();
        Open();
    }

    /// <summary>Adds a valid subscription (throws on validation errors) created at the clock's now.</summary>
    public MailSubscription Add(string address, string unit, string kind = ReportKinds.WeeklyCoverage, string role = Roles.Leadership,
        string? scope = null, string cron = Weekly, bool skipUnchanged = false, string? user = null)
    {
        var (s, errors) = Rules.Validate(new SubscriptionRequest(address, "Người nhận " + address, user, user is null ? role : null,
            user is null ? scope ?? (role == Roles.Leadership || role == Roles.Epidemiologist ? Province : null) : null, unit, kind, cron,
            SkipUnchanged: skipUnchanged), "test", Time.GetUtcNow().UtcDateTime);
        Assert.True(s is not null, string.Join(" ", errors.Values.SelectMany(v => v)));
        return Store.Add(s!);
    }

    public void Dispose() => Db.Dispose();
}
