using FsCheck;
using FsCheck.Fluent;
using SpotifyWorker.Pipeline.Transform;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Transform;

/// <summary>How a gold rewrite splits its affected partitions into the runs that one partitioned COPY each writes.</summary>
public sealed class RewriteRunsTests
{
    private static List<List<int>> Runs(long limit, params (int Year, long Rows)[] partitions) =>
        [.. DuckDbTransform.RewriteRuns([.. partitions.Select(p => p.Year)], partitions.ToDictionary(p => p.Year, p => p.Rows), limit).Select(r => r.ToList())];

    [Fact]
    public void RewriteRuns_NeighboursWithinLimit_OneRun()
    {
        var runs = Runs(100, (1999, 30), (2000, 30), (2001, 40));

        Assert.Equal([[1999, 2000, 2001]], runs);
    }

    [Fact]
    public void RewriteRuns_NextPartitionWouldPassLimit_StartsNewRun()
    {
        var runs = Runs(100, (1999, 60), (2000, 41), (2001, 59), (2005, 1));

        Assert.Equal([[1999], [2000, 2001], [2005]], runs);
    }

    [Fact]
    public void RewriteRuns_PartitionAboveLimit_RunOfItsOwn()
    {
        var runs = Runs(100, (1999, 10), (2000, 250), (2001, 10));

        Assert.Equal([[1999], [2000], [2001]], runs);
    }

    [Fact]
    public void RewriteRuns_NoPartitions_NoRun() => Assert.Empty(Runs(100));

    [Fact]
    public void RewriteRuns_AnyRowCounts_EveryPartitionOnceInOrderAndRunsWithinLimit()
    {
        var cases =
            from limit in Gen.Choose(1, 50)
            from rows in Gen.Choose(0, 80).ArrayOf()
            select (limit, rows);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var partitions = c.rows.Select((r, i) => (1950 + i, (long)r)).ToArray();
            var runs = Runs(c.limit, partitions);
            return runs.SelectMany(r => r).SequenceEqual(partitions.Select(p => p.Item1))
                && runs.All(r => r.Count > 0)
                && runs.All(r => r.Count == 1 || r.Sum(y => partitions[y - 1950].Item2) <= c.limit)
                // Runs are as long as the limit allows: the next run's first partition would not have fitted.
                && runs.Zip(runs.Skip(1)).All(p => p.First.Sum(y => partitions[y - 1950].Item2) + partitions[p.Second[0] - 1950].Item2 > c.limit);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));
    }
}
