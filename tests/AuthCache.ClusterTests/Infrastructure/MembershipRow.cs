using System.Text.Json;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>One silo's entry in the Redis membership hash <c>{ServiceId}/members/{ClusterId}</c>, as Orleans wrote it.</summary>
public sealed record MembershipRow(string SiloAddress, int SiloPort, int GatewayPort, string Status, string SiloName)
{
    // Orleans' SiloStatus values.
    private static readonly Dictionary<int, string> Statuses = new() { [1] = "Created", [2] = "Joining", [3] = "Active", [4] = "ShuttingDown", [5] = "Stopping", [6] = "Dead" };

    public static MembershipRow Parse(string json)
    {
        var entry = JsonDocument.Parse(json).RootElement;
        var address = entry.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!;
        var status = entry.GetProperty("Status").GetInt32();
        return new MembershipRow(
            address,
            int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@')]),
            entry.GetProperty("ProxyPort").GetInt32(),
            Statuses.GetValueOrDefault(status, status.ToString()),
            entry.GetProperty("SiloName").GetString()!);
    }
}
