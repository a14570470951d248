using System.Globalization;

namespace SpotifyWorker.Pipeline.Generation;

/// <summary>What <see cref="SpotifyDataGenerator"/> generates. The same options always give byte-identical files.</summary>
public sealed record GenerationOptions
{
    /// <summary>Album rows (and tracks) in the Kaggle "Spotify Dataset 2023" at scale 1.</summary>
    public const int KaggleAlbumRows = 438_938;

    /// <summary>Artists at scale 1.</summary>
    public const int KaggleArtists = 37_000;

    /// <summary>About 5,000 tracks: enough for a demo that runs in seconds.</summary>
    public const double DemoScale = 0.0114;

    /// <summary>1.0 is the size of the Kaggle dataset; album rows and artists scale linearly (at least one each).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Incremental drops, 1 to 9999: drop 1 carries most of the data, later ones new keys and updates.</summary>
    public int Drops { get; init; } = 1;

    public int Seed { get; init; }

    /// <summary>Adds rows and files that must be quarantined, and valid but awkward files; all listed in the report.</summary>
    public bool Dirty { get; init; }

    /// <summary>Writes the data files as .csv.gz.</summary>
    public bool Gzip { get; init; }

    /// <summary>Entity folders (the default) or the Kaggle file names at the raw root.</summary>
    public RawLayout Layout { get; init; } = RawLayout.EntityFolders;

    /// <summary>Where files are staged before they are put to the store; the system temp folder when null.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Files generated at the same time; 0 means one per processor.</summary>
    public int MaxParallelism { get; init; }

    public int AlbumRows => Scaled(KaggleAlbumRows);

    public int Artists => Scaled(KaggleArtists);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the option and its value.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Scale) || Scale <= 0 || Scale > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, Invalid(nameof(Scale), Scale, "must be greater than 0 and at most 1000"));
        }
        if (Drops is < 1 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(Drops), Drops, Invalid(nameof(Drops), Drops, "must be between 1 and 9999"));
        }
        if (MaxParallelism < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, Invalid(nameof(MaxParallelism), MaxParallelism, "must not be negative"));
        }
    }

    private int Scaled(int full) => (int)Math.Max(1, Math.Round(full * Scale, MidpointRounding.AwayFromZero));

    private static string Invalid(string name, object value, string rule) =>
        string.Create(CultureInfo.InvariantCulture, $"GenerationOptions.{name} is {value}; it {rule}.");
}
