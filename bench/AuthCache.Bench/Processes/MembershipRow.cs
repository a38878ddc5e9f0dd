using System.Globalization;
using System.Text.Json;

namespace AuthCache.Bench.Processes;

/// <summary>A silo's entry in the membership table: its silo port and its status, named as Orleans' <c>SiloStatus</c>.</summary>
public sealed record MembershipRow(int SiloPort, string Status)
{
    public const string Active = "Active";
    public const string Dead = "Dead";

    private static readonly Dictionary<int, string> Statuses = new() { [1] = "Created", [2] = "Joining", [3] = Active, [4] = "ShuttingDown", [5] = "Stopping", [6] = Dead };

    /// <summary>Parses an entry such as <c>{"SiloAddress":{"SiloAddress":"127.0.0.1:11111@123456"},"Status":3,…}</c>.</summary>
    public static MembershipRow Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var entry = document.RootElement;
        var address = entry.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString() ?? "";
        var status = entry.GetProperty("Status").GetInt32();
        var endpoint = address.Split('@')[0];
        return new MembershipRow(
            int.TryParse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture, out var port) ? port : 0,
            Statuses.GetValueOrDefault(status, status.ToString(CultureInfo.InvariantCulture)));
    }
}
