using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SpotifyWorker.Pipeline.Transform;
using SpotifyWorker.Pipeline.Transform.Csv;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// The Glue job's executor-side staging (spotify_etl.stage_file) against RawFileStager, run without Spark through
/// Support/local_stage.py: a stand-in S3 client that streams objects from a folder and assembles multipart uploads
/// on disk. Both must write the same normalized CSV byte for byte, the same rejects and the same file outcome.
/// </summary>
public sealed class GlueStagingTests
{
    private const string AlbumHeader = "track_name,track_id,track_number,duration_ms,album_type,artists,total_tracks,album_name,release_date,label,album_popularity,album_id,artist_id,artist_0,artist_1,artist_2,artist_3,artist_4,artist_5,artist_6,artist_7,artist_8,artist_9,artist_10,artist_11,duration_sec";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Corpus => Path.Combine(Deploy.RepoFiles.Root, "tests", "corpus", "raw");

    private sealed record PythonStaging(IReadOnlyList<JsonElement> Results, long PeakRssKib);

    private static async Task<PythonStaging> StageWithScriptAsync(string root, IReadOnlyList<string> keys)
    {
        var request = JsonSerializer.Serialize(new { root, script_dir = Path.Combine(Deploy.RepoFiles.Root, "deploy", "glue"), files = keys });
        var run = await ToolRun.RunAsync("python3", [Path.Combine(Deploy.RepoFiles.Root, "tests", "Pipeline.Tests", "Aws", "Support", "local_stage.py")], request, root, "the Glue staging tests", Ct);
        Assert.True(run.ExitCode == 0, $"local_stage.py exited {run.ExitCode}: {run.Error}");
        var document = JsonDocument.Parse(run.Output).RootElement;
        return new PythonStaging([.. document.GetProperty("results").EnumerateArray()], document.GetProperty("peak_rss_kib").GetInt64());
    }

    /// <summary>Puts the raw files under root/raw/&lt;key&gt;, stages them with the script and with RawFileStager, and compares.</summary>
    private static async Task<PythonStaging> AssertAgreeAsync(TempDirectory root, IReadOnlyList<string> keys)
    {
        var python = await StageWithScriptAsync(root.Path, keys);
        for (var i = 0; i < keys.Count; i++) AssertAgrees(root, keys[i], i + 1, python.Results[i]);
        return python;
    }

    private static void AssertAgrees(TempDirectory root, string key, int ordinal, JsonElement python)
    {
        Assert.True(RawKeys.TryGetEntity("raw/", key, out var entity), key);
        var normalized = root.Combine("csharp-" + ordinal + ".csv");
        StagedFile csharp;
        using (var raw = File.OpenRead(root.Combine("raw", key)))
        using (var output = File.Create(normalized))
        {
            csharp = RawFileStager.Stage(raw, RawKeys.IsGzip(key), entity, ordinal, output, Ct);
        }

        Assert.Equal(csharp.FileError is null ? "processed" : "quarantined", python.GetProperty("outcome").GetString());
        if (csharp.FileError is { } refused)
        {
            var reason = python.GetProperty("reason").GetString()!;
            Assert.Equal(refused.Reason.Split(':')[0], reason.Split(':')[0]);
            // The detail of these two is worded by each side's library (header listing, zlib's message); the code is what counts.
            if (refused.Code is not (RejectCode.MissingColumns or RejectCode.BadGzip)) Assert.Equal(refused.Reason, reason);
            return;
        }
        Assert.Equal(csharp.RowsRead, python.GetProperty("rows_read").GetInt64());
        Assert.Equal(csharp.RowsStaged, python.GetProperty("rows_staged").GetInt64());
        Assert.Equal(csharp.Rejects.Count, python.GetProperty("rows_rejected").GetInt64());
        if (csharp.RowsStaged > 0) Assert.Equal(Sha256(normalized), Sha256(root.Combine("lake", python.GetProperty("staged_key").GetString()!)));
        else Assert.Equal(JsonValueKind.Null, python.GetProperty("staged_key").ValueKind);

        var rejects = python.GetProperty("rejects_key").GetString() is { } rejectsKey
            ? File.ReadLines(root.Combine("lake", rejectsKey)).Select(l => JsonSerializer.Deserialize<JsonElement>(l))
                .Select(r => new RowReject(r.GetProperty("line").GetInt64(), r.GetProperty("row").GetInt64(), r.GetProperty("reason").GetString()!, r.GetProperty("raw_line").GetString()!)).ToList()
            : [];
        Assert.Equal(csharp.Rejects, rejects);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static void Write(TempDirectory root, string key, byte[] bytes)
    {
        var path = root.Combine("raw", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Gzip(params string[] members)
    {
        using var buffer = new MemoryStream();
        foreach (var member in members)
        {
            using var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(Encoding.UTF8.GetBytes(member));
        }
        return buffer.ToArray();
    }

    public static TheoryData<string, string, byte[]> StagingCases => new()
    {
        { "clean with CRLF and BOM", "tracks/a.csv", Encoding.UTF8.GetBytes("\uFEFFid,track_popularity,explicit\r\nt1,5,true\r\nt2,6,false\r\n") },
        { "columns in any order, extra columns, blank lines", "tracks/a.csv", Encoding.UTF8.GetBytes("explicit,extra,id,track_popularity\n\ntrue,x,t1,5\n\nfalse,y,t2,6\n") },
        { "quoted commas, doubled quotes and a line break inside quotes", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\n\"t,1\",5,true\n\"t\"\"2\",6,\"fal\nse\"\nt3,7,true\n") },
        { "quoted fields that need no quotes stay quoted", "tracks/a.csv", Encoding.UTF8.GetBytes("\"id\",\"track_popularity\",explicit\n\"t1\",\"5\",true\r\n\"t2\",6,\"true\"\r\n") },
        { "a carriage return inside an unquoted field", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt\r1,5,true\nt2,6,true\r\n") },
        { "no line break at the end", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5,true\nt2,6,true\r") },
        { "wrong field counts", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5\nt2,6,true,extra\nt3,7,true\n") },
        { "text after a closing quote", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\n\"t1\"x,5,true\nt2,\"6\"\r,true\nt3,6,\"true\"x\r\n") },
        { "quote never closed", "tracks/a.csv", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5,true\n\"t2,6,true\nt3,7,false\n") },
        { "missing required column", "tracks/a.csv", Encoding.UTF8.GetBytes("id,explicit\nt1,true\n") },
        { "duplicate required column", "tracks/a.csv", Encoding.UTF8.GetBytes("id,id,track_popularity,explicit\nt1,t1,5,true\n") },
        { "a quote inside an unquoted field is data", "artists/a.csv", Encoding.UTF8.GetBytes("id,name,artist_popularity,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6\na1,5'10\" Band,3,4,pop,,,,,,\n") },
        { "not UTF-8 (Latin-1)", "tracks/a.csv", [.. "id,track_popularity,explicit\nt1,5,true\n"u8, .. "caf"u8, 0xE9, .. ",6,true\n"u8] },
        { "not UTF-8 inside a multi-line quoted field", "tracks/a.csv", [.. "id,track_popularity,explicit\n\"t1\nx"u8, 0xC3, .. "\",6,true\n"u8] },
        { "truncated gzip", "tracks/a.csv.gz", Gzip("id,track_popularity,explicit\nt1,5,true\n")[..20] },
        { "gzip of two members", "tracks/a.csv.gz", Gzip("id,track_popularity,explicit\nt1,5,true\n\"t2", "\",6,false\nt3,x\n") },
        { "gzip with trailing garbage", "tracks/a.csv.gz", [.. Gzip("id,track_popularity,explicit\nt1,5,true\n"), .. "junk"u8] },
        { "plain text named .gz", "tracks/a.csv.gz", Encoding.UTF8.GetBytes("id,track_popularity,explicit\nt1,5,true\n") },
        { "zero bytes named .gz", "tracks/a.csv.gz", [] },
    };

    [Theory]
    [MemberData(nameof(StagingCases))]
    public async Task StageFile_Case_AgreesWithRawFileStager(string name, string key, byte[] bytes)
    {
        Assert.NotEmpty(name);
        using var root = new TempDirectory();
        Write(root, "raw/" + key, bytes);

        await AssertAgreeAsync(root, ["raw/" + key]);
    }

    [Fact]
    public async Task StageFile_WholeBadInputCorpus_AgreesWithRawFileStager()
    {
        using var root = new TempDirectory();
        var keys = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = "raw/" + Path.GetRelativePath(Corpus, file).Replace('\\', '/');
            if (!RawKeys.TryGetEntity("raw/", key, out _)) continue;
            Write(root, key, File.ReadAllBytes(file));
            keys.Add(key);
        }

        var python = await AssertAgreeAsync(root, keys);

        Assert.True(keys.Count >= 30, $"only {keys.Count} corpus files were compared");
        Assert.Contains(python.Results, r => r.GetProperty("outcome").GetString() == "quarantined");
    }

    [Fact]
    public async Task StageFile_MostlyBadRows_AgreesWithRawFileStager()
    {
        using var root = new TempDirectory();
        var text = new StringBuilder("id,track_popularity,explicit\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append((i % 10) switch
            {
                0 => $"t{i},{i},true\n",
                1 => $"\"t{i}\"x,{i},true\n",
                2 => $"t{i},{i}\n",
                3 => $"t{i},\"{i}\n\",true,extra\r\n",
                _ => $"t{i},{i},true,{i},{i}\n",
            });
        }
        Write(root, "raw/tracks/bad.csv", Encoding.UTF8.GetBytes(text.ToString()));

        var python = await AssertAgreeAsync(root, ["raw/tracks/bad.csv"]);

        Assert.Equal(4500, Assert.Single(python.Results).GetProperty("rows_rejected").GetInt64());
    }

    [Fact]
    public async Task StageFile_LargeGzipFile_AgreesWithRawFileStager()
    {
        using var root = new TempDirectory();
        var path = root.Combine("plain.csv");
        WriteAlbums(path, 8L << 20, seed: 2);
        Write(root, "raw/albums/drop.csv.gz", []);
        using (var input = File.OpenRead(path))
        using (var output = File.Create(root.Combine("raw", "raw", "albums", "drop.csv.gz")))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            input.CopyTo(gzip);
        }

        await AssertAgreeAsync(root, ["raw/albums/drop.csv.gz"]);
    }

    /// <summary>
    /// The bound on an executor: a 300 MB albums file streams through in far less memory than its size, and the
    /// normalized CSV is the one RawFileStager writes. (Peak RSS of python3 itself is about 10 MB.)
    /// </summary>
    [Fact]
    public async Task StageFile_300MbAlbumsFile_PeaksUnder150MbAndMatchesRawFileStager()
    {
        using var root = new TempDirectory();
        Write(root, "raw/albums/big.csv", []);
        WriteAlbums(root.Combine("raw", "raw", "albums", "big.csv"), 300L << 20, seed: 1);

        var python = await AssertAgreeAsync(root, ["raw/albums/big.csv"]);

        Assert.True(python.PeakRssKib < 150 * 1024, $"staging a 300 MB file peaked at {python.PeakRssKib / 1024} MB RSS");
        TestContext.Current.TestOutputHelper?.WriteLine($"peak RSS staging 300 MB: {python.PeakRssKib / 1024} MB");
    }

    /// <summary>Albums rows in the Kaggle layout until the file has the given size: mostly clean, with quoted commas,
    /// doubled quotes and line breaks inside quotes, CRLF rows, a few wrong field counts and broken quotes.</summary>
    private static void WriteAlbums(string path, long size, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(AlbumHeader + "\n");
        long written = AlbumHeader.Length + 1, n = 0;
        var line = new StringBuilder();
        while (written < size)
        {
            n++;
            var kind = random.Next(1000);
            var name = kind < 30 ? $"\"Song {n}, \"\"live\"\"\nat Café\"" : kind < 60 ? $"\"Song {n}\"" : $"Song {n} ünï";
            line.Clear().Append(name).Append(",trk").Append(n).Append(',').Append(random.Next(1, 20)).Append(',').Append(random.Next(60000, 400000))
                .Append(",album,\"['Artist ").Append(n % 977).Append("', 'Guest']\",").Append(random.Next(1, 30)).Append(",Album ").Append(n / 12)
                .Append(',').Append(1950 + (n % 74)).Append("-0").Append(1 + (n % 9)).Append("-1").Append(n % 9).Append(",Label ").Append(n % 313)
                .Append(',').Append(random.Next(100)).Append(",alb").Append(n / 12).Append(",art").Append(n % 977)
                .Append(",Artist ").Append(n % 977).Append(",Guest,,,,,,,,,,").Append(random.Next(60, 400)).Append(".0");
            if (kind == 900) line.Append(",extra");
            if (kind == 901) line.Insert(0, "\"broken\"x");
            line.Append(kind is > 950 and < 990 ? "\r\n" : "\n");
            writer.Write(line);
            written += Encoding.UTF8.GetByteCount(line.ToString());
        }
    }
}
