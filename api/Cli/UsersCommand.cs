using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>users add|disable|enable|reset|list --db &lt;file&gt; …</c>: the web users in the warehouse file. The file is opened
/// for writing, so with a server running on it the verb stops with the warehouse's "in use" message (exit code 1)
/// instead of changing users under it.
/// </summary>
public static class UsersCommand
{
    public const string Usage = """
        users list --db <tệp>
        users add --db <tệp> --user <tên đăng nhập> --name <tên hiển thị> --role <vai trò> [--scope <mã tỉnh hoặc xã>] [--password <mật khẩu>]
        users disable|enable --db <tệp> --user <tên đăng nhập>
        users reset --db <tệp> --user <tên đăng nhập> [--password <mật khẩu>]
          (không có --password: đọc mật khẩu từ dòng đầu của đầu vào chuẩn, để mật khẩu không nằm trong lịch sử lệnh)
        """;

    public static int Run(CliArgs a, TextWriter output, TextReader input)
    {
        var action = a.Positional.Count == 1 ? a.Positional[0]
            : throw new CliUsageException($"Lệnh users: cần đúng một thao tác (list, add, disable, enable, reset).\n\n{Usage}");
        var db = a.Required("--db");
        switch (action)
        {
            case "list":
                a.NoOthers();
                return WithStore(db, users =>
                {
                    output.WriteLine("user\trole\tscope\tstatus\tdisplay_name\tlast_sign_in");
                    foreach (var u in users.List())
                        output.WriteLine($"{u.UserName}\t{u.Role}\t{u.Scope}\t{(u.Disabled ? "disabled" : u.LockedUntil is not null ? "locked" : "active")}\t{u.DisplayName}\t{u.LastSignIn:yyyy-MM-dd HH:mm}");
                    if (users.List().Count == 0) output.WriteLine("(chưa có người dùng nào)");
                });
            case "add":
            {
                var (user, name, role, scope) = (a.Required("--user"), a.Required("--name"), a.Required("--role"), a.Optional("--scope"));
                var password = Password(a, input);
                a.NoOthers();
                return WithStore(db, users =>
                {
                    var u = users.Add(user, name, role, scope, password);
                    output.WriteLine($"Đã thêm người dùng '{u.UserName}' ({u.Role}{(u.Scope is null ? "" : ", phạm vi " + u.Scope)}).");
                });
            }
            case "disable" or "enable":
            {
                var user = a.Required("--user");
                a.NoOthers();
                return WithStore(db, users =>
                {
                    users.SetDisabled(user, action == "disable");
                    output.WriteLine(action == "disable" ? $"Đã vô hiệu hoá '{UserStore.Normalize(user)}'." : $"Đã cho phép lại '{UserStore.Normalize(user)}'.");
                });
            }
            case "reset":
            {
                var user = a.Required("--user");
                var password = Password(a, input);
                a.NoOthers();
                return WithStore(db, users =>
                {
                    users.ResetPassword(user, password);
                    output.WriteLine($"Đã đặt lại mật khẩu của '{UserStore.Normalize(user)}'; các phiên đăng nhập cũ hết hiệu lực.");
                });
            }
            default:
                throw new CliUsageException($"Lệnh users: thao tác '{action}' không tồn tại; dùng list, add, disable, enable hoặc reset.\n\n{Usage}");
        }
    }

    static string Password(CliArgs a, TextReader input) =>
        a.Optional("--password") ?? input.ReadLine()?.TrimEnd('\r', '\n')
        ?? throw new CliUsageException("Tham số --password: bắt buộc (hoặc gửi mật khẩu ở dòng đầu của đầu vào chuẩn).");

    static int WithStore(string db, Action<UserStore> action)
    {
        if (!File.Exists(db)) throw new CliUsageException($"Tham số --db: không có tệp '{db}'.");
        using var warehouse = new WarehouseDb(db); // WarehouseBusyException while a server holds the file (exit code 1)
        try { action(new UserStore(warehouse, TimeProvider.System, Options.Create(new SignInOptions()))); }
        catch (UserException e) { throw new CliUsageException($"Lệnh users: {e.Message}"); }
        return 0;
    }
}
