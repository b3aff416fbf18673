using System.Security.Cryptography;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Api.Demo;

/// <summary>The demo without configured credentials: one random key per role, printed at start-up.</summary>
public static class DemoCredentials
{
    /// <summary>Adds the keys to configuration unless <c>Access:Credentials</c> has any; returns what it added.</summary>
    public static IReadOnlyList<Credential> AddTo(IConfiguration configuration, string province)
    {
        if (configuration.GetSection("Access:Credentials").GetChildren().Any()) return [];
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
        for (var i = 0; i < list.Count; i++)
        {
            configuration[$"Access:Credentials:{i}:Key"] = list[i].Key;
            configuration[$"Access:Credentials:{i}:Name"] = list[i].Name;
            configuration[$"Access:Credentials:{i}:Role"] = list[i].Role;
            configuration[$"Access:Credentials:{i}:Scope"] = list[i].Scope;
        }
        return list;
    }

    /// <summary>The demo's start-up text: where to go next, and the keys when the demo made them.</summary>
    public static void Print(TextWriter output, IReadOnlyList<Credential> credentials, string baseUrl, string examplePath)
    {
        var origin = baseUrl.TrimEnd('/');
        lock (output)
        {
            output.WriteLine();
            if (credentials.Count > 0)
            {
                output.WriteLine("Khoá truy cập demo (tạo ngẫu nhiên mỗi lần khởi động; đặt Access:Credentials trong cấu hình để dùng khoá cố định):");
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
