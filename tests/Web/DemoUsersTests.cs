using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Tests.Web;

[Collection("warehouse")]
public sealed class DemoUsersTests(WarehouseFixture fixture)
{
    [Fact]
    public void DemoMakesOneUserPerRoleOnceAndTheirPasswordsSignInOnLaterStarts()
    {
        var demo = new DemoWarehouse(fixture.NewFolder("demo-users"));
        var path = fixture.CopyDatabase();
        Credential[] keys =
        [
            new() { Key = "k1-0000000000000000", Name = "Lãnh đạo (demo)", Role = Roles.Leadership, Scope = fixture.Options.ProvinceCode },
            new() { Key = "k2-0000000000000000", Name = "Quản trị (demo)", Role = Roles.Admin },
        ];
        IReadOnlyList<DemoUsers.DemoUser> first, second;
        using (var db = new WarehouseDb(path))
            first = DemoUsers.Ensure(demo, keys, new UserStore(db, TimeProvider.System, Options.Create(new SignInOptions())));
        using (var db = new WarehouseDb(path))
        {
            var users = new UserStore(db, TimeProvider.System, Options.Create(new SignInOptions()));
            second = DemoUsers.Ensure(demo, keys, users);
            Assert.Equal(first, second);
            Assert.Equal(["lanhdao", "quantri"], first.Select(u => u.UserName));
            Assert.All(first, u => Assert.Equal(SignInOutcome.Success, users.SignIn(u.UserName, u.Password).Outcome));
        }
        var printed = new StringWriter();
        DemoUsers.Print(printed, first, "http://127.0.0.1:5000", demo.UsersPath);
        Assert.Contains($"lanhdao / {first[0].Password}", printed.ToString());
        Assert.Contains("http://127.0.0.1:5000/dang-nhap", printed.ToString());
    }
}
