using AuthCache.Bench.Issuer;

namespace AuthCache.Bench.Systems;

/// <summary>What every system needs to start: the built binaries, the issuer to trust, and where to log.</summary>
public sealed record SystemContext(RepositoryLayout Layout, FakeClerkIssuer Issuer, string LogDirectory)
{
    /// <summary>The <c>X-Admin-Key</c> of every AuthCache process, so the harness can read <c>/api/v1/cache/stats</c>.</summary>
    public const string AdminKey = "bench-admin-7d2e94b1c05a";

    /// <summary>The Clerk webhook signing secret (<c>whsec_</c> + base64) of every AuthCache process, so the harness can send signed webhooks.</summary>
    public const string WebhookSecret = "whsec_YmVuY2gtY2xlcmstd2ViaG9vay1zaWduaW5nLXNlY3JldC0zMmI=";

    /// <summary>The same Production settings for every process: no development issuer, quiet request logging.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProductionEnvironment = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_URLS"] = "",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>
    /// The AuthCache settings of an API host or silo trusting the fake issuer (the keys docs/configuration.md
    /// documents), the near cache set explicitly so the report can say what each system ran with.
    /// </summary>
    public IEnumerable<string> AuthCacheArguments(bool nearCache) =>
    [
        $"--AuthCache:Issuers:0:Issuer={Issuer.Issuer}",
        "--AuthCache:Issuers:0:RequireHttps=false",
        $"--AuthCache:Issuers:0:AuthorizedParties:0={FakeClerkIssuer.AuthorizedParty}",
        $"--AuthCache:UserProfiles:BaseUrl={Issuer.BaseUrl}",
        $"--AuthCache:UserProfiles:SecretKey={FakeClerkIssuer.SecretKey}",
        $"--AuthCache:Admin:ApiKey={AdminKey}",
        $"--AuthCache:Webhooks:ClerkSigningSecret={WebhookSecret}",
        $"--AuthCache:NearCache:Enabled={(nearCache ? "true" : "false")}",
    ];

    private Task<DevCertificates>? _certificates;

    /// <summary>The run's mutual-TLS certificates, made on first use into the run's folder.</summary>
    /// <exception cref="SystemUnavailableException">They could not be made.</exception>
    public Task<DevCertificates> CertificatesAsync() => _certificates ??= DevCertificates.MakeAsync(Layout, Path.Combine(LogDirectory, "dev-certs"));

    public static IEnumerable<string> HttpArguments(int port) => ["--urls", $"http://127.0.0.1:{port}", "--environment", "Production"];
}
