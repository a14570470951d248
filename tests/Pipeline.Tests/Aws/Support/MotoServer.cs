using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Xunit;

namespace SpotifyWorker.Pipeline.Tests.Aws.Support;

/// <summary>
/// A moto server (moto_server on PATH) on a free loopback port, one per test class. Tests reset it between them
/// with <see cref="ResetAsync"/>; moto's state transitions (Glue job runs, crawls, Athena queries) are set here.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? _process;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    static MotoServer()
    {
        // The CLI's host resolves credentials through the SDK's default chain, which reads these.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        Environment.SetEnvironmentVariable("AWS_REGION", Region);
    }

    public async ValueTask InitializeAsync()
    {
        for (var attempt = 0; attempt < 3 && _process is null; attempt++)
        {
            Port = FreePort();
            var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("moto_server (moto 5.2.1) must be on PATH for the AWS integration tests: pip install 'moto[server]==5.2.1'", e);
            }
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await AnswersAsync(process)) _process = process;
            else StopProcess(process);
        }
        if (_process is null) throw new InvalidOperationException("moto_server did not answer on a loopback port within 30 s (three tries)");
    }

    private async Task<bool> AnswersAsync(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await Http.GetAsync(Url + "/moto-api/data.json");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>Forgets every resource and transition, so each test starts from an empty account.</summary>
    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(Url + "/moto-api/reset", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Sets how a moto model (glue::job_run, glue::crawl, athena::execution) moves between states: "immediate"
    /// (straight to the last state), or "manual" with a huge count to hold it in its first state.
    /// </summary>
    public async Task SetTransitionAsync(string model, string progression, int times = 1_000_000)
    {
        object transition = progression == "manual" ? new { progression, times } : new { progression };
        using var response = await Http.PostAsync(Url + "/moto-api/state-manager/set-transition", Json(new { model_name = model, transition }));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Queues canned Athena results: the next query execution that asks for results gets them.</summary>
    public async Task AddAthenaResultsAsync(IReadOnlyList<(string Name, string Type)> columns, IEnumerable<string?[]> rows)
    {
        var body = new
        {
            account_id = "123456789012",
            region = Region,
            results = new[]
            {
                new
                {
                    rows = rows.Select(r => new { Data = r.Select(v => v is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["VarCharValue"] = v }).ToArray() }).ToArray(),
                    column_info = columns.Select(c => new { Name = c.Name, Label = c.Name, Type = c.Type, Nullable = "UNKNOWN", CaseSensitive = false, CatalogName = "hive", SchemaName = "", TableName = "", Precision = 0, Scale = 0 }).ToArray(),
                },
            },
        };
        using var response = await Http.PostAsync(Url + "/moto-api/static/athena/query-results", Json(body));
        if (response.StatusCode != HttpStatusCode.Created) response.EnsureSuccessStatusCode();
    }

    // moto's API reads Content-Length, so the body is sent whole rather than chunked.
    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    public ValueTask DisposeAsync()
    {
        if (_process is not null) StopProcess(_process);
        _process = null;
        return ValueTask.CompletedTask;
    }

    private static void StopProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
