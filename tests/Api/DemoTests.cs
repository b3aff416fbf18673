using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>The embedded demo over a folder whose warehouse already exists (a copy of the fixture's), so nothing is generated.</summary>
[Collection("warehouse")]
public sealed class DemoTests(WarehouseFixture fixture)
{
    DemoWarehouse ExistingDemo()
    {
        var demo = new DemoWarehouse(fixture.NewFolder("demo"));
        File.Move(fixture.CopyDatabase(), demo.DatabasePath);
        return demo;
    }

    static async Task<List<string>> KeysOfAStart(DemoWarehouse demo)
    {
        await using var app = Program.Create([], TextWriter.Null, demo);
        return app.Configuration.GetSection("Access:Credentials").GetChildren().Select(c => c["Key"]!).ToList();
    }

    [Fact]
    public async Task DemoKeysAreMadeOnceAndReusedByLaterStarts()
    {
        var demo = ExistingDemo();
        var first = await KeysOfAStart(demo);
        Assert.Equal(4, first.Distinct().Count());
        Assert.All(first, k => Assert.StartsWith("demo-", k));
        Assert.True(File.Exists(Path.Combine(demo.Folder, "demo-keys.json")));

        Assert.Equal(first, await KeysOfAStart(demo));
        Assert.All(first, k => Assert.Contains(k, File.ReadAllText(demo.CredentialsPath)));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(demo.CredentialsPath));
    }

    [Fact]
    public async Task ConfiguredKeysReplaceTheDemoKeys()
    {
        var demo = ExistingDemo();
        await using var app = Program.Create(["--Access:Credentials:0:Key=my-own-key-0000000001", "--Access:Credentials:0:Name=Tôi",
            "--Access:Credentials:0:Role=admin"], TextWriter.Null, demo);
        Assert.Equal(["my-own-key-0000000001"], app.Configuration.GetSection("Access:Credentials").GetChildren().Select(c => c["Key"]));
        Assert.False(File.Exists(demo.CredentialsPath));
    }

    [Fact]
    public void StartUpTextSaysTheKeysAreKeptAndWhere()
    {
        var demo = new DemoWarehouse(fixture.NewFolder("demo-text"));
        var output = new StringWriter();
        DemoCredentials.Print(output, [new() { Key = "demo-0123456789abcdef", Name = "Quản trị hệ thống (demo)", Role = "admin" }],
            "http://localhost:5000", "/api/me", demo.CredentialsPath);
        var text = output.ToString();
        Assert.Contains($"giữ trong {Path.GetFullPath(demo.CredentialsPath)} và dùng lại ở các lần sau", text);
        Assert.DoesNotContain("mỗi lần khởi động", text);
    }
}
