using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AuthCache.Tests.Documentation;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Providers;

/// <summary>
/// A real <c>oidc-provider</c> (the OpenID-certified Node.js server) on 127.0.0.1, run by <c>node</c> from
/// <c>tests/AuthCache.Tests/Providers/oidc-provider</c>, whose packages <c>npm ci</c> installs there: the client
/// credentials grant with resource indicators, JWT access tokens for one resource server. Its issuer has no trailing
/// slash and it publishes its keys at <c>{issuer}/jwks</c>.
/// </summary>
public sealed class NodeOidcProvider : IOidcTestProvider
{
    public const string Client = "orders-client";
    public const string Secret = "oidc-provider-test-secret";
    public const string Audience = "urn:orders-api";

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan InstallBound = TimeSpan.FromMinutes(5);

    private static readonly string ServerDirectory = CSharpSnippet.RepositoryFile("tests/AuthCache.Tests/Providers/oidc-provider");

    // Once per test run: a fresh clone has no node_modules, and `dotnet test` alone must be enough.
    private static readonly Lazy<Task> Packages = new(InstallPackagesAsync);

    private readonly Process _process;
    private readonly string _keysFile;
    private int _disposed;

    private NodeOidcProvider(Process process, string keysFile, int port)
    {
        _process = process;
        _keysFile = keysFile;
        Port = port;
    }

    public int Port { get; }

    public string Issuer => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// Starts the server with <paramref name="signingKeys"/> published, signing with the first; on
    /// <paramref name="port"/> to restart a stopped one at the same address with another key set.
    /// </summary>
    /// <summary>The packages of the committed lock file, installed with <c>npm ci</c> when they are not yet there.</summary>
    private static async Task InstallPackagesAsync()
    {
        if (Directory.Exists(Path.Combine(ServerDirectory, "node_modules", "oidc-provider")))
        {
            return;
        }

        var install = new ProcessStartInfo("npm")
        {
            WorkingDirectory = ServerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            install.ArgumentList.Add(argument);
        }

        using var process = Process.Start(install) ?? throw new InvalidOperationException("npm did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(InstallBound);
        await process.WaitForExitAsync(bound.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {ServerDirectory} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    public static async Task<NodeOidcProvider> StartAsync(IReadOnlyList<RsaSecurityKey> signingKeys, int? port = null)
    {
        await Packages.Value;
        var listenOn = port ?? FreePort.Next();
        var keysFile = Path.Combine(Path.GetTempPath(), "oidc-provider-keys-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(keysFile, JsonSerializer.Serialize(new { keys = signingKeys.Select(PrivateJwk) }));

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ServerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.js");
        start.ArgumentList.Add(listenOn.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(keysFile);
        var output = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line == "ready")
                {
                    ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            "oidc-provider exited before listening (are its packages installed? run `npm ci` in tests/AuthCache.Tests/Providers/oidc-provider): "
            + string.Join(Environment.NewLine, output)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var provider = new NodeOidcProvider(process, keysFile, listenOn);
        try
        {
            await ready.Task.WaitAsync(StartBound);

            // Ready as a running provider is: its first answers, slow on a busy machine, are behind it.
            using var http = new HttpClient();
            await http.GetStringAsync(await provider.JwksUriAsync());
            return provider;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>An access token from the real token endpoint (client credentials grant, the orders resource).</summary>
    public async Task<string> RequestTokenAsync()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "orders" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(Client + ":" + Secret)));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {string.Join(", ", body ?? [])}");
        return body!["access_token"].ToString()!;
    }

    /// <summary>The <c>jwks_uri</c> its discovery document names.</summary>
    public async Task<string> JwksUriAsync()
    {
        using var http = new HttpClient();
        var document = await http.GetFromJsonAsync<Dictionary<string, object>>(Issuer + "/.well-known/openid-configuration");
        return document!["jwks_uri"].ToString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        File.Delete(_keysFile);
    }

    private static Dictionary<string, string> PrivateJwk(RsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: true)));
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["kid"] = key.KeyId,
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["n"] = jwk.N,
            ["e"] = jwk.E,
            ["d"] = jwk.D,
            ["p"] = jwk.P,
            ["q"] = jwk.Q,
            ["dp"] = jwk.DP,
            ["dq"] = jwk.DQ,
            ["qi"] = jwk.QI,
        };
    }
}
