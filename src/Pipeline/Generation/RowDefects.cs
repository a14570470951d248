using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>A way to spoil a clean row so that the pipeline must quarantine it with <see cref="Reason"/>.</summary>
internal sealed record RowDefect(RejectCode Reason, string Description, Func<string[], string[]> Apply);

/// <summary>The row-level defects injected into each entity's first file when generating dirty data.</summary>
internal static class RowDefects
{
    public static IReadOnlyList<RowDefect> For(Entity entity) => entity switch
    {
        Entity.Artists =>
        [
            Set(entity, "id", "", RejectCode.EmptyKey),
            Set(entity, "artist_popularity", "12x", RejectCode.BadNumber),
            TooMany(entity),
            TooFew(entity),
        ],
        Entity.Albums =>
        [
            Set(entity, "track_id", "", RejectCode.EmptyKey),
            Set(entity, "track_number", "12x", RejectCode.BadNumber),
            Set(entity, "release_date", "2021-13-45", RejectCode.BadDate),
            Set(entity, "release_date", "last year", RejectCode.BadDate),
            TooMany(entity),
            TooFew(entity),
        ],
        Entity.Tracks =>
        [
            Set(entity, "id", "", RejectCode.EmptyKey),
            Set(entity, "track_popularity", "12x", RejectCode.BadNumber),
            Set(entity, "explicit", "yes", RejectCode.BadBoolean),
            TooMany(entity),
            TooFew(entity),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity, null),
    };

    private static RowDefect Set(Entity entity, string column, string value, RejectCode reason)
    {
        var index = KaggleLayout.IndexOf(entity, column);
        return new RowDefect(reason, $"{column} is '{value}'", fields =>
        {
            var copy = (string[])fields.Clone();
            copy[index] = value;
            return copy;
        });
    }

    private static RowDefect TooMany(Entity entity) =>
        new(RejectCode.FieldCount, $"{KaggleLayout.Header(entity).Count + 1} fields, the header has {KaggleLayout.Header(entity).Count}", fields => [.. fields, "extra"]);

    private static RowDefect TooFew(Entity entity) =>
        new(RejectCode.FieldCount, $"{KaggleLayout.Header(entity).Count - 1} fields, the header has {KaggleLayout.Header(entity).Count}", fields => fields[..^1]);
}

/// <summary>
/// Writes the defects into a clean file, one after every <see cref="Spacing"/>-th clean row, each a spoiled
/// copy of the row just written (so a reader that wrongly accepted it would overwrite a real key and change
/// gold), and records where each went.
/// </summary>
internal sealed class RowInjector(string fileKey, Entity entity, IReadOnlyList<RowDefect> defects, Func<string[]> fallback)
{
    private const int Spacing = 7;
    private readonly int _keyIndex = KaggleLayout.IndexOf(entity, entity.KeyColumn());
    private readonly List<InjectedRow> _injected = [];
    private long _cleanRows;
    private string[]? _last;

    public IReadOnlyList<InjectedRow> Injected => _injected;

    public void AfterRow(CsvWriter csv, string[] fields)
    {
        _last = fields;
        if (++_cleanRows % Spacing == 0 && _injected.Count < defects.Count) Inject(csv);
    }

    /// <summary>Writes the defects a short file had no room for.</summary>
    public void Finish(CsvWriter csv)
    {
        while (_injected.Count < defects.Count) Inject(csv);
    }

    private void Inject(CsvWriter csv)
    {
        var defect = defects[_injected.Count];
        var fields = defect.Apply(_last ?? fallback());
        _injected.Add(new InjectedRow(fileKey, entity, csv.Line, fields[_keyIndex], defect.Reason, defect.Description));
        csv.WriteRecord(fields);
    }
}
