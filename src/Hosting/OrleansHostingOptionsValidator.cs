using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthCache.Hosting;

/// <summary>
/// Every problem of the <c>Orleans</c> section at once, without echoing the Redis connection string (it may hold a
/// password).
/// </summary>
internal sealed class OrleansHostingOptionsValidator : IValidateOptions<OrleansHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansHostingOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Orleans:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Orleans:ServiceId must not be empty.");
        }

        CheckPort(failures, "Orleans:SiloPort", options.SiloPort);
        CheckPort(failures, "Orleans:GatewayPort", options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add("Orleans:SiloPort and Orleans:GatewayPort must differ.");
        }

        if (options.PrimarySiloPort is { } primary)
        {
            CheckPort(failures, "Orleans:PrimarySiloPort", primary);
        }

        if (!string.IsNullOrWhiteSpace(options.AdvertisedIP) && !IPAddress.TryParse(options.AdvertisedIP, out _))
        {
            failures.Add(
                $"Orleans:AdvertisedIP '{options.AdvertisedIP}' is not an IP address (Kubernetes: set it from the pod "
                    + "IP).");
        }

        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            failures.Add("Orleans:GatewayListRefreshPeriod must be positive.");
        }

        if (options.Mode == OrleansMode.Client && !options.UsesRedis)
        {
            failures.Add(
                "Orleans:Mode is Client but Orleans:Redis:ConnectionString is not set: a client finds the silos "
                    + "through the Redis membership table.");
        }

        if (options.UsesRedis && !IsValidRedisConfiguration(options.Redis.ConnectionString!))
        {
            failures.Add("Orleans:Redis:ConnectionString is not a valid StackExchange.Redis configuration string.");
        }

        if (options.Tls.Enabled == true)
        {
            CheckFile(failures, "Orleans:Tls:CertificatePath", options.Tls.CertificatePath, required: true);
            CheckFile(failures, "Orleans:Tls:KeyPath", options.Tls.KeyPath, required: false);
            CheckFile(failures, "Orleans:Tls:CaPath", options.Tls.CaPath, required: true);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{key} must be between 1 and 65535 (was {port}).");
        }
    }

    private static void CheckFile(List<string> failures, string key, string? path, bool required)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            if (required)
            {
                failures.Add($"Orleans:Tls:Enabled is true but {key} is not set.");
            }
        }
        else if (!File.Exists(path))
        {
            failures.Add($"{key} '{path}' does not exist.");
        }
    }

    private static bool IsValidRedisConfiguration(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
