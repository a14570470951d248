using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SpotifyWorker.Pipeline.DuckDb;

/// <summary>DuckDB engine settings (section <c>Pipeline:DuckDb</c>), for the transform, catalog and queries.</summary>
public sealed class DuckDbOptions
{
    public const string Section = "Pipeline:DuckDb";

    /// <summary>
    /// DuckDB's memory_limit. Above it DuckDB spills to <see cref="TempDirectory"/>; the worker's peak memory
    /// is this plus about 300 MB of .NET, the DuckDB library and DuckDB allocations outside its buffer pool (hash tables
    /// being built, Parquet writers). Default "400MB": a scale-10 full load peaks near 700 MB (at 512MB it peaked at
    /// 760-900 MB from run to run) and takes about the same time, since the large steps spill either way.
    /// </summary>
    [Required]
    [RegularExpression(@"^\s*[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", ErrorMessage = "Pipeline:DuckDb:MemoryLimit must look like 768MB or 2GiB")]
    public string MemoryLimit { get; set; } = "400MB";

    /// <summary>
    /// Where DuckDB spills and where raw files are staged for a batch. Default: <c>&lt;lake&gt;/_pipeline/tmp</c>,
    /// on the lake's filesystem so that finished files are moved into place by rename. What a killed run leaves in
    /// the default folder is removed by a later run (after the garbage grace period); a folder set here is not swept.
    /// </summary>
    public string? TempDirectory { get; set; }

    /// <summary>DuckDB worker threads; 0 means one per core. Default 0.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>
    /// Rows one partitioned COPY writes at most when a batch rewrites committed gold partitions: the affected
    /// partitions are written in runs of neighbours up to this many rows (a larger partition is a run of its own).
    /// A partitioned COPY buffers a row group for every partition it writes until it ends; a 1% drop at scale 10
    /// touches all 74 partitions (4.4M rows), and one COPY of them all spilled past the memory limit. Default 500,000,
    /// about 125 MB of buffered rows, a third of the default <see cref="MemoryLimit"/>: that drop took 0.82x the
    /// time of one COPY with 130 MB less peak memory (250,000 and 1,000,000 were slower). Raise it with the memory limit.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long RewriteRunRows { get; set; } = 500_000;

    /// <summary>
    /// Rows per Parquet row group in gold files written by the embedded engine. A partitioned COPY holds each
    /// partition's open row group in memory until it is full or the COPY ends, and most of the 74 year partitions at
    /// scale 10 hold fewer rows than DuckDB's default of 122,880: their rows all waited in memory and spilled. Default
    /// 40,960: the scale-10 first load's partitioned COPY took 7.5 s instead of 11-14 s, and gold grew by 1.4% (216 MB
    /// against 213 MB; 30,000 was no faster and 3% larger, 61,440 took 9 s). Raise it for fewer, larger row groups when
    /// memory allows. A small first load writes smaller ones (<see cref="FirstLoadRowGroupRows"/>).
    /// </summary>
    [Range(2_048, 1_000_000)]
    public int GoldRowGroupRows { get; set; } = 40_960;

    /// <summary>
    /// Album rows up to which a first load sorts its gold rows inside the partitioned COPY that writes them; a larger
    /// first load sorts them into a temporary table first, and the COPY reads that. Default: one row per 800 bytes of
    /// <see cref="MemoryLimit"/> (500,000 at 400MB; the Kaggle dataset has 438,938 tracks). Inline, the COPY holds the
    /// tracks' join, the sort and the partitions' writers at once. The same silver, at 400MB: at scale 1 the gold step
    /// took about 0.1 s less (1.01-1.05 s against 1.13-1.17 s, same files), at scale 3 0.1 s less for 150 MB more peak
    /// memory, and at scale 5 and 10 it ran out of memory. A COPY that runs out of memory is run again the other way.
    /// Here and in <see cref="FirstLoadRowGroupRows"/>, a batch that affects every committed gold track (a re-sent
    /// snapshot) writes the whole of gold as a first load does, and counts the album rows of every silver version.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long? FirstLoadInlineSortRows { get; set; }

    /// <summary>
    /// Rows per gold row group of a first load of <paramref name="rows"/> rows: a hundredth of them, at least 4,096 and at
    /// most <see cref="GoldRowGroupRows"/>. DuckDB's partitioned COPY writes a partition's rows with its threads only when
    /// a thread holds at least half a row group of them; smaller remainders wait for the end of the COPY, where one
    /// thread writes them all. A Kaggle-scale load's year partitions hold about a hundredth of its rows or less (72 of
    /// its 74 below 20,480), so with 40,960-row groups 70% of gold was compressed and written by one thread at the end,
    /// with a core idle. Scale 1, the worker's gold step, six alternating runs: 0.77-0.86 s against 0.91-0.99 s, gold
    /// 2.5% larger (17.1 MB against 16.7 MB; 4,438-row groups). At scale 10 a hundredth is above the default and nothing
    /// changes: there 7% of the rows waited for the end.
    /// </summary>
    public int FirstLoadRowGroupRows(long rows) => (int)Math.Min(GoldRowGroupRows, Math.Max(4_096, rows / 100));

    /// <summary><see cref="FirstLoadInlineSortRows"/> with its default resolved.</summary>
    public long FirstLoadInlineSortRowLimit => FirstLoadInlineSortRows ?? MemoryLimitBytes / 800;

    /// <summary>
    /// <see cref="MemoryLimit"/> in bytes, read as DuckDB reads it: KB, MB, GB and TB are powers of 1000, KiB, MiB, GiB
    /// and TiB powers of 1024.
    /// </summary>
    public long MemoryLimitBytes
    {
        get
        {
            var text = MemoryLimit.Trim();
            var unitStart = text.IndexOfAny([.. "BKMGT"]);
            var number = double.Parse(text[..unitStart], CultureInfo.InvariantCulture);
            var unit = text[unitStart..];
            var power = "BKMGT".IndexOf(unit[0], StringComparison.Ordinal);
            var scale = Math.Pow(unit.Contains('i', StringComparison.Ordinal) ? 1024 : 1000, power);
            return (long)(number * scale);
        }
    }

    /// <summary><see cref="Threads"/> with 0 resolved to the number of cores.</summary>
    public int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;
}
