using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>
/// The AWS JSON 1.1 wire format: member names as the API model spells them (PascalCase, as the SDK's
/// properties), absent members omitted, timestamps as epoch seconds.
/// </summary>
public static class AwsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
        Converters = { new EpochSecondsConverter() },
    };

    /// <summary>Epoch seconds (what AWS sends) or an ISO 8601 string (what some emulators send).</summary>
    private sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Number => DateTimeOffset.UnixEpoch.AddTicks((long)(reader.GetDouble() * TimeSpan.TicksPerSecond)),
            JsonTokenType.String => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new JsonException($"Expected a timestamp, found {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue((value - DateTimeOffset.UnixEpoch).TotalSeconds);
    }
}
