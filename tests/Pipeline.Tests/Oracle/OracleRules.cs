using System.Globalization;
using System.Text.RegularExpressions;
using SpotifyWorker.Pipeline.Transform;

namespace SpotifyWorker.Pipeline.Tests.Oracle;

/// <summary>A valid raw row, typed: values by column name (null for an empty field).</summary>
internal sealed record OracleRow(string Key, IReadOnlyDictionary<string, object?> Values);

/// <summary>
/// The value rules of the design for one row of each entity, in the order the README states them: an empty key,
/// then numbers, booleans and dates that do not parse. Written from the rules, not from the pipeline's SQL; the
/// result is the reject code, or the typed row.
/// </summary>
internal static partial class OracleRules
{
    /// <summary>The required columns of each entity (the README's raw formats), in the order values are kept.</summary>
    public static IReadOnlyList<string> Columns(Entity entity) => entity switch
    {
        Entity.Artists => ["id", "name", "artist_popularity", "followers", "genre_0", "genre_1", "genre_2", "genre_3", "genre_4", "genre_5", "genre_6"],
        Entity.Albums => ["track_id", "track_name", "track_number", "duration_ms", "album_type", "total_tracks", "album_name", "release_date", "label", "album_popularity", "album_id", "artist_id"],
        _ => ["id", "track_popularity", "explicit"],
    };

    /// <summary>Checks one row given its required fields by name; returns a reject code or the typed row.</summary>
    public static (string? Reject, OracleRow? Row) Check(Entity entity, IReadOnlyDictionary<string, string?> f) => entity switch
    {
        Entity.Artists => Artist(f),
        Entity.Albums => Album(f),
        _ => Track(f),
    };

    private static (string?, OracleRow?) Artist(IReadOnlyDictionary<string, string?> f)
    {
        if (IsEmpty(f["id"])) return ("empty_key", null);
        if (!Integer(f["artist_popularity"], int.MinValue, int.MaxValue, out var popularity)) return ("bad_number", null);
        if (!Integer(f["followers"], long.MinValue, long.MaxValue, out var followers)) return ("bad_number", null);
        var genres = Enumerable.Range(0, 7).Select(i => f["genre_" + i]).Where(g => g is not null && Trim(g) != "").Select(g => (object?)g).ToArray();
        return (null, new OracleRow(f["id"]!, new Dictionary<string, object?>
        {
            ["id"] = f["id"], ["name"] = f["name"], ["artist_popularity"] = popularity, ["followers"] = followers, ["genres"] = genres,
        }));
    }

    private static (string?, OracleRow?) Album(IReadOnlyDictionary<string, string?> f)
    {
        if (IsEmpty(f["track_id"]) || IsEmpty(f["artist_id"])) return ("empty_key", null);
        var numbers = new Dictionary<string, object?>();
        foreach (var column in new[] { "track_number", "duration_ms", "total_tracks", "album_popularity" })
        {
            if (!Integer(f[column], int.MinValue, int.MaxValue, out var value)) return ("bad_number", null);
            numbers[column] = value;
        }
        if (IsEmpty(f["release_date"])) return ("bad_date", null);
        var match = DatePattern().Match(Trim(f["release_date"]!));
        if (!match.Success) return ("bad_date", null);
        var text = match.Groups[1].Value;
        if (string.CompareOrdinal(text[..4], "1000") < 0) return ("bad_date", null);
        var day = text.Length switch { 4 => text + "-01-01", 7 => text + "-01", _ => text[..10] };
        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return ("bad_date", null);
        var values = new Dictionary<string, object?>(numbers)
        {
            ["track_id"] = f["track_id"], ["track_name"] = f["track_name"], ["album_type"] = f["album_type"], ["album_name"] = f["album_name"],
            ["label"] = f["label"], ["album_id"] = f["album_id"], ["artist_id"] = f["artist_id"], ["release_date"] = date,
            ["release_date_precision"] = text.Length switch { 4 => "year", 7 => "month", _ => "day" },
        };
        return (null, new OracleRow(f["track_id"]!, values));
    }

    private static (string?, OracleRow?) Track(IReadOnlyDictionary<string, string?> f)
    {
        if (IsEmpty(f["id"])) return ("empty_key", null);
        if (!Integer(f["track_popularity"], int.MinValue, int.MaxValue, out var popularity)) return ("bad_number", null);
        bool? flag = null;
        if (!IsEmpty(f["explicit"]))
        {
            var word = Trim(f["explicit"]!).ToLowerInvariant();
            if (word is not ("true" or "false")) return ("bad_boolean", null);
            flag = word == "true";
        }
        return (null, new OracleRow(f["id"]!, new Dictionary<string, object?> { ["id"] = f["id"], ["track_popularity"] = popularity, ["explicit"] = flag }));
    }

    /// <summary>An integer is optional; present, it is digits with an optional sign and an optional ".0", in range.</summary>
    private static bool Integer(string? field, long min, long max, out object? value)
    {
        value = null;
        if (IsEmpty(field)) return true;
        var match = IntegerPattern().Match(Trim(field!));
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return false;
        if (number < min || number > max) return false;
        value = max == int.MaxValue ? (int)number : number;
        return true;
    }

    private static bool IsEmpty(string? field) => field is null || Trim(field) == "";

    /// <summary>Blanks around a value do not count; the SQL's trim removes spaces.</summary>
    private static string Trim(string value) => value.Trim(' ');

    [GeneratedRegex(@"\A([+-]?[0-9]+)([.]0+)?\z")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"\A([0-9]{4}|[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2}( UTC)?)?)\z")]
    private static partial Regex DatePattern();
}
