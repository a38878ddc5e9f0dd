using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AuthCache.Tests.Documentation;

/// <summary>
/// The project graph of docs/architecture.md is the <c>ProjectReference</c>s of the projects under <c>src/</c>: an
/// edge added or removed in a <c>.csproj</c> and not in the graph (or the other way round) fails here.
/// </summary>
public sealed partial class ArchitectureDocumentTests
{
    [Fact]
    public void The_project_graph_is_exactly_the_project_references_of_the_projects_under_src()
    {
        var documented = GraphEdges(File.ReadAllText(CSharpSnippet.RepositoryFile("docs/architecture.md")));

        var referenced = ProjectReferences(CSharpSnippet.RepositoryFile("src"));

        Assert.NotEmpty(referenced);
        Assert.Equal(referenced.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Only_the_edges_of_the_first_mermaid_graph_count_and_node_declarations_are_not_edges()
    {
        var edges = GraphEdges("""
            Text with A --> B outside any block.

            ```mermaid
            graph TD
                ApiHost["src/ApiHost<br/>the host"]
                ApiHost --> Core
                Core --> GrainInterfaces
            ```

            ```mermaid
            sequenceDiagram
                Resolver->>Grain: ValidateAsync
            ```
            """);

        Assert.Equal(["ApiHost --> Core", "Core --> GrainInterfaces"], edges);
    }

    /// <summary>
    /// The <c>A --> B</c> lines of the document's first <c>```mermaid</c> block that is a <c>graph</c>.
    /// </summary>
    public static List<string> GraphEdges(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            var graph = lines[i].Trim() == "```mermaid"
                && lines[i + 1].TrimStart().StartsWith("graph", StringComparison.Ordinal);
            if (!graph)
            {
                continue;
            }

            return lines.Skip(i + 2)
                .TakeWhile(line => line.Trim() != "```")
                .Select(line => Edge().Match(line))
                .Where(edge => edge.Success)
                .Select(edge => $"{edge.Groups["from"].Value} --> {edge.Groups["to"].Value}")
                .ToList();
        }

        return [];
    }

    /// <summary>Each project folder under <paramref name="src"/> to each project folder it references.</summary>
    private static List<string> ProjectReferences(string src) =>
        Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories)
            .SelectMany(project => XDocument.Load(project).Descendants("ProjectReference").Select(reference =>
            {
                var target = reference.Attribute("Include")!.Value.Replace('\\', '/');
                var from = Path.GetFileName(Path.GetDirectoryName(project))!;
                var to = Path.GetFileName(Path.GetDirectoryName(target))!;
                return $"{from} --> {to}";
            }))
            .ToList();

    [GeneratedRegex(@"^\s*(?<from>\w+)\s*-->\s*(?<to>\w+)\s*$")]
    private static partial Regex Edge();
}
