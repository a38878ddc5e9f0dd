using System.Diagnostics;

namespace AuthCache.Bench.Processes;

/// <summary>
/// Every child this runner started, so that an interrupted run (Ctrl+C, a crash) still kills them, each by its
/// own id, and leaves nothing listening.
/// </summary>
public static class ChildProcesses
{
    private static readonly HashSet<Process> Children = [];

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Track(Process process)
    {
        lock (Children)
        {
            Children.Add(process);
        }
    }

    public static void Untrack(Process process)
    {
        lock (Children)
        {
            Children.Remove(process);
        }
    }

    private static void KillAll()
    {
        lock (Children)
        {
            foreach (var child in Children)
            {
                try
                {
                    if (!child.HasExited)
                    {
                        child.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                }
            }

            Children.Clear();
        }
    }
}
