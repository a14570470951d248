using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SpotifyWorker.Pipeline.Reporting;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>
/// The report as a person sees it: headless Chromium opens the file, logs no error, fetches nothing, and lays out
/// every chart with all its marks. Needs Debian's chromium and chromium-driver; skips, saying so, where they are missing.
/// </summary>
[Collection(ReportLakeCollection.Name)]
public sealed class ReportBrowserTests(ReportLakeFixture lake)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [Fact]
    public void Chromium_OpensReport_NoConsoleErrorAndEveryChartDrawn()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Assert.Skip($"Headless Chromium is not installed ({Chromium}, {ChromeDriver}); install it with: apt-get install -y chromium chromium-driver");
        }
        using var folder = new TempDirectory();
        var file = folder.Combine("report.html");
        File.WriteAllText(file, lake.Html);
        var expected = ReportBuilder.Figures(lake.Data).ToDictionary(f => f.Id, f => f.Chart?.Marks ?? 0);

        using var driver = Start(folder.Combine("profile"));
        driver.Navigate().GoToUrl(new Uri(file).AbsoluteUri);

        var severe = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == LogLevel.Severe).Select(e => e.Message).ToList();
        Assert.Empty(severe);
        Assert.Equal(0L, driver.ExecuteScript("return performance.getEntriesByType('resource').length;"));
        var charts = ((IReadOnlyCollection<object>)driver.ExecuteScript("""
            return [...document.querySelectorAll('figure[data-chart]')].map(f => {
              const svg = f.querySelector('svg.chart');
              const box = svg.getBoundingClientRect();
              const marks = [...svg.querySelectorAll('.mark')];
              const drawn = marks.filter(m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
              return [f.dataset.chart, box.width, box.height, marks.length, drawn.length];
            });
            """)!).Cast<IReadOnlyCollection<object>>().Select(c => c.ToList()).ToList();

        Assert.Equal(expected.Keys, charts.Select(c => (string)c[0]));
        Assert.All(charts, c =>
        {
            var id = (string)c[0];
            Assert.True(Number(c[1]) > 300 && Number(c[2]) > 100, $"{id} is laid out at {c[1]} x {c[2]} px");
            Assert.Equal(expected[id], (long)c[3]);
            Assert.True((long)c[4] > 0, $"{id} has no mark with a visible box");
        });
    }

    private static ChromeDriver Start(string profile)
    {
        // The driver path is given, so Selenium Manager (which would download a browser) is never asked.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,900", "--user-data-dir=" + profile);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static double Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
