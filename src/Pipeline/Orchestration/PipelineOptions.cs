using System.ComponentModel.DataAnnotations;

namespace SpotifyWorker.Pipeline.Orchestration;

public enum Backend
{
    /// <summary>A local folder, DuckDB and a local catalog: no account, no server.</summary>
    Local,

    /// <summary>S3, a Glue ETL job, a Glue crawler and Athena.</summary>
    Aws,
}

/// <summary>Which backend runs the pipeline and where the lake is (section <c>Pipeline</c>).</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>local (default) or aws.</summary>
    public Backend Backend { get; set; } = Backend.Local;

    /// <summary>Root folder of the local lake (local backend). Default <c>./data/lake</c>; the CLI's <c>--lake</c> sets it.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Lake { get; set; } = "./data/lake";

    /// <summary>Prefix under which raw drops land, in entity folders or under names that say the entity (<see cref="Transform.RawKeys"/>). Default <c>raw/</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^([^/].*/)?$", ErrorMessage = "must be empty or end with '/' and not start with '/', like raw/")]
    public string RawPrefix { get; set; } = "raw/";
}
