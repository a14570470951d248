namespace SpotifyWorker.Pipeline.Query;

/// <summary>A view could not be created or read; the message names the view so a broken SQL file is found at once.</summary>
public sealed class ViewRefreshException(string view, Exception inner)
    : Exception($"View {view} is broken: {inner.Message}", inner)
{
    public string View { get; } = view;
}
