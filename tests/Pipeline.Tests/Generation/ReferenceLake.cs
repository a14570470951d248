using SpotifyWorker.Pipeline.Generation;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Tests.Generation;

/// <summary>
/// The semantics of the design, done the slow obvious way: per entity, the latest row of each key wins
/// (later drop, then later file by key, then later row); gold is the inner join. Skips what the report says
/// a pipeline must quarantine, so it also checks that nothing else is spoiled.
/// </summary>
internal sealed class ReferenceLake(GeneratedLake lake)
{
    private readonly Dictionary<Entity, Dictionary<string, string[]>> _latest =
        Entities.All.ToDictionary(e => e, _ => new Dictionary<string, string[]>(StringComparer.Ordinal));

    public IReadOnlyDictionary<string, string[]> Latest(Entity entity) => _latest[entity];

    /// <summary>Reads every file of one drop, in key order.</summary>
    public void Apply(int drop)
    {
        var rejected = lake.Report.InjectedRows.Select(r => (r.FileKey, r.Line)).ToHashSet();
        foreach (var file in lake.Report.Files.Where(f => f.Drop == drop))
        {
            if (lake.Report.InjectedFiles.Any(i => i.FileKey == file.Key && i.MustBeQuarantined) || file.Bytes == 0) continue;
            var keyColumn = KaggleLayout.IndexOf(file.Entity, file.Entity.KeyColumn());
            foreach (var row in lake.Rows(file.Key).Where(r => !rejected.Contains((file.Key, r.Line))))
            {
                _latest[file.Entity][row.Fields[keyColumn]] = row.Fields;
            }
        }
    }

    /// <summary>Album rows whose artist and tracks row have both arrived.</summary>
    public IEnumerable<string[]> Gold()
    {
        var artistId = KaggleLayout.IndexOf(Entity.Albums, "artist_id");
        var trackId = KaggleLayout.IndexOf(Entity.Albums, "track_id");
        return _latest[Entity.Albums].Values.Where(a =>
            _latest[Entity.Artists].ContainsKey(a[artistId]) && _latest[Entity.Tracks].ContainsKey(a[trackId]));
    }
}
