using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>
/// A newcomer's first <c>dotnet run --project src/ApiHost</c>: the built API host in Development with no configuration
/// (only its ports are free ones, so the test does not collide with other processes on the machine), followed the
/// README's way, then stopped as Ctrl+C stops it.
/// </summary>
public sealed partial class FirstRunTests
{
    // The README's example admin key, as appsettings.Development.json ships it.
    private const string DevelopmentAdminKey = "dev-admin-key";

    [Fact]
    public async Task A_first_run_in_development_serves_the_readme_flow_and_logs_no_warning_and_no_exception()
    {
        var port = FreePort.Next();
        await using var host = NodeProcess.Start("api-first-run", NodeProcess.ApiHostAssembly, port, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
        });
        await Eventually.UntilAsync(
            Eventually.Probe(async () => (await host.Http.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK),
            LocalCluster.StartTimeout, "the API host serving", () => host.Describe());

        using var home = await host.Http.GetAsync("/");
        var page = WebUtility.HtmlDecode(await home.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        var links = Links(page);
        foreach (var route in new[] { "/dev/token", "/api/v1/me", "/api/v1/cache/stats", "/dashboard/", "/health/ready", "https://github.com/authcache/authcache#readme" })
        {
            Assert.Contains(route, links);
        }

        var curl = $"curl -s -H \"Authorization: Bearer $(curl -s {host.BaseUrl}/dev/token)\" {host.BaseUrl}/api/v1/me";
        Assert.Contains(curl, page);
        Assert.Contains(host.Output, line => line.Contains(curl, StringComparison.Ordinal));

        // The curl line, then every other route the page links, with the credentials the page and the README give.
        var token = await host.Http.GetStringAsync("/dev/token");
        var me = await MeResponse.GetAsync(host, token);
        Assert.Equal((HttpStatusCode.OK, "user_dev"), (me.Status, me.Subject));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, "/api/v1/cache/stats", request => request.Headers.Add("X-Admin-Key", DevelopmentAdminKey)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, "/dashboard/", request =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("dev:" + DevelopmentAdminKey)))));
        Assert.Equal("Healthy", (await HealthResponse.GetAsync(host, "/health/ready")).Report);

        await host.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, host.ExitCode);
        var log = host.Output.ToList();
        Assert.Contains(log, line => line.Contains("Application is shutting down", StringComparison.Ordinal));
        var problems = log.Where(line => line.StartsWith("warn:", StringComparison.Ordinal)
            || line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal)
            || line.Contains("Exception", StringComparison.Ordinal)
            || StackFrame().IsMatch(line)).ToList();
        Assert.True(problems.Count == 0, "The first run logged:\n" + string.Join('\n', problems));
    }

    private static async Task<HttpStatusCode> StatusAsync(NodeProcess host, string path, Action<HttpRequestMessage> authenticate)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        authenticate(request);
        using var response = await host.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static HashSet<string> Links(string page) => Href().Matches(page).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    [GeneratedRegex(@"^\s+at \S+\(")]
    private static partial Regex StackFrame();
}
