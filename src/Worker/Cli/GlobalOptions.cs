using System.CommandLine;

namespace SpotifyWorker.Worker.Cli;

/// <summary>Options every verb accepts.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Lake = new("--lake")
    {
        Description = "Root folder of the local lake (sets Pipeline:Lake). Default ./data/lake",
        Recursive = true,
    };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "Log format: json (compact JSON, one event per line) or text",
        DefaultValueFactory = _ => "json",
        Recursive = true,
    };

    static GlobalOptions() => LogFormat.AcceptOnlyFromAmong("json", "text");

    public static readonly Option<string> Format = new("--format")
    {
        Description = "Output format: table, csv or json",
        DefaultValueFactory = _ => "table",
    };

    /// <summary>A fresh --format option for a verb (an option instance belongs to one command).</summary>
    public static Option<string> NewFormat(params string[] allowed)
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format: " + string.Join(", ", allowed),
            DefaultValueFactory = _ => allowed[0],
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}
