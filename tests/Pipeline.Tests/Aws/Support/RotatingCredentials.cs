using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Amazon.Runtime;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>
/// Temporary credentials as an ECS task role hands them out: each generation has its own access key and lives
/// the lifetime it is created with; the SDK's refreshing base class fetches the next one when the current expires.
/// The test's proxy reads the key off each request's signature and rejects expired (or revoked) generations
/// with ExpiredToken, as STS-issued credentials are rejected.
/// </summary>
public sealed partial class RotatingCredentials : RefreshingAWSCredentials
{
    private readonly TimeSpan _lifetime;

    public RotatingCredentials(TimeSpan lifetime)
    {
        _lifetime = lifetime;
        // The SDK refreshes ahead of expiry (minutes ahead by default); at test lifetimes of seconds that would
        // mean a new generation per request, so it refreshes exactly at expiry here.
        PreemptExpiryTime = TimeSpan.Zero;
        ExpirationBuffer = TimeSpan.Zero;
    }

    private readonly ConcurrentDictionary<string, DateTime> _expiry = new();
    private readonly ConcurrentDictionary<string, bool> _revoked = new();
    private int _generation;

    /// <summary>Access keys handed out so far, oldest first.</summary>
    public IReadOnlyList<string> Generations => [.. _expiry.OrderBy(e => e.Value).Select(e => e.Key)];

    protected override CredentialsRefreshState GenerateNewCredentials()
    {
        var key = $"ROTATING{Interlocked.Increment(ref _generation):D4}";
        var expires = DateTime.UtcNow + _lifetime;
        _expiry[key] = expires;
        return new CredentialsRefreshState(new ImmutableCredentials(key, "secret-" + key, "token-" + key), expires);
    }

    /// <summary>The service stops accepting this generation now, although the client still thinks it valid.</summary>
    public void Revoke(string accessKey) => _revoked[accessKey] = true;

    public DateTime ExpiryOf(string accessKey) => _expiry[accessKey];

    /// <summary>The access key a request was signed with, from its Authorization header.</summary>
    public static string? KeyOf(ProxiedRequest request) =>
        request.Headers.TryGetValue("Authorization", out var authorization) && CredentialPattern().Match(authorization) is { Success: true } match
            ? match.Groups[1].Value
            : null;

    /// <summary>Whether the service would reject the request: its key is revoked, or expired longer ago than <paramref name="grace"/>.</summary>
    public bool Rejects(ProxiedRequest request, TimeSpan grace) =>
        KeyOf(request) is { } key && (_revoked.ContainsKey(key) || (_expiry.TryGetValue(key, out var expires) && DateTime.UtcNow > expires + grace));

    [GeneratedRegex("Credential=([^/]+)/")]
    private static partial Regex CredentialPattern();
}
