using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SpotifyWorker.Pipeline.Manifest;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

public sealed class CompactionPolicyTests
{
    private static readonly CompactionOptions Defaults = new();

    private static DataFile Delta(Entity entity, long batch, long rows) => new(LakeLayout.Silver(entity, batch), Tables.Silver(entity), rows, rows * 10);

    private static DataFile Base(Entity entity, long seq, long rows) => new(LakeLayout.SilverCompacted(entity, seq), Tables.Silver(entity), rows, rows * 10, ToBatch: seq - 1);

    private static ManifestState StateOf(params DataFile[] files) => ManifestState.Empty with
    {
        LiveFiles = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, files.Select(f => KeyValuePair.Create(f.Key, f))),
    };

    [Fact]
    public void Due_EmptyLake_IsNull() => Assert.Null(CompactionPolicy.Due(ManifestState.Empty, Defaults));

    [Fact]
    public void Due_DeltasBelowMinRows_IsNull() =>
        Assert.Null(CompactionPolicy.Due(StateOf(Delta(Entity.Artists, 1, 60_000), Delta(Entity.Artists, 2, 39_999)), Defaults));

    [Fact]
    public void Due_NoBaseAndLaterDeltasReachTheFirst_NamesTheTable()
    {
        var reason = CompactionPolicy.Due(StateOf(Delta(Entity.Albums, 1, 100_000), Delta(Entity.Albums, 2, 60_000), Delta(Entity.Albums, 3, 40_000)), Defaults);

        Assert.Equal("silver_albums has 100000 delta rows after its first, at least 1 x the first's 100000 rows", reason);
    }

    [Fact]
    public void Due_FirstLoadAlone_IsNull() =>
        Assert.Null(CompactionPolicy.Due(StateOf(Delta(Entity.Albums, 1, 5_000_000)), Defaults));

    [Fact]
    public void Due_NoBaseAndLaterDeltasBelowTheFirst_IsNull() =>
        Assert.Null(CompactionPolicy.Due(StateOf(Delta(Entity.Albums, 1, 500_000), Delta(Entity.Albums, 2, 499_999)), Defaults));

    [Fact]
    public void Due_DeltasBelowRatioOfBase_IsNull() =>
        Assert.Null(CompactionPolicy.Due(StateOf(Base(Entity.Tracks, 3, 500_000), Delta(Entity.Tracks, 4, 499_999)), Defaults));

    [Fact]
    public void Due_DeltasReachRatioOfBase_IsDue() =>
        Assert.NotNull(CompactionPolicy.Due(StateOf(Base(Entity.Tracks, 3, 500_000), Delta(Entity.Tracks, 4, 250_000), Delta(Entity.Tracks, 5, 250_000)), Defaults));

    [Fact]
    public void Due_LowerRatio_CompactsEarlier() =>
        Assert.NotNull(CompactionPolicy.Due(StateOf(Base(Entity.Tracks, 3, 500_000), Delta(Entity.Tracks, 4, 250_000)), new CompactionOptions { MinDeltaRatio = 0.5 }));

    [Fact]
    public void Due_MoreDeltaFilesThanMax_IsDueWhateverTheRows()
    {
        var files = Enumerable.Range(1, 33).Select(b => Delta(Entity.Artists, b, 1)).Prepend(Base(Entity.Artists, 1, 1_000_000)).ToArray();

        Assert.Equal("silver_artists has 33 delta files, more than 32", CompactionPolicy.Due(StateOf(files), Defaults));
        Assert.Null(CompactionPolicy.Due(StateOf([.. files.SkipLast(1)]), Defaults));
    }

    [Fact]
    public void Due_Disabled_IsNull() =>
        Assert.Null(CompactionPolicy.Due(StateOf(Delta(Entity.Artists, 1, 1_000_000)), new CompactionOptions { Enabled = false }));

    [Fact]
    public void Due_GoldAndQuarantineFiles_AreNotSilver() =>
        Assert.Null(CompactionPolicy.Due(StateOf(
            new DataFile(LakeLayout.Gold(2001, "part-1.parquet"), Tables.Gold, 1_000_000, 1, 2001),
            new DataFile(LakeLayout.Quarantine(Entity.Artists, 1), Tables.Quarantine, 1_000_000, 1)), new CompactionOptions { MinRows = 0, MaxDeltaFiles = 1 }));

    [Fact]
    public void HasWork_OneBasePerEntity_IsFalse()
    {
        Assert.False(CompactionPolicy.HasWork(StateOf(Base(Entity.Artists, 5, 10), Base(Entity.Albums, 5, 10))));
        Assert.True(CompactionPolicy.HasWork(StateOf(Base(Entity.Artists, 5, 10), Delta(Entity.Albums, 6, 1))));
        Assert.True(CompactionPolicy.HasWork(StateOf(Base(Entity.Artists, 5, 10), Base(Entity.Artists, 7, 10))));
    }

    [Fact]
    public void ToBatchOf_BasesAndDeltas_IsTheHighestBatchCovered() =>
        Assert.Equal(9, CompactionPolicy.ToBatchOf([Base(Entity.Artists, 10, 1), Delta(Entity.Artists, 4, 1), Delta(Entity.Artists, 7, 1)]));

    [Theory]
    [InlineData("MinDeltaRatio", "0", "Pipeline:Compaction:MinDeltaRatio = '0'")]
    [InlineData("MaxDeltaFiles", "0", "Pipeline:Compaction:MaxDeltaFiles = '0'")]
    [InlineData("MinRows", "-1", "Pipeline:Compaction:MinRows = '-1'")]
    public void Validate_BadSetting_NamesKeyAndValue(string key, string value, string expected)
    {
        using var lake = new TempDirectory();
        using var services = PipelineServices.Create(lake.Path, new Dictionary<string, string?> { [$"{CompactionOptions.Section}:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CompactionOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass() =>
        Assert.True(new SectionValidator<CompactionOptions>(CompactionOptions.Section).Validate(null, new CompactionOptions()).Succeeded);
}
