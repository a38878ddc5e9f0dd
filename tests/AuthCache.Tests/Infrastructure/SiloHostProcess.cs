using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The real silo host (<c>src/Silo</c>, as built next to the tests) running as its own process on 127.0.0.1,
/// with its console output kept for diagnostics.
/// </summary>
public sealed class SiloHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloHostProcess(Process process, string baseUrl, int gatewayPort)
    {
        _process = process;
        BaseUrl = baseUrl;
        GatewayPort = gatewayPort;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }

    public int GatewayPort { get; }

    public HttpClient Http { get; }

    public IReadOnlyCollection<string> Output => _output;

    public static async Task<SiloHostProcess> StartAsync(string clusterId, IDictionary<string, string?> settings)
    {
        var assembly = typeof(SiloHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SiloHostAssembly").Value!;
        var (httpPort, siloPort, gatewayPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        var configuration = new Dictionary<string, string?>(settings)
        {
            ["Orleans:SiloPort"] = siloPort.ToString(),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(),
            ["Orleans:ClusterId"] = clusterId,
        };
        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The silo host did not start.");
        var silo = new SiloHostProcess(process, $"http://127.0.0.1:{httpPort}", gatewayPort);
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitUntilLiveAsync();
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    // Kestrel starts after the silo, so a live web side means a running silo.
    private async Task WaitUntilLiveAsync()
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The silo host exited: " + string.Join(Environment.NewLine, _output));
            }

            try
            {
                if ((await Http.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The silo host did not come up: " + string.Join(Environment.NewLine, _output));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
