using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>
/// One AuthCache process (a silo or an API host) started from the built assembly with <c>dotnet</c>, its
/// configuration in environment variables, its console output kept for diagnostics.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private const int MaxOutputLines = 2000;
    private const int Sigterm = 15;
    private const int Sigcont = 18;
    private const int Sigstop = 19;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(string name, Process process, string baseUrl)
    {
        Name = name;
        _process = process;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyCollection<string> Output => _output;

    public static string SiloAssembly => BuiltAssembly("SiloAssembly");

    public static string ApiHostAssembly => BuiltAssembly("ApiHostAssembly");

    public static NodeProcess Start(string name, string assembly, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var baseUrl = $"http://127.0.0.1:{httpPort}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // DOTNET_ENVIRONMENT would win over ASPNETCORE_ENVIRONMENT: keep the two equal.
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"];

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var node = new NodeProcess(name, process, baseUrl);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Like a crash or an OOM kill: no goodbye to the cluster.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod: the host shuts down gracefully (a silo leaves the membership table).</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        Signal(Sigterm);

        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIGTERM.\n{Describe()}");
        }
    }

    /// <summary>
    /// SIGSTOP: the process is frozen with its connections open, as a host cut off by a network partition or a long
    /// pause: it neither answers nor notices anything until <see cref="Resume"/>.
    /// </summary>
    public void Pause() => Signal(Sigstop);

    public void Resume() => Signal(Sigcont);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
    }

    public string Describe(int lines = 60) =>
        $"--- {Name} ({(HasExited ? $"exited {ExitCode}" : "running")}), last output:\n" + string.Join('\n', _output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > MaxOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited && SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Could not signal {Name} (errno {Marshal.GetLastWin32Error()}).");
        }
    }

    private static string BuiltAssembly(string key)
    {
        var path = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        var full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new FileNotFoundException($"{full} is missing: build the solution first (dotnet build Orleans.sln).", full);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
