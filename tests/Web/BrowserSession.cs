using HoSoSucKhoe.Tests.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HoSoSucKhoe.Tests.Web;

/// <summary>
/// The app on Kestrel at 127.0.0.1 and Debian's Chromium (Playwright, <c>/usr/bin/chromium</c>, the closed-network flags
/// of FIELD-NOTES) for the browser suites: sign-in through the form, clicks that wait for the navigation they start,
/// screenshots to the test output folder (screenshots/). Users are seeded as <see cref="WebClient.SeedUsers"/>.
/// </summary>
sealed class BrowserSession(IPlaywright playwright, IBrowser browser, string origin) : IAsyncDisposable
{
    public string Origin => origin;

    /// <summary>Starts <paramref name="api"/> on Kestrel, seeds the users and launches the browser.</summary>
    public static async Task<BrowserSession> StartAsync(ApiFactory api)
    {
        api.UseKestrel(0);
        api.StartServer();
        var origin = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("localhost", "127.0.0.1").Replace("[::]", "127.0.0.1");
        WebClient.SeedUsers(api);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            // Playwright gives every launch a new empty profile itself (it refuses --user-data-dir with Launch).
        });
        return new BrowserSession(playwright, browser, origin);
    }

    /// <summary>A new browser context (its own cookies) signed in as <paramref name="user"/>.</summary>
    public async Task<IPage> SignedIn(string user, string password = WebClient.Password)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = origin, Locale = "vi-VN" });
        context.SetDefaultTimeout(90_000); // a fresh 2-core machine under the whole suite is slow; never a figure
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dang-nhap");
        await page.FillAsync("input[name=UserName]", user);
        await page.FillAsync("input[name=Password]", password);
        await ClickAndLoad(page, "button[type=submit]");
        return page;
    }

    /// <summary>Clicks and waits for the navigation the click starts to load (a click followed by a separate
    /// load-state wait races the navigation's commit).
    /// Playwright marks RunAndWaitForNavigationAsync obsolete in favour of WaitForURL, which cannot tell a form posted
    /// back to its own address from no navigation at all; it still does exactly this.</summary>
    public static Task ClickAndLoad(IPage page, string selector)
    {
#pragma warning disable CS0612
        return page.RunAndWaitForNavigationAsync(() => page.ClickAsync(selector), new PageRunAndWaitForNavigationOptions { WaitUntil = WaitUntilState.Load });
#pragma warning restore CS0612
    }

    public static async Task Shot(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
