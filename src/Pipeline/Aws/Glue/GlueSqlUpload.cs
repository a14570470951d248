using System.Security.Cryptography;
using System.Text;
using SpotifyWorker.Pipeline.Storage;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Aws.Glue;

/// <summary>
/// Puts the transform SQL this worker was built with into the lake under <c>_pipeline/sql/&lt;hash&gt;/</c>, and
/// passes that folder to the job as <c>--sql_prefix</c>: the Glue job then runs exactly the text DuckDB runs,
/// even when the job's script was deployed from another version. Content-addressed, so it is written once.
/// </summary>
public static class GlueSqlUpload
{
    public const string Prefix = "_pipeline/sql/";

    public static async Task<string> EnsureAsync(IObjectStore lake, CancellationToken cancellationToken)
    {
        var scripts = SqlScripts.Folder("Transform.Sql");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\0", scripts.Select(s => s.Name + "\0" + s.Sql)))), 0, 8);
        var folder = Prefix + hash + "/";
        foreach (var (name, sql) in scripts)
        {
            var key = folder + name + ".sql";
            if (await lake.HeadAsync(key, cancellationToken).ConfigureAwait(false) is not null) continue;
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(sql), writable: false);
            await lake.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        }
        return folder;
    }
}
