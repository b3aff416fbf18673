using System.Security.Cryptography;
using System.Text.Json;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Api.Demo;

/// <summary>
/// The demo without configured credentials: one random key per role, made at the first start and kept in the demo
/// folder (demo-keys.json, beside pseudonym.key), so that a script or bookmark written against the demo keeps working.
/// </summary>
public static class DemoCredentials
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Adds the demo's keys to configuration unless <c>Access:Credentials</c> has any; returns what it added.</summary>
    public static IReadOnlyList<Credential> AddTo(IConfiguration configuration, DemoWarehouse demo)
    {
        if (configuration.GetSection("Access:Credentials").GetChildren().Any()) return [];
        var list = Read(demo.CredentialsPath) ?? Create(demo);
        for (var i = 0; i < list.Count; i++)
        {
            configuration[$"Access:Credentials:{i}:Key"] = list[i].Key;
            configuration[$"Access:Credentials:{i}:Name"] = list[i].Name;
            configuration[$"Access:Credentials:{i}:Role"] = list[i].Role;
            configuration[$"Access:Credentials:{i}:Scope"] = list[i].Scope;
        }
        return list;
    }

    static List<Credential>? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<List<Credential>>(File.ReadAllText(path), Json) is { Count: > 0 } list ? list
                : throw new JsonException("no credential in the file");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"Tệp khoá demo {Path.GetFullPath(path)} bị hỏng; xoá tệp đó để tạo khoá mới khi khởi động. ({e.Message})", e);
        }
    }

    static List<Credential> Create(DemoWarehouse demo)
    {
        var province = demo.Options.ProvinceCode;
        var today = DateOnly.FromDateTime(DateTime.Today);
        var units = ReferenceData.Load().InForce(ReferenceData.System2025, today).ToList();
        var provinceName = units.First(u => u.Level == "province" && u.Code == province).FullName;
        var commune = units.Where(u => u.Level == "commune" && u.ProvinceCode == province).MinBy(u => u.Code)!;
        List<Credential> list =
        [
            new() { Key = NewKey(), Name = $"Lãnh đạo Sở Y tế {provinceName} (demo)", Role = Roles.Leadership, Scope = province },
            new() { Key = NewKey(), Name = $"Chuyên gia dịch tễ {provinceName} (demo)", Role = Roles.Epidemiologist, Scope = province },
            new() { Key = NewKey(), Name = $"Cán bộ {commune.FullName} (demo)", Role = Roles.CommuneOfficer, Scope = commune.Code },
            new() { Key = NewKey(), Name = "Quản trị hệ thống (demo)", Role = Roles.Admin },
        ];
        Directory.CreateDirectory(demo.Folder);
        // Written whole or not at all: a half-written file would stop every later start.
        var building = demo.CredentialsPath + ".tmp";
        File.WriteAllText(building, JsonSerializer.Serialize(list, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(building, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(building, demo.CredentialsPath, overwrite: true);
        return list;
    }

    /// <summary>The demo's start-up text: where to go next, and the keys when the demo provides them.</summary>
    public static void Print(TextWriter output, IReadOnlyList<Credential> credentials, string baseUrl, string examplePath, string? credentialsPath = null)
    {
        var origin = baseUrl.TrimEnd('/');
        lock (output)
        {
            output.WriteLine();
            if (credentials.Count > 0)
            {
                output.WriteLine(credentialsPath is null
                    ? "Khoá truy cập demo:"
                    : $"Khoá truy cập demo (tạo ở lần khởi động đầu, giữ trong {Path.GetFullPath(credentialsPath)} và dùng lại ở các lần sau; xoá tệp để tạo khoá mới, hoặc đặt Access:Credentials trong cấu hình để dùng khoá của bạn):");
                foreach (var c in credentials)
                    output.WriteLine($"  {c.Role,-16} {c.Key}  {c.Name}{(c.Scope is null ? "" : $", phạm vi {c.Scope}")}");
                output.WriteLine("Ví dụ:");
                output.WriteLine($"  curl -H \"X-Api-Key: {credentials[0].Key}\" \"{origin}{examplePath}\"");
                output.WriteLine("  (hoặc -H \"Authorization: Bearer <khoá>\")");
            }
            output.WriteLine($"Bắt đầu từ trang giới thiệu: {origin}/");
            output.WriteLine($"Tài liệu API (OpenAPI, không cần khoá): {origin}/openapi/v1.json");
            output.WriteLine();
        }
    }

    static string NewKey() => "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
