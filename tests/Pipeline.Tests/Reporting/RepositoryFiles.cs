namespace SpotifyWorker.Pipeline.Tests.Reporting;

/// <summary>Files of the repository the tests run from (docs, deploy), found by walking up to the solution file.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The file's text with LF line ends, so a checkout with CRLF compares equal.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative)).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpotifyWorker.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No SpotifyWorker.sln above {AppContext.BaseDirectory}");
    }
}
