using System.Collections.Concurrent;
using System.Reflection;

namespace SpotifyWorker.Pipeline.Transform;

/// <summary>The SQL files shipped as embedded resources (Transform/Sql, Query/Sql), by file name.</summary>
public static class SqlScripts
{
    private static readonly Assembly Assembly = typeof(SqlScripts).Assembly;
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>Text of <c>Transform/Sql/&lt;name&gt;.sql</c>.</summary>
    public static string Transform(string name) => Load("SpotifyWorker.Pipeline.Transform.Sql." + name + ".sql");

    /// <summary>Names and texts of every SQL file in a resource folder such as <c>Query.Sql.Views</c>, in name order.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Folder(string folder)
    {
        var prefix = "SpotifyWorker.Pipeline." + folder + ".";
        return [.. Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^4], Load(n)))];
    }

    private static string Load(string resource) => Cache.GetOrAdd(resource, r =>
    {
        using var stream = Assembly.GetManifestResourceStream(r) ?? throw new InvalidOperationException($"SQL resource {r} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
