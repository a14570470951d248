namespace SpotifyWorker.Pipeline.Generation;

/// <summary>The main file of each entity in each drop: its rows, their in-file duplicates and, when dirty, injected rows.</summary>
internal static class DropFiles
{
    /// <summary>Clean rows between a stale twin and the row that supersedes it.</summary>
    private const int TwinDistance = 25;

    public static FileJob Job(IRowSource source, int drop, GenerationOptions options, string rawPrefix)
    {
        var (drops, gzip, dirty) = (options.Drops, options.Gzip, options.Dirty);
        var key = FileJob.KeyFor(rawPrefix, source.Entity, drop, 1, gzip, options.Layout);
        return new FileJob(key, source.Entity, drop, (destination, cancellationToken) =>
        {
            // Dirty rows go into drop 1, which exists for every drop count. A file with no clean row to spoil
            // (only at absurdly small scales) spoils a row that a later drop delivers.
            var injector = dirty && drop == 1
                ? new RowInjector(key, source.Entity, RowDefects.For(source.Entity), () => source.Delivered(drops, 1, false).FirstOrDefault() ?? Placeholder(source))
                : null;
            var rows = new CsvFormat(gzip).Write(destination, KaggleLayout.Header(source.Entity), csv => WriteRows(csv, source, drop, injector, cancellationToken));
            return new FileContent(rows, injector?.Injected ?? []);
        });
    }

    private static void WriteRows(CsvWriter csv, IRowSource source, int drop, RowInjector? injector, CancellationToken cancellationToken)
    {
        var superseding = new Queue<(long Due, string[] Fields)>();
        long written = 0;
        foreach (var row in source.Drop(drop))
        {
            if ((++written & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (row.StaleTwin is { } stale)
            {
                csv.WriteRecord(stale);
                superseding.Enqueue((written + TwinDistance, row.Fields));
            }
            else
            {
                csv.WriteRecord(row.Fields);
            }
            while (superseding.TryPeek(out var next) && next.Due <= written) csv.WriteRecord(superseding.Dequeue().Fields);
            injector?.AfterRow(csv, row.Fields);
        }
        while (superseding.TryDequeue(out var rest)) csv.WriteRecord(rest.Fields);
        injector?.Finish(csv);
    }

    private static string[] Placeholder(IRowSource source) => [.. KaggleLayout.Header(source.Entity).Select(_ => "0")];
}
