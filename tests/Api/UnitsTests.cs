using System.Text.Json;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Tests.Api;

[Collection("warehouse")]
public sealed class UnitsTests(WarehouseFixture fixture) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    HttpClient Officer => api.As(ApiFactory.OfficerA);

    [Theory]
    [InlineData("bach mai")]
    [InlineData("Bạch Mai")]
    [InlineData("BACH  MAI")]
    [InlineData("phuong bach mai")]
    public async Task SearchFindsBachMaiWithOrWithoutDiacritics(string q)
    {
        var rows = await Officer.JsonAsync($"/api/units?q={Uri.EscapeDataString(q)}&system=2025");
        var first = rows[0];
        Assert.Equal("Bạch Mai", first.GetProperty("name").GetString());
        Assert.Equal("00292", first.GetProperty("code").GetString());
        Assert.Equal("Phường Bạch Mai", first.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task ChildrenAreListedInVietnameseAlphabeticalOrder()
    {
        var names = (await Officer.JsonAsync("/api/units/01/children")).EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.Order(Text.VietnameseOrder), names);
        // Đ is a letter after D, not a D with a stroke: Ba Vì, Dương Nội, Đông Anh (folding would give Đông Anh first).
        int At(string name) => names.IndexOf(name) is >= 0 and var i ? i : throw new Xunit.Sdk.XunitException($"{name} not listed");
        Assert.True(At("Ba Vì") < At("Dương Nội") && At("Dương Nội") < At("Đông Anh"));
    }

    [Fact]
    public async Task ChildrenOfAProvinceAreItsCommunes()
    {
        var expected = ReferenceData.Load().InForce(ReferenceData.System2025, DateOnly.FromDateTime(DateTime.Today))
            .Count(u => u.Level == "commune" && u.ProvinceCode == "01");
        var rows = (await Officer.JsonAsync("/api/units/01/children")).EnumerateArray().ToList();
        Assert.Equal(expected, rows.Count);
        Assert.All(rows, r => Assert.Equal(("commune", "01"), (r.GetProperty("level").GetString(), r.GetProperty("parentCode").GetString())));
    }

    [Fact]
    public async Task LegacyHierarchyAndUnitsAreListedByCodeSystem()
    {
        var districts = await Officer.JsonAsync("/api/units?system=legacy&level=district&parent=01&limit=100");
        Assert.Contains(districts.EnumerateArray(), d => d.GetProperty("code").GetString() == "001" && d.GetProperty("fullName").GetString() == "Quận Ba Đình");
        var communes = await Officer.JsonAsync("/api/units/001/children?system=legacy");
        Assert.Contains(communes.EnumerateArray(), c => c.GetProperty("name").GetString() == "Trúc Bạch");
        Assert.All(communes.EnumerateArray(), c => Assert.Equal("2025-07-01", c.GetProperty("validTo").GetString()));
    }

    [Fact]
    public async Task OldCommuneBridgesToItsNewCommunesWithLinkAndWeight()
    {
        var links = (await Officer.JsonAsync("/api/units/00007/bridge?system=legacy")).EnumerateArray().ToList();
        Assert.Equal(["00008", "00025"], links.Select(l => l.GetProperty("newCode").GetString()));
        Assert.All(links, l => Assert.Equal("partial", l.GetProperty("link").GetString()));
        Assert.Equal(1.0, links.Sum(l => l.GetProperty("weight").GetDouble()), 6);
        Assert.Equal("Phường Cống Vị", links[0].GetProperty("oldName").GetString());
        Assert.Equal("Phường Ngọc Hà", links[0].GetProperty("newName").GetString());
    }

    [Fact]
    public async Task NewCommuneListsItsOldCommunes()
    {
        var links = (await Officer.JsonAsync("/api/units/00008/bridge")).EnumerateArray().ToList();
        var expected = ReferenceData.Load().Bridge.Where(b => b.NewCode == "00008").Select(b => b.OldCode).Order().ToList();
        Assert.Equal(expected, links.Select(l => l.GetProperty("oldCode").GetString()));
        Assert.Contains("00006", expected);
        Assert.Equal("full", links.Single(l => l.GetProperty("oldCode").GetString() == "00006").GetProperty("link").GetString());
        Assert.All(links, l => Assert.Equal("00008", l.GetProperty("newCode").GetString()));
    }

    [Fact]
    public async Task DongNaiXaBecamePhuongOn30April2026()
    {
        Task<JsonElement> On(string date) => Officer.JsonAsync($"/api/units/25270?on={date}");
        Assert.Equal("Xã Lộc Ninh", (await On("2026-04-29")).GetProperty("fullName").GetString());
        Assert.Equal("Phường Lộc Ninh", (await On("2026-04-30")).GetProperty("fullName").GetString());
        var history = (await Officer.JsonAsync("/api/units/25270/history")).EnumerateArray().ToList();
        Assert.Equal(["Xã", "Phường"], history.Select(h => h.GetProperty("unitType").GetString()));

        var before = await Officer.JsonAsync("/api/units?q=loc ninh&parent=75&on=2026-01-01");
        Assert.Equal("Xã", before[0].GetProperty("unitType").GetString());
        var province = await Officer.JsonAsync("/api/units/75?on=2026-06-01");
        Assert.Equal("Thành phố Đồng Nai", province.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task UnitOutsideItsValidityIs404SayingWhenItWasValid()
    {
        using var response = await Officer.GetAsync("/api/units/00001?system=legacy&on=2026-01-01");
        Assert.Equal("Đơn vị mã '00001' (hệ mã legacy) không có hiệu lực vào ngày 01/01/2026; hiệu lực từ 01/08/2008 đến 01/07/2025.",
            (await response.ProblemAsync(404)).Detail);
        var latest = await Officer.JsonAsync("/api/units/00001?system=legacy");
        Assert.Equal("Phường Phúc Xá", latest.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task BadCodeSystemIs400()
    {
        using var response = await Officer.GetAsync("/api/units/01?system=1990");
        Assert.Equal("Tham số 'system': giá trị '1990' không hợp lệ; dùng một trong: 2025, legacy.", (await response.ProblemAsync(400)).Detail);
    }
}
