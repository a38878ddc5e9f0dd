using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// A private Prometheus server (Debian's <c>prometheus</c> package) on a free 127.0.0.1 port, scraping the given
/// targets every second, evaluating the given rule files every second, its data in a temporary directory. Started
/// here, killed and deleted at dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _output = [];

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    /// <param name="targets">host:port of each process to scrape at <c>/metrics</c>.</param>
    /// <param name="labels">Target labels, as Kubernetes service discovery would add them (namespace).</param>
    public static async Task<PrometheusServer> StartAsync(IEnumerable<string> targets, IEnumerable<string> ruleFiles, IReadOnlyDictionary<string, string> labels)
    {
        var directory = Directory.CreateTempSubdirectory("authcache-prometheus-").FullName;
        var port = FreePort.Next();
        var config = new
        {
            global = new { scrape_interval = "1s", scrape_timeout = "1s", evaluation_interval = "1s" },
            rule_files = ruleFiles.ToArray(),
            scrape_configs = new[]
            {
                new
                {
                    job_name = "authcache",
                    metrics_path = "/metrics",
                    static_configs = new[] { new { targets = targets.ToArray(), labels } },
                },
            },
        };

        // Prometheus reads YAML, of which JSON is a subset.
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config));
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + Path.Combine(directory, "data"),
                "--web.listen-address=127.0.0.1:" + port,
            },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y prometheus (.ci/run does this).", ex);
        }

        var server = new PrometheusServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await server.Http.GetAsync("/-/ready")).IsSuccessStatusCode),
            TimeSpan.FromSeconds(60),
            "Prometheus ready",
            server.Describe);
        return server;
    }

    /// <summary>The <c>data</c> of a successful API answer (<c>/api/v1/...</c>).</summary>
    public async Task<JsonElement> ApiAsync(string pathAndQuery)
    {
        var answer = await Http.GetFromJsonAsync<JsonElement>(pathAndQuery);
        Assert.True(answer.GetProperty("status").GetString() == "success", $"{pathAndQuery}: {answer}");
        return answer.GetProperty("data");
    }

    /// <summary>Evaluates an instant query; an expression Prometheus refuses fails the test with its error.</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await Http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expression));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("status").GetString() == "success", $"Prometheus refused {expression}: {answer}");
        return answer.GetProperty("data").GetProperty("result");
    }

    public string Describe()
    {
        lock (_output)
        {
            return "--- prometheus, last output:\n" + string.Join('\n', _output.TakeLast(40));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
