namespace AuthCache.Tests.Documentation;

/// <summary>
/// Every relative link of the README, of docs/ and of the other readmes leads to a file of the repository, and an
/// anchor to a heading of it (see <see cref="MarkdownLinks"/>), so moving a section cannot leave a link behind.
/// </summary>
public sealed class DocumentationLinkTests : IDisposable
{
    private readonly DirectoryInfo _sample = Directory.CreateTempSubdirectory("authcache-links-");

    public static TheoryData<string> Documents()
    {
        var root = CSharpSnippet.RepositoryFile("");
        var documents = new TheoryData<string>
        {
            "README.md", "deploy/README.md", "bench/README.md", "samples/README.md",
        };
        foreach (var file in Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
                     .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
                     .Order(StringComparer.Ordinal))
        {
            documents.Add(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'));
        }

        return documents;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_leads_to_a_file_of_the_repository_and_to_a_heading_of_it(string document)
    {
        var broken = MarkdownLinks.Broken(CSharpSnippet.RepositoryFile(""), document);

        Assert.True(broken.Count == 0, string.Join(Environment.NewLine, broken));
    }

    [Fact]
    public void Links_to_a_missing_file_a_missing_heading_or_outside_the_repository_are_reported_with_their_line()
    {
        Directory.CreateDirectory(Path.Combine(_sample.FullName, "docs"));
        File.WriteAllText(Path.Combine(_sample.FullName, "docs", "guide.md"), """
            # A guide

            ## Cluster mode: 2 silos, on `one` machine

            ## Cluster mode: 2 silos, on `one` machine

            <a id="explicit"></a>Text.
            """);
        File.WriteAllText(Path.Combine(_sample.FullName, "README.md"), """
            # Sample

            [fine](docs/guide.md#cluster-mode-2-silos-on-one-machine), [id](docs/guide.md#explicit)
            [repeat](docs/guide.md#cluster-mode-2-silos-on-one-machine-1), [folder](docs), [here](#sample)
            [site](https://example.com/x.md#nowhere)
            [gone](docs/missing.md)
            [no heading](docs/guide.md#layout)
            [outside](../shared/seed/notes.md)
            `[in code](docs/also-missing.md)`

            ```bash
            [in a block](docs/missing-too.md)
            ```
            """);

        var broken = MarkdownLinks.Broken(_sample.FullName, "README.md");

        Assert.Equal(
            [
                "README.md:6: (docs/missing.md) names no file or folder",
                "README.md:7: (docs/guide.md#layout) names no heading of that document",
                "README.md:8: (../shared/seed/notes.md) points outside the repository",
            ],
            broken);
    }

    public void Dispose() => _sample.Delete(recursive: true);
}
