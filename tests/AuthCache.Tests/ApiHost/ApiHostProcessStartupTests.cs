using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AuthCache.ApiHost;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.ApiHost;

/// <summary>
/// The real API host process, with the console logging of <c>dotnet run</c>: a start-up mistake is reported in its
/// one line, with no stack trace and no report of an unhandled exception, and the process exits with code 1.
/// </summary>
public sealed partial class ApiHostProcessStartupTests
{
    [Fact]
    public async Task A_silo_port_already_in_use_exits_with_code_1_after_one_line_naming_the_port_and_the_setting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync(new()
        {
            ["Orleans__SiloPort"] = port.ToString(CultureInfo.InvariantCulture),
        });

        AssertOneLineAndExitCode1(
            exitCode,
            output,
            $"Orleans:SiloPort {port} is already in use on this machine (another silo or API host with the same ports?): "
            + "give this process free ports with Orleans:SiloPort (environment Orleans__SiloPort).");
    }

    [Fact]
    public async Task An_Authority_that_is_no_trusted_issuer_exits_with_code_1_after_one_line_that_says_how_to_fix_it()
    {
        var (exitCode, output) = await RunAsync(new()
        {
            ["AuthCache__Issuers__0__Issuer"] = "https://issuer.example",
            ["Authentication__Schemes__Bearer__Authority"] = "https://other.example",
        });

        AssertOneLineAndExitCode1(
            exitCode,
            output,
            "The JwtBearer scheme 'Bearer' uses AuthCache: its Authority \"https://other.example\" is none of AuthCache:Issuers (\"https://issuer.example\")");
    }

    private static void AssertOneLineAndExitCode1(int exitCode, IReadOnlyCollection<string> output, string message)
    {
        var report = string.Join('\n', output);
        Assert.True(exitCode == 1, $"exit code {exitCode}, output:\n{report}");
        Assert.Single(output, line => line.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => StackFrame().IsMatch(line));
        Assert.DoesNotContain(output, line => line.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, IReadOnlyCollection<string> Output)> RunAsync(Dictionary<string, string> environment)
    {
        var assembly = typeof(ApiHostComposition).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Orleans__ClusterId"] = "process-" + Guid.NewGuid().ToString("N");
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        start.Environment["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The API host did not stop within 120 s of a start-up mistake:\n" + string.Join('\n', output));
        }

        // The exit is seen before the last redirected lines are read: this waits for the end of both streams.
        process.WaitForExit();
        return (process.ExitCode, output);

        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
            }
        }
    }

    [GeneratedRegex(@"^\s+at \S")]
    private static partial Regex StackFrame();
}
