using System.Globalization;
using AuthCache.Bench.Processes;

namespace AuthCache.Bench.Storm;

/// <summary>
/// What Redis has received at one moment, from <c>INFO stats</c> and <c>INFO commandstats</c>: every byte its
/// clients sent (<c>total_net_input_bytes</c>: commands with their payloads, so every write, plus the small read
/// requests) and the calls per command.
/// </summary>
public sealed record RedisTraffic(long InputBytes, IReadOnlyDictionary<string, long> Calls)
{
    public static async Task<RedisTraffic> ReadAsync(RedisServer redis)
    {
        var stats = Fields(await redis.CommandAsync("INFO", "stats"));
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in Fields(await redis.CommandAsync("INFO", "commandstats")))
        {
            // cmdstat_set:calls=12,usec=80,usec_per_call=6.67,…
            if (key.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                var count = value.Split(',').First(p => p.StartsWith("calls=", StringComparison.Ordinal))["calls=".Length..];
                calls[key["cmdstat_".Length..]] = long.Parse(count, CultureInfo.InvariantCulture);
            }
        }

        return new RedisTraffic(long.Parse(stats["total_net_input_bytes"], CultureInfo.InvariantCulture), calls);
    }

    /// <summary>What was received between <paramref name="before"/> and this.</summary>
    public RedisTraffic Since(RedisTraffic before) => new(
        InputBytes - before.InputBytes,
        Calls.Select(c => (c.Key, Count: c.Value - before.Calls.GetValueOrDefault(c.Key))).Where(c => c.Count > 0).ToDictionary(c => c.Key, c => c.Count, StringComparer.Ordinal));

    private static Dictionary<string, string> Fields(string info) =>
        info.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
}
