using System.Globalization;
using System.IO.Compression;
using System.Text;
using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>Dirty generation: the report names exactly what a pipeline must reject, and nothing else is spoiled.</summary>
public class GeneratorDirtyTests
{
    private static readonly GenerationOptions Options = new() { Scale = 0.004, Drops = 3, Seed = 17, Dirty = true };

    [Fact]
    public async Task GenerateAsync_Dirty_ReportCoversEveryRejectReasonAndAwkwardForm()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);

        Assert.Equal(
            [RejectCode.EmptyKey, RejectCode.BadNumber, RejectCode.BadBoolean, RejectCode.BadDate, RejectCode.FieldCount],
            lake.Report.InjectedRows.Select(r => r.Reason).Distinct().Order());
        Assert.Equal(
            [RejectCode.MissingColumns, RejectCode.InvalidUtf8, RejectCode.BadGzip],
            lake.Report.InjectedFiles.Where(f => f.MustBeQuarantined).Select(f => f.Reason!.Value).Order());
        Assert.Equal(4, lake.Report.InjectedFiles.Count(f => !f.MustBeQuarantined));
        Assert.All(lake.Report.InjectedRows, r => Assert.Contains(lake.Report.Files, f => f.Key == r.FileKey && f.Drop == 1));
        Assert.All(lake.Report.InjectedFiles, i => Assert.Contains(lake.Report.Files, f => f.Key == i.FileKey && f.Drop == Options.Drops));
    }

    [Fact]
    public async Task GenerateAsync_Dirty_InjectedRowsStartOnTheReportedLines()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);

        Assert.All(lake.Report.InjectedRows, injected =>
        {
            var header = KaggleLayout.Header(injected.Entity);
            var record = Assert.Single(lake.Records(injected.FileKey), r => r.Line == injected.Line);
            var keyColumn = KaggleLayout.IndexOf(injected.Entity, injected.Entity.KeyColumn());
            Assert.Equal(injected.RowKey, record.Fields[keyColumn]);
            switch (injected.Reason)
            {
                case RejectCode.FieldCount:
                    Assert.NotEqual(header.Count, record.Fields.Length);
                    break;
                case RejectCode.EmptyKey:
                    Assert.Equal("", record.Fields[keyColumn]);
                    break;
                default:
                    Assert.Contains(record.Fields, f => f is "12x" or "yes" or "2021-13-45" or "last year");
                    Assert.Contains(record.Fields.Single(f => f is "12x" or "yes" or "2021-13-45" or "last year"), injected.Description, StringComparison.Ordinal);
                    break;
            }
        });
    }

    [Fact]
    public async Task GenerateAsync_Dirty_EveryRowNotReportedIsValid()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        var injected = lake.Report.InjectedRows.Select(r => (r.FileKey, r.Line)).ToHashSet();

        foreach (var file in lake.DropFiles())
        {
            var rows = lake.Rows(file.Key).Where(r => !injected.Contains((file.Key, r.Line))).ToList();
            Assert.All(rows, r => Assert.Null(Problem(file.Entity, r.Fields)));
            Assert.Equal(file.Rows, rows.Count + lake.Report.InjectedRows.Count(i => i.FileKey == file.Key));
        }
    }

    [Fact]
    public async Task GenerateAsync_DirtyOrClean_SameCleanRowsAndSameGold()
    {
        using var dirty = await GeneratedLake.CreateAsync(Options);
        using var clean = await GeneratedLake.CreateAsync(Options with { Dirty = false });
        var injected = dirty.Report.InjectedRows.Select(r => (r.FileKey, r.Line)).ToHashSet();

        Assert.Equal(clean.Report.Files.Select(f => f.Key), dirty.DropFiles().Select(f => f.Key));
        foreach (var file in clean.Report.Files)
        {
            var dirtyRows = dirty.Rows(file.Key).Where(r => !injected.Contains((file.Key, r.Line))).Select(r => r.Fields);
            Assert.Equal(clean.Rows(file.Key).Select(r => r.Fields), dirtyRows);
        }

        Assert.Equal(clean.Report.GoldRowsAfterDrop, dirty.Report.GoldRowsAfterDrop);
        Assert.Equal(GoldSnapshot(clean), GoldSnapshot(dirty));
    }

    [Fact]
    public async Task GenerateAsync_Dirty_InjectedFilesHaveTheDescribedForm()
    {
        using var lake = await GeneratedLake.CreateAsync(Options);
        InjectedFile Find(string description) => Assert.Single(lake.Report.InjectedFiles, f => f.Description.Contains(description, StringComparison.Ordinal));

        var bom = Find("byte order mark");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'i', (byte)'d' }, lake.Bytes(bom.FileKey)[..5]);
        Assert.Equal(bom.DataRows, lake.Rows(bom.FileKey).Count);

        var crlf = Find("CRLF");
        var crlfText = lake.Text(crlf.FileKey);
        Assert.Equal(crlf.DataRows + 1, crlfText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("\n", crlfText.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);

        Assert.Empty(lake.Bytes(Find("empty file").FileKey));
        Assert.Equal([string.Join(',', KaggleLayout.Tracks)], lake.Records(Find("header only").FileKey).Select(r => string.Join(',', r.Fields)));

        var latin1 = Find("ISO-8859-1");
        Assert.Equal(RejectCode.InvalidUtf8, latin1.Reason);
        Assert.Throws<DecoderFallbackException>(() => lake.Text(latin1.FileKey));
        Assert.Contains("Café", Encoding.Latin1.GetString(lake.Bytes(latin1.FileKey)), StringComparison.Ordinal);

        var missing = Find("missing from the header");
        Assert.Equal(RejectCode.MissingColumns, missing.Reason);
        Assert.DoesNotContain("explicit", lake.Records(missing.FileKey)[0].Fields);

        var truncated = Find("gzip stream cut off");
        Assert.Equal(RejectCode.BadGzip, truncated.Reason);
        Assert.EndsWith(".csv.gz", truncated.FileKey, StringComparison.Ordinal);
        Assert.True(GunzippedRecords(lake.Bytes(truncated.FileKey)) < truncated.DataRows, "the stream ends early");
    }

    private static HashSet<string> GoldSnapshot(GeneratedLake lake)
    {
        var reference = new ReferenceLake(lake);
        for (var drop = 1; drop <= Options.Drops; drop++) reference.Apply(drop);
        return [.. reference.Gold().Select(a => string.Join('\u001f', a))
            .Concat(reference.Latest(Entity.Artists).Values.Select(a => string.Join('\u001f', a)))
            .Concat(reference.Latest(Entity.Tracks).Values.Select(t => string.Join('\u001f', t)))];
    }

    // .NET's GZipStream returns what it could inflate without complaint when the stream is cut off.
    private static int GunzippedRecords(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd().Count(c => c == '\n') - 1;
    }

    /// <summary>Why a row would be rejected, or null: the rules of the design, written out plainly.</summary>
    private static string? Problem(Entity entity, string[] f)
    {
        var header = KaggleLayout.Header(entity);
        if (f.Length != header.Count) return "field count";
        string Cell(string column) => f[KaggleLayout.IndexOf(entity, column)];
        if (Cell(entity.KeyColumn()) == "") return "empty key";
        var integers = entity switch
        {
            Entity.Artists => ["artist_popularity", "followers"],
            Entity.Albums => ["track_number", "duration_ms", "total_tracks", "album_popularity"],
            _ => new[] { "track_popularity" },
        };
        if (integers.Any(c => !long.TryParse(Cell(c), NumberStyles.None, CultureInfo.InvariantCulture, out _))) return "bad number";
        if (entity == Entity.Tracks && Cell("explicit") is not ("true" or "false")) return "bad boolean";
        if (entity == Entity.Albums && !DateTime.TryParseExact(Cell("release_date").Replace(" UTC", "", StringComparison.Ordinal),
                ["yyyy", "yyyy-MM", "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) return "bad date";
        return null;
    }
}
