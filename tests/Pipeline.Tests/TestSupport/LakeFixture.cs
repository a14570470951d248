using System.Security.Cryptography;
using SpotifyWorker.Pipeline.Tests.Deploy;

namespace SpotifyWorker.Pipeline.Tests.TestSupport;

/// <summary>
/// The checked-in lakes under <c>tests/Pipeline.Tests/Fixtures</c>, copied to a temp folder per test (a run changes
/// its lake), and the file tree of a lake as text, to tell whether anything was written.
/// </summary>
internal static class LakeFixture
{
    /// <summary>Written by release e076a25, before lake formats existed; its README says how.</summary>
    public const string Format1 = "lake-format1";

    /// <summary>The lake's own folders; the fixture folder's README and .gitattributes are not part of the lake.</summary>
    private static readonly string[] LakeFolders = ["raw", "silver", "gold", "quarantine", "_pipeline"];

    public static string PathOf(string name) => RepoFiles.PathOf(Path.Combine("tests", "Pipeline.Tests", "Fixtures", name));

    /// <summary>Copies the fixture's lake into <paramref name="target"/> (an empty folder).</summary>
    public static void CopyTo(string name, string target)
    {
        var source = PathOf(name);
        foreach (var folder in LakeFolders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source, folder), "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
        }
    }

    /// <summary>Every folder and file under the lake with its size and SHA-256, in a stable order: equal trees give equal lists.</summary>
    public static IReadOnlyList<string> Tree(string lake)
    {
        var entries = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(lake, "*", SearchOption.AllDirectories))
        {
            entries.Add(Path.GetRelativePath(lake, directory) + "/");
        }
        foreach (var file in Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            entries.Add($"{Path.GetRelativePath(lake, file)} {bytes.Length} {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }
}
