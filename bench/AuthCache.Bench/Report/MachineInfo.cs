using System.Diagnostics;

namespace AuthCache.Bench.Report;

/// <summary>The machine the figures come from, read from /proc and the SDK.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, long MemoryBytes, string DotnetVersion, string Kernel)
{
    public static async Task<MachineInfo> ReadAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim() : "unknown";
        return new MachineInfo(Environment.ProcessorCount, cpu, long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024, await DotnetVersionAsync(), kernel);
    }

    /// <summary>The three load averages of /proc/loadavg (1, 5, 15 minutes).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public static double OneMinuteLoad() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> DotnetVersionAsync()
    {
        var info = new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var version = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return version.Trim();
    }
}
