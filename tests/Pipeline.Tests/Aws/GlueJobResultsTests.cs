using SpotifyWorker.Pipeline.Aws.Glue;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws;

/// <summary>
/// What the worker accepts of a compaction's result document: the job is another program, and a base that drops or
/// doubles rows would be committed as the lake's silver.
/// </summary>
public sealed class GlueJobResultsTests
{
    private static readonly CompactionWork Work = new(
        4,
        "run",
        ParquetLake.State(
            3,
            new DataFile("silver/tracks/batch=1/part-a.parquet", "silver_tracks", 5, 10),
            new DataFile("silver/tracks/batch=3/part-b.parquet", "silver_tracks", 2, 10),
            new DataFile("gold/spotify_tracks/release_year=2020/part-g.parquet", "spotify_tracks", 5, 10, ReleaseYear: 2020)),
        NoLease.Instance);

    private static readonly DataFile Base = new("silver/tracks/compact=4/part-c.parquet", "silver_tracks", 6, 10);

    private static readonly string[] Given = ["silver/tracks/batch=1/part-a.parquet", "silver/tracks/batch=3/part-b.parquet"];

    private static GlueJobResult Result(IReadOnlyList<DataFile> added, IReadOnlyList<string> superseded) => new(4, [], added, superseded, 0, []);

    [Fact]
    public void ToCompactionOutput_OneBasePerEntitySupersedingTheGivenFiles_SetsToBatchToTheHighestBatchRead()
    {
        var output = GlueJobResults.ToCompactionOutput(Result([Base], Given), Work, "output.json");

        Assert.Equal(Base with { ToBatch = 3 }, Assert.Single(output.Added));
        Assert.Equal(Given, output.Superseded);
    }

    public static TheoryData<string, GlueJobResult> Unusable => new()
    {
        { "supersedes [silver/tracks/batch=1/part-a.parquet] but was given", Result([Base], [Given[0]]) },
        { "supersedes [silver/tracks/batch=1/part-a.parquet, silver/tracks/batch=3/part-b.parquet, gold/", Result([Base], [.. Given, "gold/spotify_tracks/release_year=2020/part-g.parquet"]) },
        { "wrote 2 base(s) of silver_tracks", Result([Base, Base with { Key = "silver/tracks/compact=4/part-d.parquet" }], Given) },
        { "is not under silver/tracks/compact=4/", Result([Base with { Key = "silver/tracks/batch=4/part-c.parquet" }], Given) },
        { "holds 8 rows from 7 read", Result([Base with { Rows = 8 }], Given) },
        { "wrote files of other tables", Result([Base, new DataFile("gold/spotify_tracks/release_year=2020/part-h.parquet", "spotify_tracks", 5, 10, ReleaseYear: 2020)], Given) },
        { "it is for seq 5", Result([Base], Given) with { BatchSeq = 5 } },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void ToCompactionOutput_UnusableResult_IsRefusedNamingTheProblem(string problem, GlueJobResult result)
    {
        var e = Assert.Throws<InvalidDataException>(() => GlueJobResults.ToCompactionOutput(result, Work, "output.json"));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing of compaction 4 is committed", e.Message, StringComparison.Ordinal);
    }
}
