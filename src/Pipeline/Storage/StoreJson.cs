using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SpotifyWorker.Pipeline.Storage;

/// <summary>JSON documents in the lake (log entries, checkpoints, lease, catalog): one format, one place.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StoreJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// The serializer's default options (one line, names as declared) with <see cref="PlainJsonContext"/>'s metadata
    /// only: the EMF line's values are objects, and for each one the serializer asks the resolver about every interface of
    /// its type (IParsable&lt;double&gt; and some seventy more), which a reflection fallback would answer at a cost. A
    /// type missing from the context fails the serialization (EmfMetricsTests).
    /// </summary>
    public static readonly JsonSerializerOptions Plain = new() { TypeInfoResolver = PlainJsonContext.Default };

    public static MemoryStream Serialize<T>(T value) => new(JsonSerializer.SerializeToUtf8Bytes(value, Options), writable: false);

    /// <summary>Reads and parses a JSON object; a document that does not parse fails naming its location.</summary>
    public static async Task<T> ReadJsonAsync<T>(this IObjectStore store, string key, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(stream, Options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{store.Describe(key)} holds JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{store.Describe(key)} is not a valid {typeof(T).Name} document: {e.Message}", e);
        }
    }

    /// <summary>Like <see cref="ReadJsonAsync{T}"/> but returns null (and the missing ETag) when the object does not exist.</summary>
    public static async Task<(T? Value, string? ETag)> TryReadJsonAsync<T>(this IObjectStore store, string key, CancellationToken cancellationToken)
        where T : class
    {
        var head = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        if (head is null) return (null, null);
        try
        {
            return (await store.ReadJsonAsync<T>(key, cancellationToken).ConfigureAwait(false), head.ETag);
        }
        catch (ObjectNotFoundException)
        {
            return (null, null);
        }
    }

    public static async Task<ObjectInfo> PutJsonAsync<T>(this IObjectStore store, string key, T value, CancellationToken cancellationToken)
    {
        using var content = Serialize(value);
        return await store.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
    }
}
