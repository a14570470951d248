using SpotifyWorker.Pipeline.Reporting;
using SpotifyWorker.Pipeline.Reporting.Charts;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>The small pieces the charts stand on: nice axis ticks, value formats, label shortening, escaping.</summary>
public sealed class ReportChartPrimitiveTests
{
    [Theory]
    [InlineData(0, 1084, new double[] { 0, 250, 500, 750, 1000, 1250 })]
    [InlineData(0, 9_985_237, new double[] { 0, 2e6, 4e6, 6e6, 8e6, 10e6 })]
    [InlineData(0, 0.286, new double[] { 0, 0.1, 0.2, 0.3 })]
    [InlineData(0, 0, new double[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    public void LinearScaleNice_Range_TicksOnRoundNumbersCoveringIt(double low, double high, double[] expected)
    {
        var scale = LinearScale.Nice(low, high, 0, 100);

        Assert.Equal(expected, scale.Ticks());
        Assert.Equal(0, scale.Map(scale.Min));
        Assert.Equal(100, scale.Map(scale.Max));
    }

    [Fact]
    public void LinearScaleNice_DurationUnit_StepsOnWholeMinutes()
    {
        var scale = LinearScale.Nice(0, 598, 0, 100, unit: 60);

        Assert.All(scale.Ticks(), t => Assert.Equal(0, t % 60));
        Assert.True(scale.Max >= 598);
    }

    [Theory]
    [InlineData(new double[] { 0, 0, 1, 1, 1 }, new double[] { 0, 1 })]
    [InlineData(new double[] { 0, 3, 2 }, new double[] { 0, 1, 2, 3 })]
    [InlineData(new double[] { 12 }, new double[] { 0, 2, 4, 6, 8, 10, 12 })]
    [InlineData(new double[] { 1084 }, new double[] { 0, 250, 500, 750, 1000, 1250 })]
    public void AxisScale_CountAxis_WholeNumberTicks(double[] values, double[] expected)
    {
        Assert.Equal(expected, new Axis("Rows rejected", ValueFormat.Integer).Scale(values, 200, 0).Ticks());
    }

    public static TheoryData<ValueFormat> Formats() => new(Enum.GetValues<ValueFormat>());

    [Theory]
    [MemberData(nameof(Formats))]
    public void AxisScale_AnyRange_EveryTickLabelDifferent(ValueFormat format)
    {
        double[] highs = [.. Enumerable.Range(1, 300).Select(i => (double)i), 0.003, 0.02, 0.37, 0.9, 1.5, 2.5, 7.5, 999, 1234, 9_999, 12_000, 12_500, 24_000, 99_999, 123_456, 999_999, 9_985_237, 12_500_000];
        foreach (var high in highs)
        {
            var ticks = new Axis("y", format).Scale([0, high], 200, 0).Ticks().ToList();
            var labels = ticks.Select(t => format.Format(t)).ToList();

            Assert.True(labels.Distinct().Count() == labels.Count, $"{format} over 0..{high}: ticks {string.Join(", ", ticks)} read {string.Join(", ", labels)}");
            Assert.True(ticks[^1] >= high, $"{format} over 0..{high} ends at {ticks[^1]}");
            if (format.Resolution() == 1) Assert.All(ticks, t => Assert.Equal(Math.Round(t), t));
        }
    }

    [Theory]
    [InlineData(ValueFormat.Integer, 12345.4, "12,345")]
    [InlineData(ValueFormat.Compact, 9_985_237, "9.99M")]
    [InlineData(ValueFormat.Compact, 850_400, "850k")]
    [InlineData(ValueFormat.Compact, 2500, "2.5k")]
    [InlineData(ValueFormat.Compact, 12_500, "12.5k")]
    [InlineData(ValueFormat.Decimal, 44.09, "44.1")]
    [InlineData(ValueFormat.Percent, 0.5854, "58.5%")]
    [InlineData(ValueFormat.Percent, 0.0935, "9.4%")]
    [InlineData(ValueFormat.Duration, 220.1, "3:40")]
    [InlineData(ValueFormat.Duration, 30.87, "0:31")]
    public void ValueFormat_Value_ReadsAsAPersonWritesIt(ValueFormat format, double value, string expected)
    {
        Assert.Equal(expected, format.Format(value));
    }

    [Theory]
    [InlineData("Short name", 12, "Short name")]
    [InlineData("A very long artist name indeed", 12, "A very long…")]
    [InlineData("🌙🌙🌙🌙🌙🌙", 4, "🌙🌙🌙…")]
    public void BarChartShorten_LongLabel_CutsOnWholeCharacters(string label, int max, string expected)
    {
        Assert.Equal(expected, BarChartSvg.Shorten(label, max));
    }

    [Fact]
    public void ViewTableNumber_EngineValueTypes_ReadAsTheSameNumber()
    {
        // DuckDB gives typed values; Athena's result rows are text. The report must read both alike.
        var table = new ViewTable(["n"], [[42L], [42], [42.0], ["42"], [new System.Numerics.BigInteger(42)], [42m], [null]]);

        Assert.Equal([42.0, 42.0, 42.0, 42.0, 42.0, 42.0, null], Enumerable.Range(0, table.Count).Select(i => table.Number(i, "N")));
    }

    [Fact]
    public void HtmlText_MarkupCharacters_AreEscapedForTextAndAttributes()
    {
        Assert.Equal("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; 🌹", Html.Text("<a href=\"x\">Tom & Jerry's</a> 🌹"));
    }
}
