using System.Security.Cryptography;
using System.Text.Json;
using HoSoSucKhoe.Api.Access;

namespace HoSoSucKhoe.Api.Demo;

/// <summary>One demo user per role, with the scopes of the demo keys (<see cref="DemoCredentials"/>): names and random
/// passwords made at the first start and kept in demo-users.json beside demo-keys.json, so they stay the same from one
/// start to the next; added to the warehouse when missing (a password an admin changed since is left alone).</summary>
public static class DemoUsers
{
    public sealed record DemoUser(string UserName, string Password, string DisplayName, string Role, string? Scope);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IReadOnlyList<DemoUser> Ensure(DemoWarehouse demo, IReadOnlyList<Credential> keys, UserStore users)
    {
        var path = demo.UsersPath;
        List<DemoUser> list;
        if (File.Exists(path))
            list = JsonSerializer.Deserialize<List<DemoUser>>(File.ReadAllText(path), Json) ?? [];
        else
        {
            string NameOf(string role) => role switch
            {
                Roles.Leadership => "lanhdao", Roles.Epidemiologist => "dichte", Roles.CommuneOfficer => "canboxa", _ => "quantri",
            };
            list = [.. keys.Select(k => new DemoUser(NameOf(k.Role), NewPassword(), k.Name, k.Role, k.Scope))];
            var building = path + ".tmp";
            File.WriteAllText(building, JsonSerializer.Serialize(list, Json));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(building, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(building, path, overwrite: true);
        }
        foreach (var u in list.Where(u => users.Find(u.UserName) is null))
            users.Add(u.UserName, u.DisplayName, u.Role, u.Scope, u.Password);
        return list;
    }

    public static void Print(TextWriter output, IReadOnlyList<DemoUser> list, string baseUrl, string path)
    {
        if (list.Count == 0) return;
        lock (output)
        {
            output.WriteLine($"Người dùng demo (đăng nhập tại {baseUrl.TrimEnd('/')}/dang-nhap; giữ trong {Path.GetFullPath(path)}):");
            foreach (var u in list)
                output.WriteLine($"  {u.Role,-16} {u.UserName} / {u.Password}  {u.DisplayName}");
            output.WriteLine();
        }
    }

    static string NewPassword()
    {
        const string letters = "abcdefghjkmnpqrstuvwxyz23456789";
        return string.Create(14, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = i is 4 or 9 ? '-' : letters[RandomNumberGenerator.GetInt32(letters.Length)];
        });
    }
}
