using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Reports.Mail;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// <c>attack [--dir d] [--quick]</c> (issue 14 §3): the real server on 127.0.0.1 over two generated provinces, and every
/// endpoint of its OpenAPI document and every page route (api/Features/Web) tried by every role in own scope, other
/// scope, with no credential and with bad ones (wrong key, forged and expired cookies); guessed unit codes, snapshot ids
/// and line-list parameters compared with nonexistent ones; every body, CSV and workbook searched for names and phones;
/// import-folder confinement, formula and HTML payloads, header injection in report e-mails, sign-in lockout, secrets in
/// the captured server log, the line-list audit log against the views made and its immutability. Exit code 1 on any failure.
/// </summary>
static partial class Attack
{
    sealed record Outcome(int Status, string? ContentType, byte[] Body, HttpResponseHeaders Headers, string? Location)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    sealed record LineListView(string User, string Unit, string Kind, string Outcome, int? Rows);

    static int tried, passed;
    static readonly List<string> Failures = [];
    static readonly List<LineListView> Views = [];
    static readonly Dictionary<int, int> OwnScopeStatuses = [];
    static AttackScanner scanner = null!;
    static AttackWorld world = null!;

    static void Check(bool ok, string route, string who, string scope, string what)
    {
        tried++;
        if (ok) passed++;
        else lock (Failures) Failures.Add($"{route} | {who} | {scope} | {what}");
    }

    public static async Task<int> RunAsync(string dir, bool quick, TextWriter output)
    {
        Directory.CreateDirectory(dir);
        var started = DateTimeOffset.UtcNow;
        world = await AttackWorld.CreateAsync(dir, output);
        var o = world.Log.Out;
        try
        {
            scanner = new AttackScanner(world.People);
            o.WriteLine($"  provinces {AttackWorld.P1} and {AttackWorld.P2}: snapshots {string.Join(", ", world.SnapshotIds1.Concat(world.SnapshotIds2))}; " +
                $"officers' communes {world.CommuneA}, {world.CommuneB} ({AttackWorld.P1}), {world.CommuneOther} ({AttackWorld.P2}); " +
                $"{scanner.Names:N0} names and {scanner.Phones:N0} phones searched for; load {Load()}");

            using var anonymous = world.NewClient();
            var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement;
            var operations = Operations(document);
            var pages = PageRoutes();
            o.WriteLine($"  {operations.Count} API operations in /openapi/v1.json, {pages.Count} page routes in api/Features/Web");

            await Phase("e-mail header injection", SubscriptionAndHeaderInjectionAsync);
            await Phase("matrix", () => MatrixAsync(operations, pages, quick));
            await Phase("bad credentials", () => BadCredentialsAsync(operations, pages));
            await Phase("import folder", ConfinementAsync);
            await Phase("formula and HTML", FormulaAndHtmlAsync);
            await Phase("lockout", LockoutAsync);
            await Phase("audit immutability", async () =>
            {
                var auditBefore = await AuditCountAsync();
                await MutationsAsync(operations, pages);
                Check(await AuditCountAsync() == auditBefore, "/api/ncd/audit", "admin", "-", "audit rows changed by PUT/DELETE/PATCH/POST attempts");
            });
            await Phase("audit log", () => AuditAsync(started));
            await Phase("constant time", () => { ConstantTime(); return Task.CompletedTask; });
            await Phase("secrets in log", () => { SecretsInLog(); return Task.CompletedTask; });

            o.WriteLine($"  own-scope answers by status: {string.Join(", ", OwnScopeStatuses.OrderBy(k => k.Key).Select(k => $"{k.Key} × {k.Value}"))}");
            o.WriteLine($"  line-list views made: {Views.Count} ({Views.Count(v => v.Outcome == "granted")} granted, {Views.Count(v => v.Outcome == "denied")} denied, {Views.Count(v => v.Outcome == "refused")} refused)");
            o.WriteLine($"  server log captured: {world.Log.Text.Length / 1024.0:0} KiB");
            o.WriteLine($"  attack cases: {tried:N0} tried, {passed:N0} passed, {tried - passed:N0} failed; load {Load()}");
            foreach (var f in Failures.Take(2000)) o.WriteLine("    FAIL " + f);
            if (Failures.Count > 2000) o.WriteLine($"    … and {Failures.Count - 2000} more");
            return Failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            await world.DisposeAsync();
        }
    }

    static async Task Phase(string name, Func<Task> run)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var before = tried;
        try { await run(); }
        catch (Exception e) { Check(false, name, "attack", "-", "phase crashed: " + e); }
        world.Log.Out.WriteLine($"  {name}: {tried - before:N0} cases in {watch.Elapsed.TotalSeconds:0} s");
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    // ---------------------------------------------------------------- requests

    static async Task<Outcome> SendAsync(HttpClient client, HttpMethod method, string url, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Outcome((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers,
            response.Headers.Location?.ToString());
    }

    /// <summary>Sends, scans the body for names and phones the principal may not see, and fails on a 5xx.</summary>
    static async Task<Outcome> TryAsync(Principal? p, HttpClient client, HttpMethod method, string url, string scope, HttpContent? content = null)
    {
        var r = await SendAsync(client, method, url, content);
        var who = p?.Label ?? "anonymous";
        Check(r.Status < 500, $"{method} {url}", who, scope, $"status {r.Status}: {Short(r.Text)}");
        var allowed = p is { Role: Roles.CommuneOfficer } ? p.Scope : null;
        var leaks = scanner.Leaks(AttackScanner.Readable(r.Body, r.ContentType), allowed);
        Check(leaks.Count == 0, $"{method} {url}", who, scope, "leaked " + string.Join(", ", leaks.Distinct().Take(5)));
        if (url.Contains("/linelists/", StringComparison.Ordinal) || url.Contains("/danh-sach/", StringComparison.Ordinal))
            RecordView(p, url, r);
        return r;
    }

    static void RecordView(Principal? p, string url, Outcome r)
    {
        if (p is null || r.Status is not (200 or 403 or 400) || r.Location is not null) return;
        var m = LineListUrl().Match(url);
        if (!m.Success) return;
        // A bad limit from the commune's own officer is a 400 audited as "refused" (others get the audited 403);
        // other 400s are parameter errors before the line list is looked at.
        var refused = r.Status == 400 && m.Groups["api"].Success && url.Contains("limit=", StringComparison.Ordinal) && p.Role == Roles.CommuneOfficer;
        if (r.Status == 400 && !refused) return;
        var (unit, kind) = m.Groups["api"].Success ? (m.Groups["unit"].Value, m.Groups["kind"].Value) : (m.Groups["code"].Value, m.Groups["pkind"].Value);
        if (kind is not ("priority" or "followup" or "risk")) return;
        // A 403 before the handler (an unknown snapshot is 404, so not here) is the handler's audited denial.
        int? rows = null;
        if (r.Status == 200 && r.ContentType == "application/json")
            rows = JsonDocument.Parse(r.Body).RootElement.GetProperty("rows").GetArrayLength();
        var name = p.Cookie ? "Người dùng " + p.Label["user ".Length..] : "Khoá " + p.Label["key ".Length..];
        lock (Views) Views.Add(new LineListView(name, unit, kind, refused ? "refused" : r.Status == 200 ? "granted" : "denied", rows));
    }

    static string Short(string text) => text.Length > 160 ? text[..160] + "…" : text;

    // ---------------------------------------------------------------- the matrix

    sealed record Operation(string Method, string Path, IReadOnlyList<string> Query);

    static List<Operation> Operations(JsonElement document)
    {
        var list = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                var query = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToList()
                    : [];
                list.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, query));
            }
        return list;
    }

    /// <summary>Every <c>@page "…"</c> of api/Features/Web (the repository is found from the working folder up).</summary>
    static List<string> PageRoutes()
    {
        var folder = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, "api", "Features", "Web"))) folder = folder.Parent;
        if (folder is null) throw new InvalidOperationException("api/Features/Web not found above " + Directory.GetCurrentDirectory());
        return [.. Directory.EnumerateFiles(Path.Combine(folder.FullName, "api", "Features", "Web"), "*.cshtml", SearchOption.AllDirectories)
            .Select(f => PageDirective().Match(File.ReadAllText(f))).Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
    }

    static bool AdminOnly(string path) => path.StartsWith("/api/admin", StringComparison.Ordinal) || path is "/api/ncd/audit" or "/api/ncd/model/train"
        || path.StartsWith("/quan-tri", StringComparison.Ordinal);

    static bool Public(string path) => path.StartsWith("/api/units", StringComparison.Ordinal) || path is "/" or "/api/me" or "/api/ncd/measures"
        or "/api/ncd/model" or "/dang-nhap" or "/dang-xuat" or "/openapi/v1.json";

    static bool LineList(string path) => path.Contains("linelists", StringComparison.Ordinal) || path.Contains("danh-sach", StringComparison.Ordinal);

    /// <summary>The units a principal may see, and pairs (out of scope, nonexistent) of the same shape.</summary>
    static (List<string> Own, List<(string Other, string Fake)> Other) Units(Principal p)
    {
        var (fakeCommune, fakeProvince) = AttackWorld.Nonexistent();
        string P1 = AttackWorld.P1, P2 = AttackWorld.P2;
        if (p.National) return ([P1, world.CommuneA, P2, world.CommuneOther], [("", fakeProvince), ("", fakeCommune)]);
        if (p.Role == Roles.CommuneOfficer)
        {
            var mine = p.Scope!;
            var province = mine == world.CommuneOther ? P2 : P1;
            var neighbour = mine == world.CommuneA ? world.CommuneB : mine == world.CommuneB ? world.CommuneA : world.CommuneA;
            return ([mine], [(neighbour, fakeCommune), (province, fakeProvince)]);
        }
        return p.Scope == P1
            ? ([P1, world.CommuneA], [(P2, fakeProvince), (world.CommuneOther, fakeCommune)])
            : ([P2, world.CommuneOther], [(P1, fakeProvince), (world.CommuneA, fakeCommune)]);
    }

    static (string Own, string Other, string Fake) Snapshots(Principal p)
    {
        var mine = p.Scope is null || p.Scope == AttackWorld.P1 || p.Scope == world.CommuneA || p.Scope == world.CommuneB;
        var own = mine ? world.SnapshotIds1[^1] : world.SnapshotIds2[^1];
        var other = mine ? world.SnapshotIds2[^1] : world.SnapshotIds1[^1];
        // Same shape as the other province's id, a date no snapshot has.
        var fake = other.Replace("2025", "2031", StringComparison.Ordinal);
        return (own, p.National ? "" : other, fake);
    }

    static string Fill(string template, string unit, string? kind = null, string? level = null, string? snapshot = null, string? id = null) =>
        template.Replace("{code}", unit).Replace("{kind}", kind ?? "priority").Replace("{level}", level ?? "communes")
            .Replace("{snapshotId}", snapshot ?? "").Replace("{id}", id ?? "1");

    /// <summary>Endpoints that list <c>unit</c> in the document (the shared NCD parameters) without using it: the
    /// province's anchors and clusters, the model card, the audit log.</summary>
    static readonly string[] UnitIgnored = ["/api/ncd/anchors", "/api/ncd/clusters", "/api/ncd/model", "/api/ncd/audit", "/api/ncd/measures"];

    static string WithQuery(string path, IReadOnlyList<string> query, string unit, string? snapshot)
    {
        var parts = new List<string>();
        if (query.Contains("parent")) parts.Add("parent=" + unit);
        if (query.Contains("unit") && !UnitIgnored.Contains(path)) parts.Add("unit=" + unit);
        if (snapshot is not null) parts.Add("snapshot=" + snapshot);
        return parts.Count == 0 ? path : path + (path.Contains('?') ? "&" : "?") + string.Join('&', parts);
    }

    static async Task MatrixAsync(List<Operation> operations, List<string> pages, bool quick)
    {
        var routes = operations.Where(op => op.Method == "GET" && op.Path != "/openapi/v1.json").Select(op => (op.Path, op.Query, Page: false))
            .Concat(pages.Where(p => p != "/dang-xuat").Select(p => (Path: p, Query: (IReadOnlyList<string>)["snapshot"], Page: true))).ToList();
        var principals = quick ? world.Principals.Where((_, i) => i % 2 == 0).ToList() : world.Principals;
        await Parallel.ForEachAsync(principals, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, _) =>
        {
            var (own, other) = Units(p);
            var (ownSnap, otherSnap, fakeSnap) = Snapshots(p);
            foreach (var (template, query, page) in routes)
            {
                var kinds = template.Contains("{kind}") ? (template.Contains("danh-sach") || template.Contains("linelists") ? new string?[] { "priority", "followup", "risk" } : ["coverage", "map"]) : [null];
                var levels = template.Contains("{level}") ? new string?[] { "communes", "districts" } : [null];
                var hasUnit = template.Contains("{code}") || query.Contains("parent") || (query.Contains("unit") && !UnitIgnored.Contains(template));
                foreach (var kind in kinds)
                    foreach (var level in levels)
                    {
                        if (template.Contains("{snapshotId}"))
                        {
                            await OwnAsync(p, Fill(template, "", snapshot: ownSnap), template, "own snapshot");
                            if (otherSnap.Length > 0) await PairAsync(p, Fill(template, "", snapshot: otherSnap), Fill(template, "", snapshot: fakeSnap), otherSnap, fakeSnap, template, "snapshot");
                            else await FakeAsync(p, Fill(template, "", snapshot: fakeSnap), template);
                            continue;
                        }
                        if (!hasUnit)
                        {
                            await OwnAsync(p, Fill(template, "", kind, level), template, "no unit");
                            if (query.Contains("snapshot") && otherSnap.Length > 0)
                                await PairAsync(p, WithQuery(Fill(template, "", kind, level), [], "", otherSnap), WithQuery(Fill(template, "", kind, level), [], "", fakeSnap),
                                    otherSnap, fakeSnap, template, "snapshot");
                            continue;
                        }
                        foreach (var unit in own)
                        {
                            var url = WithQuery(Fill(template, unit, kind, level), query, unit, null);
                            var r = await OwnAsync(p, url, template, "own " + unit);
                            if (!page && r.Status == 200 && r.ContentType == "application/json")
                                await OwnAsync(p, url + (url.Contains('?') ? "&" : "?") + "format=csv", template, "own " + unit + " csv");
                        }
                        foreach (var (otherUnit, fake) in other)
                        {
                            var fakeUrl = WithQuery(Fill(template, fake, kind, level), query, fake, null);
                            if (otherUnit.Length == 0) { await FakeAsync(p, fakeUrl, template); continue; }
                            await PairAsync(p, WithQuery(Fill(template, otherUnit, kind, level), query, otherUnit, null), fakeUrl, otherUnit, fake, template, "unit");
                        }
                        if (query.Contains("snapshot") && otherSnap.Length > 0)
                        {
                            var unit = own[0];
                            await PairAsync(p, WithQuery(Fill(template, unit, kind, level), query, unit, otherSnap),
                                WithQuery(Fill(template, unit, kind, level), query, unit, fakeSnap), otherSnap, fakeSnap, template, "snapshot");
                        }
                        if (template.Contains("linelists"))
                            foreach (var limit in new[] { "0", "-1", "abc", "999999999", "5000" })
                                await OwnAsync(p, WithQuery(Fill(template, own[0], kind), query, own[0], null) + "&limit=" + limit, template, "limit " + limit);
                    }
            }
        });
    }

    /// <summary>Own scope: as documented (2xx; 403 only where the role lacks the right; never a 401).</summary>
    static async Task<Outcome> OwnAsync(Principal p, string url, string template, string scope)
    {
        var r = await TryAsync(p, p.Client, HttpMethod.Get, url, scope);
        lock (OwnScopeStatuses) OwnScopeStatuses[r.Status] = OwnScopeStatuses.GetValueOrDefault(r.Status) + 1;
        var restricted = AdminOnly(template) ? p.Role != Roles.Admin
            : LineList(template) ? !(p.Role == Roles.CommuneOfficer && url.Contains(p.Scope!, StringComparison.Ordinal))
            : false;
        // A bad limit is refused (400) before the role is looked at: no data either way.
        if (restricted) Check(r.Status == 403 || (r.Status == 400 && scope.StartsWith("limit", StringComparison.Ordinal)), "GET " + url, p.Label, scope, $"role without the right answered {r.Status}");
        else Check(r.Status != 401 && r.Location?.Contains(AccessEndpoints.SignInPath, StringComparison.Ordinal) != true,
            "GET " + url, p.Label, scope, $"own scope refused: {r.Status}");
        return r;
    }

    /// <summary>A national caller's nonexistent unit or snapshot: 404 (or 400/403), never data.</summary>
    static async Task FakeAsync(Principal p, string url, string template)
    {
        var r = await TryAsync(p, p.Client, HttpMethod.Get, url, "nonexistent");
        if (!Public(template)) Check(r.Status is 400 or 403 or 404, "GET " + url, p.Label, "nonexistent", $"answered {r.Status}");
    }

    /// <summary>Out of scope vs nonexistent: the same status and the same body apart from the echoed code.</summary>
    static async Task PairAsync(Principal p, string otherUrl, string fakeUrl, string other, string fake, string template, string what)
    {
        var a = await TryAsync(p, p.Client, HttpMethod.Get, otherUrl, "other " + what + " " + other);
        var b = await TryAsync(p, p.Client, HttpMethod.Get, fakeUrl, "nonexistent " + what + " " + fake);
        if (Public(template)) return;
        // A snapshot parameter the endpoint does not use (a series spans every visible snapshot) may be ignored: then
        // the answer is the same for both and names neither.
        var ignored = what == "snapshot" && a.Status == 200 && !a.Text.Contains(other, StringComparison.Ordinal);
        Check(a.Status is 400 or 403 or 404 || ignored, "GET " + otherUrl, p.Label, "other " + what, $"out of scope answered {a.Status}: {Short(a.Text)}");
        var same = a.Status == b.Status && a.ContentType == b.ContentType
            && Normal(a.Text, other, otherUrl) == Normal(b.Text, fake, fakeUrl);
        Check(same, "GET " + otherUrl, p.Label, "other " + what,
            $"distinguishable from nonexistent {fake}: {a.Status} «{Short(Normal(a.Text, other, otherUrl))}» vs {b.Status} «{Short(Normal(b.Text, fake, fakeUrl))}»");
    }

    static string Normal(string body, string code, string url)
    {
        var text = TraceId().Replace(body, "");
        text = text.Replace(url, "{url}");
        if (code.Length > 0) text = text.Replace(code, "{code}");
        return RequestToken().Replace(text, "");
    }

    // ---------------------------------------------------------------- credentials

    static async Task BadCredentialsAsync(List<Operation> operations, List<string> pages)
    {
        var options = world.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var users = world.App.Services.GetRequiredService<UserStore>();
        var admin = users.Find("quantri")!;
        var now = DateTimeOffset.UtcNow;
        var expired = options.TicketDataFormat.Protect(new AuthenticationTicket(UserStore.Principal(admin, CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IssuedUtc = now.AddHours(-10), ExpiresUtc = now.AddHours(-1) }, CookieAuthenticationDefaults.AuthenticationScheme));
        var valid = world.Cookies[0];
        var chars = valid.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'B' : 'A';
        var tampered = new string(chars);
        var forgedPrincipal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "x"), new Claim(ClaimTypes.Role, Roles.Admin)], "Cookies"));
        var selfSigned = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(forgedPrincipal.Claims.Select(c => new { c.Type, c.Value }))));

        var credentials = new (string Label, Action<HttpRequestMessage> Apply)[]
        {
            ("no credential", _ => { }),
            ("wrong key", r => r.Headers.Add("X-Api-Key", "attack-wrong-key-0000000000")),
            ("key of another case", r => r.Headers.Add("X-Api-Key", world.Keys.Keys.First().ToUpperInvariant())),
            ("bearer garbage", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key")),
            ("empty key", r => r.Headers.TryAddWithoutValidation("X-Api-Key", "")),
            ("expired cookie", r => r.Headers.Add("Cookie", $"{AccessEndpoints.CookieName}={expired}")),
            ("tampered cookie", r => r.Headers.Add("Cookie", $"{AccessEndpoints.CookieName}={tampered}")),
            ("forged cookie", r => r.Headers.Add("Cookie", $"{AccessEndpoints.CookieName}={selfSigned}")),
        };
        var routes = operations.Select(op => (op.Method, Url: WithQuery(Fill(op.Path, AttackWorld.P1, snapshot: world.SnapshotIds1[^1]), op.Query, AttackWorld.P1, null), op.Path))
            .Concat(pages.Select(p => ("GET", Fill(p, p.StartsWith("/xa/", StringComparison.Ordinal) ? world.CommuneA : AttackWorld.P1), Path: p)))
            .Where(r => !Public(r.Path)).ToList();
        using var client = world.NewClient();
        foreach (var (label, apply) in credentials)
            foreach (var (method, url, path) in routes)
            {
                var content = method == "GET" ? null : JsonContent.Create(new { folder = "20", path = "20/population.csv" });
                var r = await SendAsync(client, new HttpMethod(method), url, content, apply);
                var leaks = scanner.Leaks(AttackScanner.Readable(r.Body, r.ContentType), null);
                Check(leaks.Count == 0 && r.Status < 500, $"{method} {url}", label, "-", $"{r.Status}, leaked {string.Join(", ", leaks.Take(3))}");
                var api = url.StartsWith("/api", StringComparison.Ordinal);
                var ok = api ? r.Status == 401
                    : r.Status == 401 || (r.Status == 302 && r.Location?.Contains(AccessEndpoints.SignInPath, StringComparison.Ordinal) == true);
                // A POST to a page without antiforgery token is refused before authentication (400) — also no access.
                if (!api && method != "GET") ok |= r.Status == 400;
                Check(ok, $"{method} {url}", label, "-", $"answered {r.Status} {r.Location}");
            }
    }

    // ---------------------------------------------------------------- import folder

    static async Task ConfinementAsync()
    {
        var admin = world.Principals.First(p => p.Role == Roles.Admin && !p.Cookie);
        var outside = Path.Combine(world.Dir, "outside");
        if (Directory.Exists(outside)) Directory.Delete(outside, true);
        Directory.CreateDirectory(outside);
        var source = world.SnapshotFolders1[0];
        var copy = Path.Combine(outside, Path.GetFileName(source));
        foreach (var d in Directory.GetDirectories(source, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(Path.Combine(copy, Path.GetRelativePath(source, d)));
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(source, "*", SearchOption.AllDirectories)) File.Copy(f, Path.Combine(copy, Path.GetRelativePath(source, f)));
        File.Copy(Path.Combine(world.ImportRoot, AttackWorld.P1, "population.csv"), Path.Combine(outside, "population.csv"));
        var link = Path.Combine(world.ImportRoot, "lien-ket");
        var fileLink = Path.Combine(world.ImportRoot, "dan-so-lien-ket.csv");
        foreach (var l in new[] { link, fileLink }) if (File.Exists(l) || Directory.Exists(l)) File.Delete(l);
        Directory.CreateSymbolicLink(link, outside);
        File.CreateSymbolicLink(fileLink, Path.Combine(outside, "population.csv"));
        try
        {
            foreach (var folder in new[] { "..", "../outside", outside, copy, "/etc", "/", "20/../../outside", "lien-ket", "lien-ket/" + Path.GetFileName(source),
                         world.ImportRoot + "/../outside", "~/", "\\..\\outside", "20/\0", "%2e%2e/outside" })
            {
                var r = await TryAsync(admin, admin.Client, HttpMethod.Post, "/api/admin/loads", "folder " + folder, JsonContent.Create(new { folder }));
                // "~/", a backslash path and %2e%2e are names inside the folder on Linux (refused as missing, not as outside).
                var literal = folder is "~/" or "\\..\\outside" or "%2e%2e/outside" || folder.Contains('\0');
                Check(r.Status == 400 && (r.Text.Contains("thư mục nhập dữ liệu", StringComparison.Ordinal) || literal), "POST /api/admin/loads",
                    admin.Label, "folder " + folder, $"outside the import folder answered {r.Status}: {Short(r.Text)}");
                Check(!r.Text.Contains(outside, StringComparison.Ordinal) || folder.Contains(outside, StringComparison.Ordinal), "POST /api/admin/loads",
                    admin.Label, "folder " + folder, "answer reveals a server path outside the import folder");
            }
            foreach (var path in new[] { "../outside/population.csv", Path.Combine(outside, "population.csv"), "/etc/passwd", "dan-so-lien-ket.csv", "lien-ket/population.csv" })
            {
                var r = await TryAsync(admin, admin.Client, HttpMethod.Post, "/api/admin/population", "path " + path, JsonContent.Create(new { path }));
                Check(r.Status == 400 && r.Text.Contains("thư mục nhập dữ liệu", StringComparison.Ordinal), "POST /api/admin/population", admin.Label, "path " + path,
                    $"outside the import folder answered {r.Status}: {Short(r.Text)}");
                Check(!r.Text.Contains("root:", StringComparison.Ordinal), "POST /api/admin/population", admin.Label, "path " + path, "file content echoed");
            }
            // Inside: an already loaded province folder is accepted (nothing new to load).
            var inside = await TryAsync(admin, admin.Client, HttpMethod.Post, "/api/admin/loads", "folder inside", JsonContent.Create(new { folder = AttackWorld.P1 }));
            Check(inside.Status == 200, "POST /api/admin/loads", admin.Label, "folder " + AttackWorld.P1, $"inside the import folder answered {inside.Status}: {Short(inside.Text)}");
        }
        finally
        {
            File.Delete(link);
            File.Delete(fileLink);
        }
    }

    // ---------------------------------------------------------------- payloads

    static async Task FormulaAndHtmlAsync()
    {
        var officer = world.Principals.Where(p => p.Role == Roles.CommuneOfficer && p.Scope == world.CommuneA).ToList();
        foreach (var p in officer)
            foreach (var kind in new[] { "priority", "followup" })
            {
                var csv = await TryAsync(p, p.Client, HttpMethod.Get, $"/api/ncd/linelists/{kind}?unit={world.CommuneA}&format=csv", "own, payload names");
                var text = csv.Text;
                var cells = Cells(text).ToList();
                var names = cells.Where(c => AttackWorld.Payloads.Any(x => c.TrimStart('\'').StartsWith(x, StringComparison.Ordinal))).ToList();
                Check(csv.Status == 200 && names.Count > 0, $"GET /api/ncd/linelists/{kind}?format=csv", p.Label, "own", $"no payload names in the list ({csv.Status})");
                var live = cells.Where(c => c.Length > 0 && c[0] is '=' or '+' or '-' or '@' or '\t' or '\r').ToList();
                Check(live.Count == 0, $"GET /api/ncd/linelists/{kind}?format=csv", p.Label, "own", $"{live.Count} cells start a formula, e.g. {live.FirstOrDefault()}");
                var page = await TryAsync(p, p.Client, HttpMethod.Get, $"/xa/{world.CommuneA}/danh-sach/{kind}", "own, payload names");
                var html = page.Text;
                Check(page.Status == 200 && html.Contains("&lt;script&gt;alert(1)", StringComparison.Ordinal),
                    $"/xa/{world.CommuneA}/danh-sach/{kind}", p.Label, "own", $"payload not shown as text ({page.Status})");
                Check(!html.Contains("<script>alert", StringComparison.OrdinalIgnoreCase) && !html.Contains("<img src=x", StringComparison.OrdinalIgnoreCase),
                    $"/xa/{world.CommuneA}/danh-sach/{kind}", p.Label, "own", "unescaped <script or <img in the page");
            }
        // The workbook and the pages of every role: no unescaped payload anywhere.
        foreach (var p in world.Principals)
        {
            var (own, _) = Units(p);
            foreach (var path in new[] { $"/xa/{own.Last()}", $"/api/coverage/{own[0]}/workbook" })
            {
                var r = await TryAsync(p, p.Client, HttpMethod.Get, path, "own, payloads");
                var text = AttackScanner.Readable(r.Body, r.ContentType);
                Check(!r.Text.Contains("<script>alert", StringComparison.OrdinalIgnoreCase), path, p.Label, "own", "unescaped <script");
                Check(!text.Contains("HYPERLINK", StringComparison.Ordinal) || p.Role == Roles.CommuneOfficer, path, p.Label, "own", "payload name reached a role without names");
            }
        }
        // The administration page shows a subscription named with markup as text.
        var admin = world.Principals.First(p => p.Role == Roles.Admin && p.Cookie);
        var quanTri = await TryAsync(admin, admin.Client, HttpMethod.Get, "/quan-tri", "admin page");
        Check(quanTri.Status == 200 && !quanTri.Text.Contains("<script>alert(3)", StringComparison.Ordinal), "/quan-tri", admin.Label, "-",
            $"subscription name with markup not escaped ({quanTri.Status})");
    }

    static IEnumerable<string> Cells(string csv)
    {
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var ch = csv[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"' && cell.Length == 0) quoted = true;
            else if (ch is ',' or '\n') { yield return cell.ToString().TrimEnd('\r'); cell.Clear(); }
            else cell.Append(ch);
        }
        if (cell.Length > 0) yield return cell.ToString();
    }

    // ---------------------------------------------------------------- e-mail headers

    static async Task SubscriptionAndHeaderInjectionAsync()
    {
        var admin = world.Principals.First(p => p.Role == Roles.Admin && !p.Cookie);
        var injected = new[]
        {
            new { name = "Cán bộ\r\nBcc: ke-gian@evil.invalid", address = "canbo@soyte.gov.vn", unit = world.CommuneA },
            new { name = "Cán bộ", address = "canbo@soyte.gov.vn\r\nBcc: ke-gian@evil.invalid", unit = world.CommuneA },
            new { name = "Cán bộ\nSubject: giả", address = "canbo@soyte.gov.vn", unit = world.CommuneA },
            new { name = "Cán bộ", address = "canbo@soyte.gov.vn", unit = world.CommuneA + "\r\nBcc: x@evil.invalid" },
        };
        foreach (var s in injected)
        {
            var r = await TryAsync(admin, admin.Client, HttpMethod.Post, "/api/admin/subscriptions", "header injection",
                JsonContent.Create(new { s.name, s.address, role = Roles.CommuneOfficer, scope = world.CommuneA, s.unit, kind = "monthly_appendix" }));
            Check(r.Status == 400, "POST /api/admin/subscriptions", admin.Label, JsonSerializer.Serialize(s), $"CR/LF accepted: {r.Status} {Short(r.Text)}");
        }
        // A subscription named with markup (shown on /quan-tri) is a legitimate name.
        var markup = await TryAsync(admin, admin.Client, HttpMethod.Post, "/api/admin/subscriptions", "markup name",
            JsonContent.Create(new { name = "<script>alert(3)</script>", address = "canbo@soyte.gov.vn", role = Roles.CommuneOfficer, scope = world.CommuneA,
                unit = world.CommuneA, kind = "monthly_appendix" }));
        Check(markup.Status == 201, "POST /api/admin/subscriptions", admin.Label, "markup name", $"answered {markup.Status} {Short(markup.Text)}");

        // The built message: a recipient name with CR/LF that reached the builder anyway (e.g. an older row) cannot add a header.
        var builder = new MailMessageBuilder(Options.Create(new MailOptions { FromAddress = "hssk@soyte.gov.vn", FromName = "HSSK\r\nBcc: a@evil.invalid" }));
        var reports = world.App.Services.GetRequiredService<MailReports>();
        var report = reports.For(world.CommuneA, ReportKinds.MonthlyAppendix, "attack");
        var subscription = new MailSubscription
        {
            SubscriptionId = 1, Address = "canbo@soyte.gov.vn", RecipientName = "Cán bộ\r\nBcc: ke-gian@evil.invalid\r\nSubject: giả", Role = Roles.CommuneOfficer,
            Scope = world.CommuneA, UnitCode = world.CommuneA, Kind = ReportKinds.MonthlyAppendix, Cron = "0 7 1 * *",
        };
        var message = builder.Build(subscription, new MailPeriod("attack:\r\nBcc: b@evil.invalid", "kỳ\r\nBcc: c@evil.invalid", DateTimeOffset.UtcNow), "m@x", report, null);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var raw = Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
        var head = raw[..raw.IndexOf("\n\n", StringComparison.Ordinal)];
        var lines = head.Split('\n');
        Check(!lines.Any(l => l.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase)) && lines.Count(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)) == 1,
            "MimeMessage", "mail builder", "CR/LF in names and period", "injected header line: " + string.Join(" / ", lines.Where(l => l.StartsWith("Bcc", StringComparison.OrdinalIgnoreCase))));
        await Task.CompletedTask;
    }

    // ---------------------------------------------------------------- lockout

    static async Task LockoutAsync()
    {
        var max = world.App.Services.GetRequiredService<IOptions<SignInOptions>>().Value.MaxFailures;
        using var client = world.NewClient(new CookieContainer());
        for (var i = 0; i < max; i++)
        {
            using var wrong = await AttackWorld.PostSignInAsync(client, AttackWorld.LockUser, "sai-mat-khau-" + i);
            Check(wrong.StatusCode == HttpStatusCode.OK, "POST /dang-nhap", AttackWorld.LockUser, "wrong password " + (i + 1), $"answered {(int)wrong.StatusCode}");
        }
        using var other = world.NewClient(new CookieContainer());
        using var right = await AttackWorld.PostSignInAsync(other, AttackWorld.LockUser, AttackWorld.Password);
        var body = await right.Content.ReadAsStringAsync();
        Check(right.StatusCode == HttpStatusCode.OK && body.Contains("khoá", StringComparison.OrdinalIgnoreCase), "POST /dang-nhap", AttackWorld.LockUser,
            $"right password after {max} failures", $"not locked: {(int)right.StatusCode} {right.Headers.Location}");
        var user = world.App.Services.GetRequiredService<UserStore>().Find(AttackWorld.LockUser)!;
        Check(user.LockedUntil > DateTime.UtcNow, "web_user", AttackWorld.LockUser, "-", "no lock recorded");
        // An unknown user name answers like a wrong password (no user enumeration).
        using var unknown = await AttackWorld.PostSignInAsync(other, "khong-co-ai", "sai-mat-khau-0");
        using var known = await AttackWorld.PostSignInAsync(other, "lanhdao1", "sai-mat-khau-0");
        Check(unknown.StatusCode == known.StatusCode && Strip(await unknown.Content.ReadAsStringAsync()).Replace("khong-co-ai", "")
                == Strip(await known.Content.ReadAsStringAsync()).Replace("lanhdao1", ""),
            "POST /dang-nhap", "unknown user", "-", "answer differs from a known user's wrong password");
    }

    static string Strip(string html) => RequestToken().Replace(html, "");

    // ---------------------------------------------------------------- mutations and audit

    static async Task MutationsAsync(List<Operation> operations, List<string> pages)
    {
        var byPath = operations.GroupBy(o => o.Path).ToDictionary(g => g.Key, g => g.Select(o => o.Method).ToHashSet());
        var admins = world.Principals.Where(p => p.Role == Roles.Admin).ToList();
        var targets = byPath.Select(kv => (Url: Fill(kv.Key, kv.Key.StartsWith("/api/coverage/", StringComparison.Ordinal) ? AttackWorld.P1 : world.CommuneA, snapshot: world.SnapshotIds1[^1], id: "999999"), Methods: kv.Value))
            .Concat(pages.Select(p => (Url: Fill(p, p.StartsWith("/xa/", StringComparison.Ordinal) ? world.CommuneA : AttackWorld.P1), Methods: new HashSet<string> { "GET" })))
            .Append(("/api/ncd/audit/1", new HashSet<string>())).Append(("/api/ncd/audit?limit=1", new HashSet<string> { "GET" })).ToList();
        foreach (var p in admins)
            foreach (var (url, methods) in targets)
                foreach (var method in new[] { "PUT", "DELETE", "PATCH", "POST" }.Where(m => !methods.Contains(m)))
                {
                    var r = await TryAsync(p, p.Client, new HttpMethod(method), url, "mutation", JsonContent.Create(new { rows = 0, outcome = "granted" }));
                    Check(r.Status is 400 or 401 or 403 or 404 or 405 or 415, $"{method} {url}", p.Label, "mutation", $"answered {r.Status}: {Short(r.Text)}");
                }
    }

    static async Task<int> AuditCountAsync()
    {
        var admin = world.Principals.First(p => p.Role == Roles.Admin && !p.Cookie);
        var r = await SendAsync(admin.Client, HttpMethod.Get, "/api/ncd/audit?limit=10000");
        return JsonDocument.Parse(r.Body).RootElement.GetArrayLength();
    }

    static async Task AuditAsync(DateTimeOffset started)
    {
        var admin = world.Principals.First(p => p.Role == Roles.Admin && !p.Cookie);
        var r = await SendAsync(admin.Client, HttpMethod.Get, "/api/ncd/audit?limit=10000");
        var rows = JsonDocument.Parse(r.Body).RootElement.EnumerateArray().Select(x => new
        {
            User = x.GetProperty("userName").GetString()!, Unit = x.GetProperty("unitCode").GetString()!, Kind = x.GetProperty("listKind").GetString()!,
            Outcome = x.GetProperty("outcome").GetString()!, Rows = x.GetProperty("rows").GetInt32(), At = x.GetProperty("at").GetDateTimeOffset(),
        }).ToList();
        string Key(string user, string unit, string kind, string outcome) => $"{user}|{unit}|{kind}|{outcome}";
        var expected = Views.GroupBy(v => Key(v.User, v.Unit, v.Kind, v.Outcome)).ToDictionary(g => g.Key, g => g.Count());
        var actual = rows.GroupBy(v => Key(v.User, v.Unit, v.Kind, v.Outcome)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var key in expected.Keys.Union(actual.Keys))
            Check(expected.GetValueOrDefault(key) == actual.GetValueOrDefault(key), "/api/ncd/audit", "audit", key,
                $"{expected.GetValueOrDefault(key)} views made, {actual.GetValueOrDefault(key)} audit rows");
        var end = DateTimeOffset.UtcNow.AddMinutes(1);
        Check(rows.All(x => x.At >= started.AddMinutes(-1) && x.At <= end), "/api/ncd/audit", "audit", "-", "audit time outside the run");
        var grantedRows = Views.Where(v => v.Rows is not null).Sum(v => v.Rows!.Value);
        var granted = Views.Where(v => v.Rows is not null).Select(v => Key(v.User, v.Unit, v.Kind, v.Outcome)).ToHashSet();
        Check(rows.Where(x => x.Outcome == "granted").Sum(x => x.Rows) >= grantedRows, "/api/ncd/audit", "audit", "rows",
            $"audited rows {rows.Where(x => x.Outcome == "granted").Sum(x => x.Rows)} < rows served as JSON {grantedRows}");
        world.Log.Out.WriteLine($"  audit log: {rows.Count} rows ({rows.Count(x => x.Outcome == "granted")} granted, {rows.Count(x => x.Outcome == "denied")} denied, {rows.Count(x => x.Outcome == "refused")} refused) for {Views.Count} line-list views; {granted.Count} granted kinds");
    }

    // ---------------------------------------------------------------- secrets

    /// <summary>The key and password comparisons: found in the source, each must go through FixedTimeEquals or the
    /// framework's password hasher (which compares in constant time).</summary>
    static void ConstantTime()
    {
        var folder = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, "api", "Access"))) folder = folder.Parent;
        if (folder is null) { Check(false, "api/Access", "source", "-", "not found"); return; }
        var credentials = File.ReadAllText(Path.Combine(folder.FullName, "api", "Access", "Credentials.cs"));
        Check(credentials.Contains("CryptographicOperations.FixedTimeEquals", StringComparison.Ordinal), "api/Access/Credentials.cs", "source", "-",
            "API keys not compared with CryptographicOperations.FixedTimeEquals");
        var users = File.ReadAllText(Path.Combine(folder.FullName, "api", "Access", "Users.cs"));
        Check(users.Contains("VerifyHashedPassword", StringComparison.Ordinal) && !SecretEquality().IsMatch(users), "api/Access/Users.cs", "source", "-",
            "password compared outside PasswordHasher.VerifyHashedPassword");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder.FullName, "api"), "*.cs", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in SecretEquality().Matches(text))
                Check(false, Path.GetRelativePath(folder.FullName, file), "source", "-", "secret compared with ==/Equals: " + m.Value);
        }
    }

    static void SecretsInLog()
    {
        var log = world.Log.Text;
        var secrets = world.Keys.Keys.Select(k => ("API key", k))
            .Append(("password", AttackWorld.Password)).Append(("pseudonym key", AttackWorld.PseudonymKey))
            .Concat(world.Cookies.Select(c => ("sign-in cookie", c.Length > 40 ? c[..40] : c)));
        foreach (var (what, secret) in secrets)
            Check(!log.Contains(secret, StringComparison.Ordinal), "server log", "log", what, $"{what} in the log");
        var leaks = scanner.Leaks(log.Normalize(NormalizationForm.FormC), null);
        Check(leaks.Count == 0, "server log", "log", "names", "names/phones in the log: " + string.Join(", ", leaks.Take(5)));
    }

    [GeneratedRegex("\"traceId\"\\s*:\\s*\"[^\"]*\"")]
    private static partial Regex TraceId();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]+\"")]
    private static partial Regex RequestToken();

    [GeneratedRegex("@page\\s+\"([^\"]+)\"")]
    private static partial Regex PageDirective();

    [GeneratedRegex(@"(?<api>/api/ncd/linelists/(?<kind>\w+)\?unit=(?<unit>\d+))|(?<page>/xa/(?<code>\d+)/danh-sach/(?<pkind>\w+))")]
    private static partial Regex LineListUrl();

    /// <summary>An equality test on something named as a secret (API key, password, secret, token, credential key).</summary>
    [GeneratedRegex(@"\b\w*(apikey|password|secret|token|credential\.key)\w*\s*(==|!=)\s*\w+|\b\w*(apikey|password|secret|token)\w*\.Equals\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretEquality();
}
