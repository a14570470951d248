using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using SpotifyWorker.Pipeline.Orchestration;
using SpotifyWorker.Pipeline.Tests.Oracle;
using SpotifyWorker.Pipeline.Tests.TestSupport;
using Xunit;
using static SpotifyWorker.Pipeline.Tests.TestSupport.Csv;

namespace SpotifyWorker.Pipeline.Tests.Orchestration;

/// <summary>
/// The wide property: random drop sets (1 to 8 drops; several files per entity per drop; keys repeated within a file
/// and across files; rows moving between years; dimensions arriving late or never; invalid rows of every row-level
/// kind) processed under a random batch cap, with runs after random drops, silver compacted at random points between
/// them (by the <c>compact</c> verb's call, and by a random compaction policy after batches). After the last run gold
/// and quarantine equal the oracle's, and a rerun commits nothing. The seed is printed and replayable; a failure shrinks to a
/// minimal drop set.
/// </summary>
public sealed class LatestWinsPropertyTests
{
    /// <summary>Replays a run: the seed the test printed (the cases follow from it).</summary>
    public const string SeedVariable = "SPOTIFYWORKER_PROPERTY_SEED";

    /// <summary>How many cases; 100 unless set.</summary>
    public const string CasesVariable = "SPOTIFYWORKER_PROPERTY_CASES";

    /// <summary>"0" turns shrinking off: the mutation gate needs only the verdict, not the minimal drop set.</summary>
    public const string ShrinkVariable = "SPOTIFYWORKER_PROPERTY_SHRINK";

    public sealed record RawFile(string Key, string Header, string[] Rows)
    {
        public override string ToString() => $"{Key}: [{string.Join(" / ", Rows)}]";
    }

    /// <param name="RunAfter">Whether a run follows this drop (the last drop is always followed by one).</param>
    /// <param name="CompactAfter">Whether silver is compacted after this drop's run (or after the drop, when no run follows).</param>
    public sealed record Drop(RawFile[] Files, bool RunAfter, bool CompactAfter = false)
    {
        public override string ToString() =>
            (RunAfter ? "drop, then run" : "drop") + (CompactAfter ? ", then compact" : "") + ":\n    " + string.Join("\n    ", Files.Select(f => f.ToString()));
    }

    /// <param name="CompactEvery">Runs compact once an entity has more than this many delta files (0: the policy never fires).</param>
    public sealed record Scenario(Drop[] Drops, int MaxFiles, int CompactEvery = 0)
    {
        public override string ToString() =>
            $"MaxFiles={MaxFiles}, CompactEvery={CompactEvery}, {Drops.Length} drops:\n  " + string.Join("\n  ", Drops.Select(d => d.ToString()));
    }

    private static readonly Gen<string> ArtistRow =
        from id in Gen.Elements("a1", "a2", "a3", "a4")
        from name in Gen.Elements("Ana", "Bo", "Çé", "\"Dee, Jr.\"")
        from popularity in Gen.Choose(0, 100)
        from followers in Gen.Choose(0, 1000)
        from genres in Gen.Elements(new string[] { }, ["pop"], ["rock", "indie rock"])
        from defect in Gen.Frequency((12, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        select defect switch
        {
            1 => $"{id},{name},x{popularity},[],1,,,,,,,", // bad_number
            2 => $" ,{name},{popularity},[],1,,,,,,,", // empty_key
            _ => Artist(id, name, popularity, followers, genres),
        };

    private static readonly Gen<string> AlbumRow =
        from track in Gen.Elements("t1", "t2", "t3", "t4", "t5", "t6")
        from artist in Gen.Elements("a1", "a2", "a3", "a4", "a5")
        from date in Gen.Frequency(
            (8, Gen.Elements("1999", "2000-05", "2001-02-03", "2001-11-30 00:00:00 UTC", "2002")),
            (1, Gen.Elements("2003-13-01", "0999", "", "2001-02-30", "20O1")))
        from popularity in Gen.Choose(0, 100)
        from ragged in Gen.Frequency((15, Gen.Constant(false)), (1, Gen.Constant(true)))
        select Album(track, artist, date, popularity: popularity) + (ragged ? ",extra" : "");

    private static readonly Gen<string> TrackRow =
        from id in Gen.Elements("t1", "t2", "t3", "t4", "t5", "t6")
        from popularity in Gen.Frequency((10, Gen.Choose(0, 100).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Gen.Elements("7.0", "+3", "1e3", "")))
        from flag in Gen.Elements("true", "false", "TRUE", "False", "", "maybe")
        select $"{id},{popularity},{flag}";

    private static Gen<RawFile[]> FilesOf(int drop, string entity, string header, Gen<string> row) =>
        from count in Gen.Frequency((3, Gen.Constant(0)), (5, Gen.Constant(1)), (2, Gen.Constant(2)))
        from files in Gen.Choose(0, 5).SelectMany(n => row.ArrayOf(n)).ArrayOf(count)
        select files.Select((rows, i) => new RawFile($"raw/{entity}/drop-{drop:D2}/part-{i + 1}.csv", header, rows)).ToArray();

    private static Gen<Drop> DropGen(int drop) =>
        from artists in FilesOf(drop, "artists", ArtistHeader, ArtistRow)
        from albums in FilesOf(drop, "albums", AlbumHeader, AlbumRow)
        from tracks in FilesOf(drop, "tracks", TrackHeader, TrackRow)
        from runAfter in Gen.Elements(true, true, false)
        from compactAfter in Gen.Elements(false, false, true)
        select new Drop([.. artists, .. albums, .. tracks], runAfter, compactAfter);

    private static readonly Gen<Scenario> ScenarioGen =
        from count in Gen.Choose(1, 8)
        from drops in Gen.CollectToArray(Enumerable.Range(1, count), DropGen)
        from maxFiles in Gen.Frequency((1, Gen.Constant(1)), (2, Gen.Constant(2)), (2, Gen.Constant(3)), (4, Gen.Constant(500)))
        from compactEvery in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        select new Scenario([.. drops], maxFiles, compactEvery);

    /// <summary>Smaller scenarios: a drop fewer, a file fewer, a row fewer, no batch cap, no compaction.</summary>
    private static IEnumerable<Scenario> Shrink(Scenario s)
    {
        if (s.MaxFiles != 500) yield return s with { MaxFiles = 500 };
        if (s.CompactEvery != 0) yield return s with { CompactEvery = 0 };
        for (var d = 0; d < s.Drops.Length; d++)
        {
            if (s.Drops[d].CompactAfter) yield return With(s, d, s.Drops[d] with { CompactAfter = false });
        }
        for (var d = 0; d < s.Drops.Length; d++)
        {
            if (s.Drops.Length > 1) yield return s with { Drops = [.. s.Drops.Where((_, i) => i != d)] };
        }
        for (var d = 0; d < s.Drops.Length; d++)
        {
            var drop = s.Drops[d];
            for (var f = 0; f < drop.Files.Length; f++)
            {
                yield return With(s, d, drop with { Files = [.. drop.Files.Where((_, i) => i != f)] });
                for (var r = 0; r < drop.Files[f].Rows.Length; r++)
                {
                    var file = drop.Files[f] with { Rows = [.. drop.Files[f].Rows.Where((_, i) => i != r)] };
                    yield return With(s, d, drop with { Files = [.. drop.Files.Select((x, i) => i == f ? file : x)] });
                }
            }
        }
    }

    private static Scenario With(Scenario s, int index, Drop drop) => s with { Drops = [.. s.Drops.Select((x, i) => i == index ? drop : x)] };

    private static async Task<bool> HoldsAsync(Scenario scenario)
    {
        var policy = scenario.CompactEvery == 0
            ? new CompactionOptions { Enabled = false }
            : new CompactionOptions { MinRows = long.MaxValue, MaxDeltaFiles = scenario.CompactEvery };
        using var lake = new TestLake(new BatchOptions { MaxFiles = scenario.MaxFiles }, compaction: policy);
        for (var d = 0; d < scenario.Drops.Length; d++)
        {
            foreach (var file in scenario.Drops[d].Files) await lake.PutAsync(file.Key, File(file.Header, file.Rows));
            if (scenario.Drops[d].RunAfter || d == scenario.Drops.Length - 1) await lake.RunOkAsync();
            if (scenario.Drops[d].CompactAfter) await lake.CompactAsync();
        }
        await OracleAssert.MatchesAsync(lake);
        var seq = (await lake.Log.LoadAsync(CancellationToken.None)).Seq;
        var rerun = await lake.RunOkAsync();
        return rerun.Outcome is RunOutcome.NothingNew && rerun.CommittedSeq == seq;
    }

    [Fact]
    public void RunOnce_RandomDropSetsAndBatchCaps_GoldAndQuarantineEqualTheOracle()
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var given) ? given : (ulong)Random.Shared.NextInt64();
        var cases = int.TryParse(Environment.GetEnvironmentVariable(CasesVariable), out var n) && n > 0 ? n : 100;
        TestContext.Current.TestOutputHelper?.WriteLine($"{cases} cases, seed {seed} (replay: {SeedVariable}={seed})");
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(cases)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)));
        try
        {
            var scenarios = Environment.GetEnvironmentVariable(ShrinkVariable) == "0" ? Arb.From(ScenarioGen) : Arb.From(ScenarioGen, Shrink);
            Prop.ForAll(scenarios, s => HoldsAsync(s).GetAwaiter().GetResult()).Check(config);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"replay with {SeedVariable}={seed}; the shrunk scenario is the minimal failing drop set:\n{e.Message}");
        }
    }
}
