using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SpotifyWorker.Pipeline.Aws.Http;

/// <summary>
/// The retry policy of the Glue and Athena clients: a total time cap outside, jittered exponential retries of
/// transient errors inside it, and a timeout per attempt innermost (a hung connection is a transient error too).
/// </summary>
public static class AwsRetryPipeline
{
    /// <summary>
    /// Where a call keeps the error that caused its latest retry: when the total time runs out during an attempt,
    /// that error (say ThrottlingException), not the cancelled attempt, is what the caller must be told.
    /// </summary>
    public static readonly ResiliencePropertyKey<StrongBox<Exception?>> LastRetriedError = new("aws.last-retried-error");

    public static ResiliencePipeline Create(AwsRetryOptions options, TimeProvider time, Action<Exception?, int, TimeSpan>? onRetry = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && IsTransient(e) && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(LastRetriedError, out var last)) last.Value = args.Outcome.Exception;
                    onRetry?.Invoke(args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>Throttling, 5xx, timeouts and broken connections; never access denied or validation errors.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        AwsServiceException aws => aws.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };
}
