using System.Globalization;
using ImageClassifier.Data.Images;
using ImageClassifier.Serving.Tests.TestHelpers;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ImageClassifier.Serving.Tests.Endpoints;

/// <summary>The web page at "/" in a real browser: Debian's chromium driven by Playwright.</summary>
[Collection(RealModelCollection.Name)]
public sealed class WebPageEndpointsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TinyModel model = new();

    public void Dispose() => model.Dispose();

    [Fact]
    public async Task A_picked_image_shows_the_models_top_classes_with_bars()
    {
        var image = TestImages.Png(11, channels: 1, height: 28, width: 28);
        var file = Path.Combine(model.Folder, "picked.png");
        await File.WriteAllBytesAsync(file, image);
        using var inferencer = model.CreateInferencer();
        var expected = inferencer.Infer([ImageCodec.Decode(image, "picked.png", ColorType.Grayscale)], ["picked.png"], topk: 4)[0];

        await using var server = await ServingApp.StartAsync(model.Served(), options => options.DefaultTopk = 4);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = InstalledChromium.Path, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 900, Height = 600 } });
        await page.GotoAsync(server.Address.ToString());
        await page.Locator("#model-info").Filter(new LocatorFilterOptions { HasText = "tiny (torchsharp)" }).WaitForAsync();

        await page.Locator("#file-input").SetInputFilesAsync(file);
        var card = page.Locator(".card.done");
        await card.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "web-page-prediction.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");

        Assert.Equal(expected.PredClass, await card.Locator(".pred-class").TextContentAsync());
        Assert.Equal("picked.png", await card.Locator(".name").TextContentAsync());
        Assert.Equal(4, await card.Locator(".score").CountAsync());
        Assert.Equal((expected.PredScore * 100).ToString("F1", CultureInfo.InvariantCulture) + "%", await card.Locator(".score.best .value").TextContentAsync());
        Assert.Contains("width: ", await card.Locator(".score.best .fill").GetAttributeAsync("style"));
    }
}
