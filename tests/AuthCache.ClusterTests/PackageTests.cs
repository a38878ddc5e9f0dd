using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary><c>dotnet pack Orleans.sln</c>, as a release does it, and what an adopter's package manager reads in each package.</summary>
public sealed class PackageTests
{
    private const string RepositoryUrl = "https://github.com/authcache/authcache";

    private static readonly string[] PackageIds = ["AuthCache.Core", "AuthCache.GrainInterfaces", "AuthCache.Grains", "AuthCache.AspNetCore", "AuthCache.Hosting"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Packs under a version of its own (NuGet never serves it from its cache of earlier runs), checks the packages,
    /// then builds the sample from them and calls it, as an adopter would.
    /// </summary>
    [Fact]
    public async Task Packing_the_solution_gives_the_five_licensed_documented_packages_with_their_symbols_and_no_warning_and_the_sample_runs_on_them()
    {
        var output = Directory.CreateTempSubdirectory("authcache-packages-");
        try
        {
            var version = XDocument.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("VersionPrefix").Single().Value + "-test." + Guid.NewGuid().ToString("N")[..8];
            var (exitCode, log) = await DotnetAsync(Path.GetDirectoryName(RepositoryFiles.PathOf("Orleans.sln"))!, "pack", RepositoryFiles.PathOf("Orleans.sln"), "-c", "Release", "-o", output.FullName, "-p:Version=" + version);

            Assert.True(exitCode == 0, log);
            Assert.DoesNotContain(log.Split('\n'), line => line.Contains("warning", StringComparison.OrdinalIgnoreCase) && line.Trim() != "0 Warning(s)");
            Assert.Equal(
                PackageIds.SelectMany(id => new[] { $"{id}.{version}.nupkg", $"{id}.{version}.snupkg" }).Order(StringComparer.Ordinal),
                output.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
            foreach (var id in PackageIds)
            {
                AssertPackage(Path.Combine(output.FullName, $"{id}.{version}.nupkg"), id, version);
                using var symbols = ZipFile.OpenRead(Path.Combine(output.FullName, $"{id}.{version}.snupkg"));
                Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
            }

            await SampleRunsOnThePackagesAsync(output.FullName, version);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task SampleRunsOnThePackagesAsync(string feed, string version)
    {
        var sample = RepositoryFiles.PathOf("samples/MinimalApi/MinimalApi.csproj");
        var built = Directory.CreateTempSubdirectory("authcache-sample-");
        try
        {
            var (exitCode, log) = await DotnetAsync(
                Path.GetDirectoryName(sample)!, "build", sample, "-c", "Release", "-o", built.FullName, "-p:AuthCacheVersion=" + version, "-p:RestoreAdditionalProjectSources=" + feed);
            Assert.True(exitCode == 0, log);
            Assert.DoesNotContain("AuthCache.Core.csproj", log, StringComparison.Ordinal);

            await using var issuer = await TestIssuer.StartAsync();
            await using var app = NodeProcess.Start("sample", Path.Combine(built.FullName, "MinimalApi.dll"), FreePort.Next(), new Dictionary<string, string>
            {
                ["AuthCache__Issuers__0__Issuer"] = issuer.Issuer,
                ["AuthCache__Issuers__0__RequireHttps"] = "false",
                ["Orleans__SiloPort"] = FreePort.Next().ToString(),
                ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
                ["Orleans__ClusterId"] = "sample-" + Guid.NewGuid().ToString("N")[..8],
            });
            var token = issuer.CreateToken("user_sample");
            HttpResponseMessage? answer = null;
            await Eventually.UntilAsync(
                Eventually.Probe(async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                    answer = await app.Http.SendAsync(request);
                    return answer.StatusCode == System.Net.HttpStatusCode.OK;
                }),
                TimeSpan.FromSeconds(60), "the sample answering a valid token", () => app.Describe());

            Assert.Equal("Hello user_sample", await answer!.Content.ReadAsStringAsync());
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.Http.GetAsync("/hello")).StatusCode);
        }
        finally
        {
            built.Delete(recursive: true);
        }
    }

    private static void AssertPackage(string path, string id, string version)
    {
        using var package = ZipFile.OpenRead(path);
        Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
        var metadata = ReadNuspec(package, id).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        Assert.Equal((id, version), (Value("id"), Value("version")));
        Assert.Equal(("expression", "MIT"), ((string?)Element("license").Attribute("type"), Value("license")));
        Assert.Equal(("git", RepositoryUrl), ((string?)Element("repository").Attribute("type"), (string?)Element("repository").Attribute("url")));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")), $"{id} has no description.");
        Assert.False(string.IsNullOrWhiteSpace(Value("tags")), $"{id} has no tags.");

        Assert.Equal("README.md", Value("readme"));
        using var readme = new StreamReader(package.GetEntry("README.md")!.Open(), Encoding.UTF8);
        Assert.StartsWith($"# {id}\n", readme.ReadToEnd().ReplaceLineEndings("\n"));
    }

    private static XDocument ReadNuspec(ZipArchive package, string id)
    {
        using var nuspec = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec);
    }

    private static async Task<(int ExitCode, string Log)> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Concat(["-nologo", "-tl:off", "-nodeReuse:false"]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PackTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments[0]} did not finish within {PackTimeout}.\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
