using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Query;

/// <summary>
/// The analytics views of <c>Query/Sql/Views</c>, one per file, named after the file. The text is shared with
/// Athena, so a backend runs each statement exactly as it is.
/// </summary>
public static class AnalyticsViews
{
    private static readonly Lazy<IReadOnlyList<ViewDefinition>> Views =
        new(() => [.. SqlScripts.Folder("Query.Sql.Views").Select(v => new ViewDefinition(v.Name, v.Sql))]);

    /// <summary>Every analytics view in name order (none reads another, so any order creates them).</summary>
    public static IReadOnlyList<ViewDefinition> All => Views.Value;
}
