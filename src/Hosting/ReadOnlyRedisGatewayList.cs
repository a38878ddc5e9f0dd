using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using StackExchange.Redis;

namespace AuthCache.Hosting;

/// <summary>
/// An Orleans client's list of gateways, read from the silos' Redis membership hash with <c>HGETALL</c> and nothing
/// else. Orleans' own Redis gateway list also writes the table's version row when it starts, so an API host would
/// need write access to the membership table; with this one its Redis user can be limited to reading that one key
/// (deploy/README.md shows the ACL).
/// </summary>
internal sealed class ReadOnlyRedisGatewayList(
    OrleansHostingOptions options,
    IOptions<ClusterOptions> cluster,
    IOptions<GatewayOptions> gateways) : IGatewayListProvider, IAsyncDisposable
{
    // Orleans' SiloStatus.Active, as its Redis membership table serialises it.
    private const int ActiveStatus = 3;

    private readonly RedisKey _membershipKey = $"{cluster.Value.ServiceId}/members/{cluster.Value.ClusterId}";
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public TimeSpan MaxStaleness => gateways.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public async Task InitializeGatewayListProvider() => await ConnectAsync();

    public async Task<IList<Uri>> GetGateways()
    {
        var connection = await ConnectAsync();
        var rows = await connection.GetDatabase().HashGetAllAsync(_membershipKey);
        return rows
            .Where(row => row.Name != "Version" && row.Value.HasValue)
            .Select(row => ActiveGateway(row.Value.ToString()))
            .OfType<Uri>()
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    /// <summary>
    /// The gateway of an Active silo's row, or null for any other row (or one this version cannot read).
    /// </summary>
    internal static Uri? ActiveGateway(string row)
    {
        try
        {
            using var document = JsonDocument.Parse(row);
            var entry = document.RootElement;
            if (entry.GetProperty("Status").GetInt32() != ActiveStatus
                || entry.GetProperty("ProxyPort").GetInt32() is not (> 0 and var proxyPort))
            {
                return null;
            }

            var silo = SiloAddress.FromParsableString(
                entry.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!);
            return SiloAddress.New(silo.Endpoint.Address, proxyPort, silo.Generation).ToGatewayUri();
        }
        catch (Exception ex)
            when (ex
                    is JsonException
                        or KeyNotFoundException
                        or InvalidOperationException
                        or FormatException
                        or ArgumentException)
        {
            return null;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_connection is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync();
        try
        {
            return _connection ??= await ConnectionMultiplexer.ConnectAsync(ReadOnlyConfiguration());
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// StackExchange.Redis asks for the server's role and configuration, and listens on a channel, when it connects;
    /// a user allowed only <c>HGETALL</c> would see each refused. Those commands serve replicated set-ups that pick a
    /// primary to write to, and this connection never writes.
    /// </summary>
    private ConfigurationOptions ReadOnlyConfiguration()
    {
        var configuration = RedisConfiguration.From(options);
        configuration.CommandMap = CommandMap.Create(
            [
                "INFO",
                "CONFIG",
                "CLUSTER",
                "SUBSCRIBE",
                "UNSUBSCRIBE",
                "PSUBSCRIBE",
                "PUNSUBSCRIBE",
                "GET",
                "SET",
                "PUBLISH",
            ],
            available: false);
        configuration.TieBreaker = string.Empty;
        configuration.ConfigurationChannel = string.Empty;
        return configuration;
    }
}
