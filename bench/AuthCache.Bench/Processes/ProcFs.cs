using System.Runtime.InteropServices;

namespace AuthCache.Bench.Processes;

/// <summary>CPU time and memory of a process from Linux's /proc, as the kernel accounts them.</summary>
public static partial class ProcFs
{
    private const int ScClkTck = 2;

    /// <summary>Clock ticks per second of utime/stime (sysconf(_SC_CLK_TCK), 100 on Linux).</summary>
    public static long TicksPerSecond { get; } = OperatingSystem.IsLinux() ? Sysconf(ScClkTck) : 100;

    /// <summary>utime + stime of <paramref name="pid"/> in clock ticks (fields 14 and 15 of /proc/&lt;pid&gt;/stat).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces or parentheses: count fields from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    public static TimeSpan CpuTime(int pid) => TimeSpan.FromSeconds(CpuTicks(pid) / (double)TicksPerSecond);

    /// <summary>Peak resident set size (VmHWM of /proc/&lt;pid&gt;/status) in bytes.</summary>
    public static long PeakWorkingSetBytes(int pid) => StatusBytes(pid, "VmHWM:");

    /// <summary>Current resident set size (VmRSS of /proc/&lt;pid&gt;/status) in bytes.</summary>
    public static long WorkingSetBytes(int pid) => StatusBytes(pid, "VmRSS:");

    /// <summary>Freezes <paramref name="pid"/> (SIGSTOP) as a paused VM or a stalled node freezes it: its sockets stay open, it answers nothing.</summary>
    public static void Freeze(int pid) => Signal(pid, SigStop);

    /// <summary>Lets a frozen <paramref name="pid"/> run again (SIGCONT).</summary>
    public static void Thaw(int pid) => Signal(pid, SigCont);

    private const int SigCont = 18;
    private const int SigStop = 19;

    private static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line.");
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
