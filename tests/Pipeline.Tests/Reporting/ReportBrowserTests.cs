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
        SkipWithoutChromium();
        using var folder = new TempDirectory();
        var expected = ReportBuilder.Figures(lake.Data).ToDictionary(f => f.Id, f => f.Chart?.Marks ?? 0);

        using var driver = Open(lake.Html, folder);

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
        AssertAxisLabelsReadable(driver);
    }

    [Fact]
    public void Chromium_RunsWithFewRejects_RejectAxisLabelledOnceEach()
    {
        SkipWithoutChromium();
        // The reported case: a handful of rejected rows, which an axis stepping by 0.2 labelled "0, 0, 1, 1, 1".
        var first = lake.Runs[0];
        var runs = new long[] { 0, 0, 1, 1, 1 }.Select((rejected, i) => first with
        {
            RunId = $"20260301T{i:D2}0000Z-few{i:D3}",
            StartedAt = first.StartedAt.AddHours(i),
            FinishedAt = first.FinishedAt.AddHours(i),
            Batches = [.. first.Batches.Select((b, j) => b with { RowsRejected = j == 0 ? rejected : 0 })],
        }).ToList();
        using var folder = new TempDirectory();

        using var driver = Open(ReportBuilder.Render(lake.Data with { Health = lake.Data.Health with { Runs = runs } }), folder);

        var rightAxis = driver.FindElements(By.CssSelector($"figure[data-chart='{RunsChart.Id}'] svg.chart text.tick[text-anchor='start']")).Select(t => t.Text).ToList();
        Assert.Equal(["0", "1"], rightAxis);
        AssertAxisLabelsReadable(driver);
    }

    private static void SkipWithoutChromium()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Assert.Skip($"Headless Chromium is not installed ({Chromium}, {ChromeDriver}); install it with: apt-get install -y chromium chromium-driver");
        }
    }

    private static ChromeDriver Open(string html, TempDirectory folder)
    {
        var file = folder.Combine("report.html");
        File.WriteAllText(file, html);
        var driver = Start(folder.Combine("profile"));
        try
        {
            driver.Navigate().GoToUrl(new Uri(file).AbsoluteUri);
            return driver;
        }
        catch
        {
            driver.Dispose();
            throw;
        }
    }

    /// <summary>
    /// On each axis of each chart, as laid out and painted: tick labels all different (no "0, 0, 1, 1, 1"), not on
    /// top of each other, and each one visibly drawn in a screenshot of its chart.
    /// </summary>
    private static void AssertAxisLabelsReadable(ChromeDriver driver)
    {
        foreach (var svg in driver.FindElements(By.CssSelector("figure[data-chart] svg.chart")))
        {
            var id = svg.FindElement(By.XPath("ancestor::figure")).GetAttribute("data-chart");
            driver.ExecuteScript("arguments[0].scrollIntoView({ block: 'start' });", svg); // a screenshot holds only what is in the window
            var ticks = ((IReadOnlyCollection<object>)driver.ExecuteScript("""
                const svg = arguments[0], box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text.tick')].map(t => {
                  const b = t.getBoundingClientRect();
                  return [t.getAttribute('text-anchor'), t.textContent, b.left - box.left, b.top - box.top, b.width, b.height];
                });
                """, svg)!).Cast<IReadOnlyCollection<object>>().Select(t => t.ToList()).ToList();
            Assert.True(ticks.Count >= 2, $"{id} has {ticks.Count} tick labels");
            foreach (var axis in ticks.GroupBy(t => (string)t[0]))
            {
                var labels = axis.Select(t => (string)t[1]).ToList();
                Assert.True(labels.Distinct().Count() == labels.Count, $"{id}, axis anchored {axis.Key}: tick labels {string.Join(", ", labels)} repeat");
                var boxes = axis.Select(t => (X: Number(t[2]), Y: Number(t[3]), W: Number(t[4]), H: Number(t[5]))).ToList();
                for (var i = 1; i < boxes.Count; i++)
                {
                    var (a, b) = (boxes[i - 1], boxes[i]);
                    var apart = a.X + a.W <= b.X || b.X + b.W <= a.X || a.Y + a.H <= b.Y || b.Y + b.H <= a.Y;
                    Assert.True(apart, $"{id}, axis anchored {axis.Key}: labels {labels[i - 1]} and {labels[i]} overlap");
                }
            }

            // The chart's screenshot, read back through a canvas: every label's box must hold pixels unlike its background.
            var png = ((ITakesScreenshot)svg).GetScreenshot().AsBase64EncodedString;
            var inked = ((IReadOnlyCollection<object>)driver.ExecuteAsyncScript("""
                const [png, boxes, width, done] = arguments;
                const image = new Image();
                image.onload = () => {
                  const canvas = document.createElement('canvas');
                  canvas.width = image.width; canvas.height = image.height;
                  const context = canvas.getContext('2d');
                  context.drawImage(image, 0, 0);
                  const scale = image.width / width; // device pixels per CSS pixel
                  done(boxes.map(([x, y, w, h]) => {
                    const data = context.getImageData(Math.floor(x * scale), Math.floor(y * scale), Math.max(1, Math.ceil(w * scale)), Math.max(1, Math.ceil(h * scale))).data;
                    const [r, g, b] = [data[0], data[1], data[2]];
                    let ink = 0;
                    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 90) ink++;
                    return ink;
                  }));
                };
                image.src = 'data:image/png;base64,' + png;
                """, png, ticks.Select(t => new object[] { t[2], t[3], t[4], t[5] }).ToList(), svg.Size.Width)!).ToList();
            for (var i = 0; i < ticks.Count; i++)
            {
                Assert.True(Convert.ToInt64(inked[i], CultureInfo.InvariantCulture) >= 3, $"{id}: tick label {ticks[i][1]} is not visible in the chart's screenshot");
            }
        }
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
