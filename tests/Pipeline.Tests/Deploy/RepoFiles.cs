namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>Files of the checkout the tests run from: the deploy tests read the Dockerfile and templates as text.</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    public static string Root => RootDirectory.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    // The test binaries live under tests/Pipeline.Tests/bin/...; the solution file marks the root.
    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SpotifyWorker.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No SpotifyWorker.sln above {AppContext.BaseDirectory}");
    }
}
