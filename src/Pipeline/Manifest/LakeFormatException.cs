namespace SpotifyWorker.Pipeline.Manifest;

/// <summary>The lake was written in a format newer than this worker knows; the worker refuses it and writes nothing.</summary>
public sealed class LakeFormatException(string lake, int format)
    : Exception($"The lake at {lake} is format {format}, written by a newer worker; this worker knows formats up to {LakeFormat.Current} " +
        "and refuses it without writing anything. Run the worker release that wrote it, or a newer one.")
{
    public string Lake { get; } = lake;

    public int Format { get; } = format;
}
