using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using AuthCache.ClusterTests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary><c>dotnet pack Orleans.sln</c>, as a release does it, and what an adopter's package manager reads in each package.</summary>
public sealed class PackageTests
{
    private const string RepositoryUrl = "https://github.com/authcache/authcache";

    private static readonly string[] PackageIds = ["AuthCache.Core", "AuthCache.GrainInterfaces", "AuthCache.Grains", "AuthCache.AspNetCore", "AuthCache.Hosting"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Packing_the_solution_gives_the_five_licensed_documented_packages_with_their_symbols_and_no_warning()
    {
        var output = Directory.CreateTempSubdirectory("authcache-packages-");
        try
        {
            var (exitCode, log) = await PackAsync(RepositoryFiles.PathOf("Orleans.sln"), output.FullName);

            Assert.True(exitCode == 0, log);
            Assert.DoesNotContain(log.Split('\n'), line => line.Contains("warning", StringComparison.OrdinalIgnoreCase) && line.Trim() != "0 Warning(s)");
            var version = XDocument.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
            Assert.Equal(
                PackageIds.SelectMany(id => new[] { $"{id}.{version}.nupkg", $"{id}.{version}.snupkg" }).Order(StringComparer.Ordinal),
                output.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
            foreach (var id in PackageIds)
            {
                AssertPackage(Path.Combine(output.FullName, $"{id}.{version}.nupkg"), id, version);
                using var symbols = ZipFile.OpenRead(Path.Combine(output.FullName, $"{id}.{version}.snupkg"));
                Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
            }
        }
        finally
        {
            output.Delete(recursive: true);
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

    private static async Task<(int ExitCode, string Log)> PackAsync(string solution, string outputDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "pack", solution, "-c", "Release", "-o", outputDirectory, "-nologo", "-tl:off", "-nodeReuse:false" },
            WorkingDirectory = Path.GetDirectoryName(solution)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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
            throw new TimeoutException($"dotnet pack did not finish within {PackTimeout}.\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
