using System.Globalization;
using System.Text;

namespace SpotifyWorker.Bench;

/// <summary>
/// The data of the benchmark, made with the project's own generator through the published worker and cached
/// under bench/work/data (keyed by the generator's git tree, so a changed generator regenerates).
/// </summary>
internal sealed class Datasets(BenchOptions options, Worker worker)
{
    private static readonly string[] Entities = ["artists", "albums", "tracks"];

    private string DataRoot => options.Data;

    /// <summary>A lake folder whose raw/ holds one drop of the given scale (seed 1).</summary>
    public string Generated(double scale)
    {
        var folder = Path.Combine(DataRoot, $"scale-{Format(scale)}");
        return Cached(folder, () => worker.Run(["generate", "--scale", Format(scale), "--seed", "1", "--lake", folder]));
    }

    /// <summary>
    /// The 1% drop that follows <see cref="Generated"/>: 0.5% new rows of every entity (the generator at 1/200 of
    /// the scale with another seed, so new keys that join among themselves) and 0.5% updated rows (every 200th
    /// row of each base file delivered again with its popularity changed, so that its gold row really changes).
    /// Its files sit under raw/&lt;entity&gt;/drop-0002/, after the base drop in key order.
    /// </summary>
    public string OnePercentDrop(double scale)
    {
        var folder = Path.Combine(DataRoot, $"scale-{Format(scale)}-one-percent");
        return Cached(folder, () =>
        {
            var fresh = Path.Combine(folder, "new");
            worker.Run(["generate", "--scale", Format(scale / 200), "--seed", "2", "--lake", fresh]);
            var baseRaw = Path.Combine(Generated(scale), "raw");
            foreach (var entity in Entities)
            {
                var target = Path.Combine(folder, "raw", entity, "drop-0002");
                Directory.CreateDirectory(target);
                var generated = Directory.GetFiles(Path.Combine(fresh, "raw", entity), "*.csv", SearchOption.AllDirectories).Single();
                File.Move(generated, Path.Combine(target, $"{entity}-new.csv"));
                var original = Directory.GetFiles(Path.Combine(baseRaw, entity), "*.csv", SearchOption.AllDirectories).Single();
                EveryNthRecord(original, Path.Combine(target, $"{entity}-upd.csv"), 200, PopularityColumn(entity));
            }
            Directory.Delete(fresh, recursive: true);
        });
    }

    /// <summary>
    /// The snapshot series of the growth case: arrival n (1-based) is a folder whose raw/&lt;entity&gt;/snapshot-NN/
    /// holds the whole dataset of <see cref="Generated"/> again, so each arrival's keys sort after the previous one's.
    /// Every 4th arrival changes the values (never the keys) of 1% of the rows of each entity, chosen with a fixed
    /// seed: popularity, and followers for artists. Arrivals in between repeat the latest snapshot unchanged, as a
    /// nightly full export does (hard links: the content is identical, only the key is new).
    /// </summary>
    public IReadOnlyList<string> Snapshots(double scale, int arrivals)
    {
        var folder = Path.Combine(DataRoot, $"scale-{Format(scale)}-snapshots-{arrivals}");
        string Arrival(int n) => Path.Combine(folder, $"arrival-{n:D2}");
        string SnapshotFile(int n, string entity) => Path.Combine(Arrival(n), "raw", entity, $"snapshot-{n:D2}", $"{entity}.csv");
        Cached(folder, () =>
        {
            var baseRaw = Path.Combine(Generated(scale), "raw");
            for (var n = 1; n <= arrivals; n++)
            {
                foreach (var entity in Entities)
                {
                    var target = SnapshotFile(n, entity);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    var previous = n == 1
                        ? Directory.GetFiles(Path.Combine(baseRaw, entity), "*.csv", SearchOption.AllDirectories).Single()
                        : SnapshotFile(n - 1, entity);
                    if (n % 4 == 0) ChangeSomeRecords(previous, target, new Random((n * 31) + Array.IndexOf(Entities, entity)), 0.01, entity);
                    else ChildProcess.Run("ln", [previous, target]);
                }
            }
        });
        return [.. Enumerable.Range(1, arrivals).Select(Arrival)];
    }

    /// <summary>A new lake whose raw/ is a hard-linked copy of a dataset's raw/ (the worker never modifies raw files).</summary>
    public static void LinkRaw(string dataset, string lake)
    {
        Directory.CreateDirectory(lake);
        ChildProcess.Run("cp", ["-al", Path.Combine(dataset, "raw"), lake]);
    }

    /// <summary>Adds a drop's raw files to a lake (hard links).</summary>
    public static void AddDrop(string drop, string lake)
    {
        Directory.CreateDirectory(lake);
        ChildProcess.Run("cp", ["-al", "--no-target-directory", Path.Combine(drop, "raw"), Path.Combine(lake, "raw")]);
    }

    /// <summary>
    /// Writes small raw files numbered [from, to): file i is entity i % 3 of "night" i / 3, a few rows each that
    /// join with the other two files of the night, spread over 30 release years.
    /// </summary>
    public static void WriteSmallFiles(string lake, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var night = i / 3;
            var entity = Entities[i % 3];
            var path = Path.Combine(lake, "raw", entity, $"night-{night:D6}", $"{entity}.csv");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, SmallFile(entity, night), Encoding.UTF8);
        }
    }

    private static string SmallFile(string entity, int night)
    {
        var artist = $"benchArtist{night:D10}";
        string Track(int t) => $"benchTrack{night:D9}t{t}";
        var year = 1990 + (night % 30);
        var text = new StringBuilder();
        switch (entity)
        {
            case "artists":
                text.Append("id,name,artist_popularity,artist_genres,followers,genre_0,genre_1,genre_2,genre_3,genre_4,genre_5,genre_6\n");
                text.Append(CultureInfo.InvariantCulture, $"{artist},Night {night},{night % 100},\"['pop', 'rock']\",{night * 7},pop,rock,,,,,\n");
                break;
            case "albums":
                text.Append("track_name,track_id,track_number,duration_ms,album_type,artists,total_tracks,album_name,release_date,label,album_popularity,album_id,artist_id,artist_0,artist_1,artist_2,artist_3,artist_4,artist_5,artist_6,artist_7,artist_8,artist_9,artist_10,artist_11,duration_sec\n");
                for (var t = 1; t <= 2; t++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"Song {t},{Track(t)},{t},200000,album,['Night {night}'],2,Album {night},{year}-05-01,Bench Records,{night % 100},benchAlbum{night:D10},{artist},Night {night},,,,,,,,,,,,200.0\n");
                }
                break;
            default:
                text.Append("id,track_popularity,explicit\n");
                for (var t = 1; t <= 2; t++) text.Append(CultureInfo.InvariantCulture, $"{Track(t)},{(night + t) % 100},false\n");
                break;
        }
        return text.ToString();
    }

    /// <summary>
    /// Copies a CSV with the values of a random share of its records changed: the popularity column, and followers
    /// for artists. Keys and the other columns stay as they are.
    /// </summary>
    private static void ChangeSomeRecords(string source, string target, Random random, double share, string entity)
    {
        var columns = entity == "artists" ? new[] { PopularityColumn(entity), "followers" } : [PopularityColumn(entity)];
        RewriteRecords(source, target, (_, _) => random.NextDouble() < share, columns);
    }

    private static string PopularityColumn(string entity) => entity switch
    {
        "artists" => "artist_popularity",
        "albums" => "album_popularity",
        _ => "track_popularity",
    };

    /// <summary>Header plus every n-th data record, with the integer in <paramref name="column"/> changed.</summary>
    private static void EveryNthRecord(string source, string target, int n, string column) =>
        RewriteRecords(source, target, (index, _) => index % n == 0 ? true : null, [column]);

    /// <summary>
    /// Copies the header and the records <paramref name="change"/> keeps: true writes the record with the integers in
    /// <paramref name="columns"/> changed, false writes it as it is, null leaves it out. Records may span lines inside
    /// quotes; columns are found by name in the header.
    /// </summary>
    private static void RewriteRecords(string source, string target, Func<long, string, bool?> change, string[] columns)
    {
        using var reader = new StreamReader(source, Encoding.UTF8);
        using var writer = new StreamWriter(target, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        var record = new StringBuilder();
        long index = -1;
        var quotes = 0;
        var positions = new List<(int Position, bool Count)>();
        while (reader.ReadLine() is { } line)
        {
            if (record.Length > 0) record.Append('\n');
            record.Append(line);
            quotes += line.Count(c => c == '"');
            if (quotes % 2 != 0) continue; // inside a quoted field that spans lines
            var text = record.ToString();
            if (index < 0)
            {
                var header = Fields(text);
                positions = [.. columns.Select(c => (header.FindIndex(f => f.Value == c), c == "followers")).OrderBy(p => p.Item1)];
                writer.WriteLine(text);
            }
            else if (change(index, text) is { } changeIt)
            {
                writer.WriteLine(changeIt ? ChangeIntegers(text, positions) : text);
            }
            index++;
            record.Clear();
            quotes = 0;
        }
    }

    /// <summary>
    /// The record with the integer at each given field position changed: a count (followers) grows by one, a
    /// popularity moves by one within 0..99; a value that is not an integer becomes 1.
    /// </summary>
    private static string ChangeIntegers(string record, IReadOnlyList<(int Position, bool Count)> positions)
    {
        var fields = Fields(record);
        var text = new StringBuilder(record);
        foreach (var (position, count) in positions.Reverse())
        {
            var field = fields[position];
            var changed = long.TryParse(field.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? (count ? value + 1 : (value + 1) % 100)
                : 1;
            text.Remove(field.Start, field.Length).Insert(field.Start, changed.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Start, length and text of each field of one CSV record (RFC 4180 quoting).</summary>
    private static List<(int Start, int Length, string Value)> Fields(string record)
    {
        var fields = new List<(int, int, string)>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= record.Length; i++)
        {
            if (i < record.Length && record[i] == '"') quoted = !quoted;
            if (i == record.Length || (record[i] == ',' && !quoted))
            {
                fields.Add((start, i - start, record[start..i].Trim('"')));
                start = i + 1;
            }
        }
        return fields;
    }

    private string Cached(string folder, Action make)
    {
        var marker = Path.Combine(folder, ".bench-complete");
        var version = worker.GeneratorVersion;
        if (File.Exists(marker) && File.ReadAllText(marker) == version) return folder;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Console.WriteLine($"bench: generating {Path.GetFileName(folder)} (cached for later runs)");
        make();
        File.WriteAllText(marker, version);
        return folder;
    }

    public static string Format(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
