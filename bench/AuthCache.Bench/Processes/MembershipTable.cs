namespace AuthCache.Bench.Processes;

/// <summary>
/// One Orleans cluster's membership as its silos wrote it into Redis: the hash <c>{ServiceId}/members/{ClusterId}</c>,
/// one field per silo address whose value is the silo's entry (JSON), plus a <c>Version</c> field.
/// </summary>
public sealed class MembershipTable(RedisServer redis, string serviceId, string clusterId)
{
    private const string VersionField = "Version";

    public string Key => $"{serviceId}/members/{clusterId}";

    /// <summary>The server the table lives in, with the cluster's grain storage when the silos use it.</summary>
    public RedisServer Redis => redis;

    public async Task<IReadOnlyList<MembershipRow>> ReadAsync()
    {
        // redis-cli --raw prints a hash as alternate lines: a field, then its value (the entry is one line of JSON).
        var lines = (await redis.CommandAsync("HGETALL", Key)).Split('\n', StringSplitOptions.TrimEntries);
        var rows = new List<MembershipRow>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            if (lines[i] != VersionField && lines[i].Length > 0)
            {
                rows.Add(MembershipRow.Parse(lines[i + 1]));
            }
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="count"/> silos are Active; false if they are not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForActiveSilosAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!deadline.IsCancellationRequested)
        {
            if ((await ReadAsync()).Count(r => r.Status == MembershipRow.Active) >= count)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
