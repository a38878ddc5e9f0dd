namespace AuthCache.Bench.Systems;

/// <summary>
/// Starts a system, again with fresh ports when one of its processes could not bind: a port the OS handed out a
/// moment ago (<see cref="Processes.FreePort"/>) can be taken by another process's outgoing connection before the
/// child binds it, more often on a busy machine.
/// </summary>
public static class SystemStart
{
    private const int Attempts = 3;

    public static async Task<RunningSystem> StartAsync(ISystemUnderTest system, SystemContext context)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await system.StartAsync(context);
            }
            catch (Exception ex) when (attempt < Attempts && ex is not SystemUnavailableException && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine($"  {system.Name}: a port was taken before a process bound it; starting again with fresh ports");
            }
        }
    }
}
