using System.Security.Claims;
using Dapper;
using HoSoSucKhoe.Warehouse;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Access;

/// <summary><c>SignIn</c> in configuration: lockout after repeated failures.</summary>
public sealed class SignInOptions
{
    /// <summary>Failed sign-ins in a row that lock the account.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity (sliding).</summary>
    public TimeSpan Session { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>A person who signs in to the pages: the same role and scope as an API key (<see cref="Credential"/>).</summary>
public sealed record WebUser(string UserName, string DisplayName, string Role, string? Scope, bool Disabled, int FailedCount,
    DateTime? LockedUntil, DateTime CreatedAt, DateTime PasswordSetAt, DateTime? LastSignIn);

/// <summary>A user the admin asked for cannot be made or changed: the Vietnamese message names the field.</summary>
public sealed class UserException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}

public enum SignInOutcome { Success, Invalid, LockedOut, Disabled }

public sealed record SignInResult(SignInOutcome Outcome, WebUser? User, DateTime? LockedUntil);

/// <summary>
/// Users in the warehouse's <c>web_user</c> table (warehouse/Schema/005_users.sql), passwords hashed with the
/// framework's <see cref="PasswordHasher{TUser}"/>. Times are UTC from the injected <see cref="TimeProvider"/>, so tests
/// drive the lockout with a fake clock.
/// </summary>
public sealed class UserStore(WarehouseDb db, TimeProvider clock, IOptions<SignInOptions> options)
{
    public const int MinPasswordLength = 10;
    static readonly PasswordHasher<WebUser> Hasher = new();
    // Verified against when the user name is unknown, so that a wrong name costs as long as a wrong password.
    static readonly string DummyHash = Hasher.HashPassword(null!, "không-phải-mật-khẩu-của-ai");

    const string Columns = """
        user_name AS UserName, display_name AS DisplayName, role AS Role, scope AS Scope, disabled AS Disabled,
        failed_count AS FailedCount, locked_until AS LockedUntil, created_at AS CreatedAt, password_set_at AS PasswordSetAt,
        last_sign_in AS LastSignIn
        """;

    DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();

    public IReadOnlyList<WebUser> List()
    {
        using var c = db.Open();
        return [.. c.Query<WebUser>($"SELECT {Columns} FROM web_user ORDER BY user_name")];
    }

    public WebUser? Find(string userName)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<WebUser>($"SELECT {Columns} FROM web_user WHERE user_name = $name", new { name = Normalize(userName) });
    }

    public WebUser Add(string userName, string displayName, string role, string? scope, string password)
    {
        var name = Normalize(userName);
        if (name.Length is < 3 or > 64 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_'))
            throw new UserException("tên đăng nhập", "cần 3–64 ký tự: chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.");
        if (string.IsNullOrWhiteSpace(displayName)) throw new UserException("tên hiển thị", "bắt buộc (dùng cho nhật ký truy cập).");
        var cleanScope = string.IsNullOrWhiteSpace(scope) ? null : scope.Trim();
        if (AccessOptionsValidator.ScopeProblem(role, cleanScope) is { } problem) throw new UserException("vai trò/phạm vi", problem);
        CheckPassword(password);
        using var c = db.Open();
        if (c.ExecuteScalar<long>("SELECT count(*) FROM web_user WHERE user_name = $name", new { name }) > 0)
            throw new UserException("tên đăng nhập", $"'{name}' đã có.");
        var now = Now;
        c.Execute("""
            INSERT INTO web_user (user_name, display_name, role, scope, password_hash, created_at, password_set_at)
            VALUES ($name, $display, $role, $scope, $hash, $now, $now)
            """, new { name, display = displayName.Trim(), role, scope = cleanScope, hash = Hasher.HashPassword(null!, password), now });
        return Find(name)!;
    }

    /// <summary>Disables (or enables again) a user; a disabled user's cookie stops working at its next request.</summary>
    public void SetDisabled(string userName, bool disabled)
    {
        using var c = db.Open();
        if (c.Execute("UPDATE web_user SET disabled = $disabled, failed_count = 0, locked_until = NULL WHERE user_name = $name",
                new { name = Normalize(userName), disabled }) == 0)
            throw new UserException("tên đăng nhập", $"không có người dùng '{Normalize(userName)}'.");
    }

    /// <summary>A new password; clears a lockout and ends every earlier sign-in of the user.</summary>
    public void ResetPassword(string userName, string password)
    {
        CheckPassword(password);
        using var c = db.Open();
        if (c.Execute("UPDATE web_user SET password_hash = $hash, password_set_at = $now, failed_count = 0, locked_until = NULL WHERE user_name = $name",
                new { name = Normalize(userName), hash = Hasher.HashPassword(null!, password), now = Now }) == 0)
            throw new UserException("tên đăng nhập", $"không có người dùng '{Normalize(userName)}'.");
    }

    /// <summary>Checks a password; <see cref="SignInOptions.MaxFailures"/> failures in a row lock the account for
    /// <see cref="SignInOptions.Lockout"/> (the right password is refused too while it is locked).</summary>
    public SignInResult SignIn(string userName, string password)
    {
        var name = Normalize(userName);
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Hash, DateTime? LockedUntil, int FailedCount, bool Disabled)>(
            "SELECT password_hash, locked_until, failed_count, disabled FROM web_user WHERE user_name = $name", new { name });
        if (row.Hash is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            return new(SignInOutcome.Invalid, null, null);
        }
        var now = Now;
        if (row.LockedUntil is { } until && until > now) return new(SignInOutcome.LockedOut, null, until);
        var verdict = Hasher.VerifyHashedPassword(null!, row.Hash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failures = (row.LockedUntil is null ? row.FailedCount : 0) + 1;
            DateTime? lockUntil = failures >= options.Value.MaxFailures ? now + options.Value.Lockout : null;
            c.Execute("UPDATE web_user SET failed_count = $failures, locked_until = $lockUntil WHERE user_name = $name",
                new { name, failures = lockUntil is null ? failures : 0, lockUntil });
            return lockUntil is null ? new(SignInOutcome.Invalid, null, null) : new(SignInOutcome.LockedOut, null, lockUntil);
        }
        if (row.Disabled) return new(SignInOutcome.Disabled, null, null);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            c.Execute("UPDATE web_user SET password_hash = $hash WHERE user_name = $name", new { name, hash = Hasher.HashPassword(null!, password!) });
        c.Execute("UPDATE web_user SET failed_count = 0, locked_until = NULL, last_sign_in = $now WHERE user_name = $name", new { name, now });
        return new(SignInOutcome.Success, Find(name), null);
    }

    static void CheckPassword(string? password)
    {
        if (password is null || password.Length < MinPasswordLength)
            throw new UserException("mật khẩu", $"cần ít nhất {MinPasswordLength} ký tự.");
    }

    /// <summary>The cookie's claims: the same name, role, scope and province claims as an API key's
    /// (<see cref="ApiKeyHandler"/>), so that <see cref="Caller"/> reads both alike.</summary>
    public static ClaimsPrincipal Principal(WebUser user, string scheme)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.Name, user.DisplayName), new(ClaimTypes.Role, user.Role), new(UserClaim, user.UserName),
            new(PasswordClaim, user.PasswordSetAt.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (user.Scope is { } scope)
        {
            claims.Add(new Claim(Caller.ScopeClaim, scope));
            claims.Add(new Claim(Caller.ProvinceClaim, CredentialStore.ProvinceOf(scope)));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    internal const string UserClaim = "hssk:user";
    internal const string PasswordClaim = "hssk:password-set";

    /// <summary>A cookie stays valid while its user exists, is enabled and has not had its password reset since.</summary>
    public bool StillValid(ClaimsPrincipal principal) =>
        principal.FindFirstValue(UserClaim) is { } name && Find(name) is { Disabled: false } user
        && principal.FindFirstValue(PasswordClaim) == user.PasswordSetAt.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
