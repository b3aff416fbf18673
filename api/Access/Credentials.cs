using System.Security.Cryptography;
using System.Text;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Access;

/// <summary><c>Access</c> in configuration.</summary>
public sealed class AccessOptions
{
    /// <summary><c>Access:Credentials:0:Key</c>, <c>…:Name</c>, <c>…:Role</c>, <c>…:Scope</c>.</summary>
    public List<Credential> Credentials { get; set; } = [];
}

/// <summary>One API key. <see cref="Scope"/> is a 2025 unit code: a province (2 digits) for leadership and, optionally,
/// an epidemiologist; a commune (5 digits) for a commune officer; nothing for an admin.</summary>
public sealed class Credential
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public string? Scope { get; set; }
}

/// <summary>How two secret digests are compared; the product uses <see cref="CryptographicOperations.FixedTimeEquals"/>.</summary>
public delegate bool SecretComparer(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right);

/// <summary>The configured keys, kept as SHA-256 digests. A presented key's digest is compared with every configured
/// digest in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>, no early exit), so the answer time
/// says nothing about which key, or how much of one, matched.</summary>
public sealed class CredentialStore
{
    readonly (byte[] Digest, Credential Credential)[] credentials;

    public CredentialStore(IOptions<AccessOptions> options) : this(options, CryptographicOperations.FixedTimeEquals) { }

    /// <summary>With another comparer (the tests count the comparisons).</summary>
    internal CredentialStore(IOptions<AccessOptions> options, SecretComparer comparer)
    {
        credentials = [.. options.Value.Credentials.Select(c => (Digest(c.Key.Trim()), c))];
        Comparer = comparer;
    }

    /// <summary>The comparison every lookup goes through.</summary>
    internal SecretComparer Comparer { get; }

    public int Count => credentials.Length;

    public Credential? Find(string key)
    {
        var digest = Digest(key.Trim());
        Credential? found = null;
        foreach (var (configured, credential) in credentials)
            if (Comparer(configured, digest) && found is null) found = credential;
        return found;
    }

    /// <summary>The 2025 province of a scope code (validated at start-up): itself, or its commune's province.</summary>
    public static string ProvinceOf(string scope) => scope.Length == 2 ? scope : CommuneProvinces.Value[scope];

    static readonly Lazy<Dictionary<string, string>> CommuneProvinces = new(() => ReferenceData.Load().Units
        .Where(u => u.CodeSystem == ReferenceData.System2025 && u.Level == Levels.Commune)
        .DistinctBy(u => u.Code).ToDictionary(u => u.Code, u => u.ProvinceCode));

    static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>A misconfigured credential stops the server at start-up with a message naming it.</summary>
sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var errors = new List<string>();
        var units = Units2025.Value;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Credentials.Count; i++)
        {
            var c = options.Credentials[i];
            var at = $"Access:Credentials:{i}";
            if (c.Key.Trim().Length < 16) errors.Add($"{at}:Key: khoá phải có ít nhất 16 ký tự.");
            else if (!seen.Add(c.Key.Trim())) errors.Add($"{at}:Key: khoá bị trùng với một khoá khác.");
            if (string.IsNullOrWhiteSpace(c.Name)) errors.Add($"{at}:Name: cần tên hiển thị (dùng cho nhật ký truy cập).");
            var problem = ScopeProblem(c.Role, c.Scope, units);
            if (problem is not null) errors.Add($"{at}: {problem}");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What is wrong with a role and scope (null: nothing). The one rule for API keys and users.</summary>
    internal static string? ScopeProblem(string role, string? scopeText, HashSet<(string Level, string Code)>? units = null)
    {
        units ??= Units2025.Value;
        var scope = string.IsNullOrWhiteSpace(scopeText) ? null : scopeText.Trim();
        var province = scope is not null && units.Contains((Levels.Province, scope));
        var commune = scope is not null && units.Contains((Levels.Commune, scope));
        return role switch
        {
            Roles.Leadership when !province => "vai trò leadership cần Scope là mã một tỉnh (2 chữ số, hệ mã 2025).",
            Roles.Epidemiologist when scope is not null && !province => "vai trò epidemiologist: Scope để trống (toàn quốc) hoặc là mã một tỉnh (2 chữ số, hệ mã 2025).",
            Roles.CommuneOfficer when !commune => "vai trò commune_officer cần Scope là mã một xã/phường (5 chữ số, hệ mã 2025).",
            Roles.Admin when scope is not null => "vai trò admin không có Scope (quản trị toàn bộ kho).",
            Roles.Leadership or Roles.Epidemiologist or Roles.CommuneOfficer or Roles.Admin => null,
            _ => $"vai trò '{role}' không tồn tại; dùng một trong: {string.Join(", ", Roles.All)}.",
        };
    }

    static readonly Lazy<HashSet<(string Level, string Code)>> Units2025 = new(() => ReferenceData.Load().Units
        .Where(u => u.CodeSystem == ReferenceData.System2025).Select(u => (u.Level, u.Code)).ToHashSet());
}
