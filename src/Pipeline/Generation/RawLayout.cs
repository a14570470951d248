namespace SpotifyWorker.Pipeline.Generation;

/// <summary>Where the generator puts the files of a drop under the raw prefix.</summary>
public enum RawLayout
{
    /// <summary><c>&lt;entity&gt;/drop-NNNN/&lt;entity&gt;-NNNN.csv</c>: the layout a scheduled export would write.</summary>
    EntityFolders,

    /// <summary>
    /// The Kaggle download's own file names at the raw root (<c>spotify-albums_data_2023.csv</c>), the way a person
    /// uploads it; later drops and extra parts add <c>_dropNNNN[_partNNNN]</c> to the name.
    /// </summary>
    Kaggle,
}
