using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Bench;

/// <summary>Who calls: an API key or a signed-in user, with a role and a scope.</summary>
sealed record Principal(string Label, string Role, string? Scope, bool Cookie, HttpClient Client)
{
    public bool National => Scope is null;
}

/// <summary>
/// The world the attack runs in: two generated provinces (<see cref="P1"/>, <see cref="P2"/>) loaded into a fresh
/// warehouse under an import folder, names rewritten in one commune to carry formula and HTML payloads, the real server
/// (Program.Create) on Kestrel at 127.0.0.1 with one key and one user per role in own and other scope, and every
/// server log line captured.
/// </summary>
sealed partial class AttackWorld : IAsyncDisposable
{
    public const string P1 = "20", P2 = "04";
    public const string PseudonymKey = "attack-pseudonym-key-5f1c9e2a7b";
    public const string Password = "mat-khau-tan-cong-0001";
    public const string LockUser = "khoa-thu";

    /// <summary>Names given to people of <see cref="CommuneA"/> (prefix + the generated name).</summary>
    public static readonly string[] Payloads = ["=HYPERLINK(\"http://x.invalid\")", "+1+", "-2+", "@SUM(1)", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"];

    public required string Dir { get; init; }
    public required string ImportRoot { get; init; }
    public required string DbPath { get; init; }
    public required string CommuneA { get; init; }
    public required string CommuneB { get; init; }
    public required string CommuneOther { get; init; }
    public required IReadOnlyList<string> SnapshotIds1 { get; init; }
    public required IReadOnlyList<string> SnapshotIds2 { get; init; }
    public required IReadOnlyList<string> SnapshotFolders1 { get; init; }
    /// <summary>Every (name, phone) with the ward of the record.</summary>
    public required IReadOnlyList<(string Name, string? Phone, string Ward)> People { get; init; }
    public required Dictionary<string, (string Role, string? Scope, string Label)> Keys { get; init; }
    public required Dictionary<string, (string Role, string? Scope, string Label)> Users { get; init; }
    public required WebApplication App { get; init; }
    public required Uri Address { get; init; }
    public required LogCapture Log { get; init; }
    public List<Principal> Principals { get; } = [];
    public List<string> Cookies { get; } = [];

    public static async Task<AttackWorld> CreateAsync(string dir, TextWriter output)
    {
        var import = Path.Combine(dir, "import");
        var folders = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var p in new[] { P1, P2 })
        {
            var outDir = Path.Combine(import, p);
            var existing = Directory.Exists(outDir) ? SnapshotFolders.In(outDir) : [];
            if (existing.Count < 2 || !File.Exists(Path.Combine(outDir, "population.csv")))
            {
                output.WriteLine($"  generating province {p} (0,5 %, 08–09/2025) in {outDir}");
                if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
                existing = SyntheticProvince.Generate(new GeneratorOptions(p, 0.005, new DateOnly(2025, 8, 1), new DateOnly(2025, 9, 1), outDir, 20250701));
            }
            folders[p] = existing;
        }
        var dbPath = Path.Combine(dir, "attack.duckdb");
        foreach (var f in new[] { dbPath, dbPath + ".wal" }) if (File.Exists(f)) File.Delete(f);

        List<(string, string?, string)> people;
        string communeA, communeB, communeOther;
        using (var db = new WarehouseDb(dbPath))
        {
            foreach (var p in new[] { P1, P2 }) PopulationLoader.Load(db, Path.Combine(import, p, "population.csv"));
            Pipeline.Loader(db, new Pseudonymiser(PseudonymKey)).LoadAll([.. folders[P1], .. folders[P2]], replace: false);
            using var c = db.Open();
            // The two most populous communes of P1 (their officers: own and other commune), one of P2.
            var byWard = c.Query<(string Ward, string Province, long N)>("""
                SELECT r.ward_code, s.province_code, count(*) AS n FROM fact_record r JOIN fact_snapshot s USING (snapshot_id)
                GROUP BY ALL ORDER BY n DESC, r.ward_code
                """).ToList();
            communeA = byWard.First(w => w.Province == P1).Ward;
            communeB = byWard.First(w => w.Province == P1 && w.Ward != communeA).Ward;
            communeOther = byWard.First(w => w.Province == P2).Ward;
            // Formula and HTML payloads in the names of commune A's people (every snapshot), so that its officer's line
            // lists, CSV and pages carry them.
            // The names are stored once for all the snapshots that share them (FactHistory): changed where stored.
            var ids = c.Query<string>("""
                SELECT DISTINCT i.record_id FROM person_identity i
                JOIN fact_record r ON r.snapshot_id = i.snapshot_id AND r.record_id = i.record_id
                WHERE r.ward_code = $ward AND i.full_name IS NOT NULL ORDER BY i.record_id
                """, new { ward = communeA }).ToList();
            using (var tx = c.BeginTransaction())
            {
                for (var n = 0; n < ids.Count; n++)
                    c.Execute("UPDATE person_identity_rows SET full_name = $payload || full_name WHERE record_id = $rid AND full_name IS NOT NULL",
                        new { payload = Payloads[n % Payloads.Length], rid = ids[n] }, tx);
                tx.Commit();
            }
            people = [.. c.Query<(string, string?, string)>("""
                SELECT i.full_name, i.phone, r.ward_code FROM person_identity i
                JOIN fact_record r ON r.snapshot_id = i.snapshot_id AND r.record_id = i.record_id WHERE i.full_name IS NOT NULL
                """)];
            c.Execute("CHECKPOINT");
        }
        var snapshots1 = folders[P1].Select(f => Manifest.Read(f).SnapshotId).ToList();
        var snapshots2 = folders[P2].Select(f => Manifest.Read(f).SnapshotId).ToList();

        var keys = new Dictionary<string, (string Role, string? Scope, string Label)>
        {
            ["attack-admin-key-7c1d0e5f9a2b"] = (Roles.Admin, null, "admin"),
            ["attack-leader-p1-key-3e8a1f6c"] = (Roles.Leadership, P1, "leadership " + P1),
            ["attack-leader-p2-key-9b2d4c7e"] = (Roles.Leadership, P2, "leadership " + P2),
            ["attack-epi-p1-key-5a7c2e9d1f0b"] = (Roles.Epidemiologist, P1, "epidemiologist " + P1),
            ["attack-epi-nation-key-8d3f6b1a"] = (Roles.Epidemiologist, null, "epidemiologist national"),
            ["attack-officer-a-key-2f9e7d4c1b"] = (Roles.CommuneOfficer, communeA, "officer " + communeA),
            ["attack-officer-b-key-6c1a8e3f5d"] = (Roles.CommuneOfficer, communeB, "officer " + communeB),
            ["attack-officer-p2-key-4d7b2a9e6c"] = (Roles.CommuneOfficer, communeOther, "officer " + communeOther),
        };
        var users = new Dictionary<string, (string Role, string? Scope, string Label)>
        {
            ["quantri"] = (Roles.Admin, null, "admin"),
            ["lanhdao1"] = (Roles.Leadership, P1, "leadership " + P1),
            ["lanhdao2"] = (Roles.Leadership, P2, "leadership " + P2),
            ["dichte1"] = (Roles.Epidemiologist, P1, "epidemiologist " + P1),
            ["dichteqg"] = (Roles.Epidemiologist, null, "epidemiologist national"),
            ["canboa"] = (Roles.CommuneOfficer, communeA, "officer " + communeA),
            ["canbob"] = (Roles.CommuneOfficer, communeB, "officer " + communeB),
            ["canbo2"] = (Roles.CommuneOfficer, communeOther, "officer " + communeOther),
        };

        var log = new LogCapture();
        var args = new List<string>
        {
            $"--Warehouse:Path={dbPath}", $"--Warehouse:PseudonymKey={PseudonymKey}", $"--Warehouse:ImportRoot={import}",
            "--urls=http://127.0.0.1:0", "--Mail:Enabled=false", "--Logging:LogLevel:Default=Debug", "--Logging:Console:FormatterName=simple",
        };
        var i = 0;
        foreach (var (key, (role, scope, label)) in keys)
        {
            args.Add($"--Access:Credentials:{i}:Key={key}");
            args.Add($"--Access:Credentials:{i}:Name=Khoá {label}");
            args.Add($"--Access:Credentials:{i}:Role={role}");
            if (scope is not null) args.Add($"--Access:Credentials:{i}:Scope={scope}");
            i++;
        }
        // Every line the server logs (console provider) goes to the capture; the bench's own output stays on `output`.
        log.Install();
        var app = Program.Create([.. args], log.Writer);
        await app.StartAsync();
        await app.Services.GetRequiredService<RiskModels>().Ready;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var store = app.Services.GetRequiredService<UserStore>();
        foreach (var (name, (role, scope, label)) in users) store.Add(name, "Người dùng " + label, role, scope, Password);
        store.Add(LockUser, "Người dùng thử khoá", Roles.Leadership, P1, Password);

        var world = new AttackWorld
        {
            Dir = dir, ImportRoot = import, DbPath = dbPath, CommuneA = communeA, CommuneB = communeB, CommuneOther = communeOther,
            SnapshotIds1 = snapshots1, SnapshotIds2 = snapshots2, SnapshotFolders1 = folders[P1], People = people, Keys = keys, Users = users,
            App = app, Address = address, Log = log,
        };
        foreach (var (key, (role, scope, label)) in keys)
        {
            var client = world.NewClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            world.Principals.Add(new Principal("key " + label, role, scope, false, client));
        }
        foreach (var (name, (role, scope, label)) in users)
        {
            var (client, cookie) = await world.SignInAsync(name, Password);
            world.Cookies.Add(cookie);
            world.Principals.Add(new Principal("user " + label, role, scope, true, client));
        }
        return world;
    }

    public HttpClient NewClient(CookieContainer? cookies = null) => new(new SocketsHttpHandler
    {
        UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 64,
    }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>A client signed in through the form (antiforgery token and all) and the value of its sign-in cookie.</summary>
    public async Task<(HttpClient Client, string Cookie)> SignInAsync(string user, string password)
    {
        var jar = new CookieContainer();
        var client = NewClient(jar);
        using var response = await PostSignInAsync(client, user, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"sign-in of {user}: {(int)response.StatusCode}");
        var cookie = jar.GetCookies(Address)[AccessEndpoints.CookieName]?.Value ?? throw new InvalidOperationException("no sign-in cookie");
        return (client, cookie);
    }

    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string user, string password)
    {
        using var page = await client.GetAsync("/dang-nhap");
        var form = await page.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(TokenPattern().Match(form).Groups[1].Value);
        return await client.PostAsync("/dang-nhap", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The first commune (5 digits, 2025 system) code that does not exist, and a province code that does not.</summary>
    public static (string Commune, string Province) Nonexistent()
    {
        var codes = ReferenceData.Load().Units.Select(u => u.Code).ToHashSet();
        var commune = Enumerable.Range(0, 100_000).Select(n => (99_999 - n).ToString("D5", CultureInfo.InvariantCulture)).First(c => !codes.Contains(c));
        var province = Enumerable.Range(0, 100).Select(n => (99 - n).ToString("D2", CultureInfo.InvariantCulture)).First(c => !codes.Contains(c));
        return (commune, province);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in Principals) p.Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Log.Uninstall();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Everything written to the console while installed (the server's console logger) kept in memory; the
/// bench's own lines go to the original output.</summary>
sealed class LogCapture
{
    readonly StringBuilder text = new();
    TextWriter? originalOut, originalError;

    public TextWriter Writer { get; }

    public LogCapture() => Writer = TextWriter.Synchronized(new StringWriter(text));

    public TextWriter Out => originalOut ?? Console.Out;

    public void Install()
    {
        originalOut = Console.Out;
        originalError = Console.Error;
        Console.SetOut(Writer);
        Console.SetError(Writer);
    }

    public void Uninstall()
    {
        if (originalOut is null) return;
        Console.SetOut(originalOut);
        Console.SetError(originalError!);
        originalOut = null;
    }

    public string Text
    {
        get { lock (Writer) return text.ToString(); }
    }
}
