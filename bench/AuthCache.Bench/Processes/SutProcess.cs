using System.Diagnostics;

namespace AuthCache.Bench.Processes;

/// <summary>
/// One process of a system under test, usually <c>dotnet &lt;dll&gt; args</c> started in the dll's folder (so its
/// appsettings.json applies), its output kept in a log file. Killed by its own id when disposed.
/// </summary>
public sealed class SutProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SutProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static SutProcess StartDotnet(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name}: {dll} does not exist (build with -c Release).", dll);
        }

        return Start(name, "dotnet", [dll, .. arguments], Path.GetDirectoryName(dll)!, environment, logDirectory);
    }

    public static SutProcess Start(string name, string executable, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var logPath = Path.Combine(logDirectory, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ChildProcesses.Track(process);
        return new SutProcess(name, process, log, logPath);
    }

    /// <summary>
    /// Polls <paramref name="url"/> until it answers 2xx (with a body containing <paramref name="expectedBody"/>
    /// when given); fails fast if the process exits.
    /// </summary>
    public async Task WaitUntilReadyAsync(Uri url, TimeSpan timeout, string? expectedBody = null)
    {
        var last = "no answer";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} during start-up:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && (expectedBody is null || body.Contains(expectedBody, StringComparison.Ordinal)))
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode} {body}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.GetType().Name;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready at {url} within {timeout.TotalSeconds:0} s (last: {last}):{Environment.NewLine}{Tail()}");
    }

    /// <summary>For a process that does one job and exits: waits for it and fails unless it exits with 0.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not finish within {timeout.TotalMinutes:0} min:{Environment.NewLine}{Tail()}");
        }

        if (_process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:{Environment.NewLine}{Tail()}");
        }
    }

    /// <summary>
    /// Kills the process without warning (SIGKILL: <see cref="Process.Kill()"/> on Linux), as a crashed node or an
    /// evicted pod dies, and waits until it is gone.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public long CpuTicks() => ProcFs.CpuTicks(Pid);

    public long PeakWorkingSetBytes() => ProcFs.PeakWorkingSetBytes(Pid);

    /// <summary>The last lines of the process's output, for failure messages.</summary>
    public string Tail(int lines = 30)
    {
        lock (_log)
        {
            _log.Flush();
        }

        var all = File.ReadAllLines(LogPath);
        return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        ChildProcesses.Untrack(_process);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
