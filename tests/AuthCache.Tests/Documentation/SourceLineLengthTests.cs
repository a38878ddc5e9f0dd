namespace AuthCache.Tests.Documentation;

/// <summary>
/// Every line of the C# sources under <c>src/</c> fits in 120 characters, so the code reads without scrolling in a
/// review or a side-by-side diff.
/// </summary>
public sealed class SourceLineLengthTests
{
    private const int MaxLineLength = 120;

    // These files are being split into smaller types; their long lines go with the split.
    private static readonly string[] NotYetWrapped =
    [
        "src/Grains/Revocation/RevocationListGrain.cs",
        "src/Grains/JwksGrain.cs",
        "src/Core/Revocation/RevocationSubscription.cs",
    ];

    [Fact]
    public void No_source_line_under_src_is_longer_than_120_characters()
    {
        var root = CSharpSnippet.RepositoryFile("");
        var files = SourceFiles(root).ToList();

        var offending = files
            .Where(file => !NotYetWrapped.Contains(file.Relative, StringComparer.Ordinal))
            .SelectMany(file => LongLines(file.Relative, File.ReadAllText(file.Path)))
            .ToList();

        Assert.NotEmpty(files);
        Assert.True(offending.Count == 0, "Lines over 120 characters:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void A_line_of_121_characters_is_reported_with_its_file_and_line_and_one_of_120_is_not()
    {
        var text = new string('a', MaxLineLength) + "\r\n" + new string('b', MaxLineLength + 1) + "\n";

        var offending = LongLines("src/Example.cs", text);

        Assert.Equal(["src/Example.cs:2 (121 characters)"], offending);
    }

    [Fact]
    public void The_files_left_out_for_now_still_exist()
    {
        var root = CSharpSnippet.RepositoryFile("");

        Assert.All(NotYetWrapped, relative => Assert.True(File.Exists(Path.Combine(root, relative)), relative));
    }

    private static IEnumerable<string> LongLines(string relative, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > MaxLineLength)
            {
                yield return $"{relative}:{i + 1} ({lines[i].Length} characters)";
            }
        }
    }

    private static IEnumerable<(string Relative, string Path)> SourceFiles(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(path => (Relative: Path.GetRelativePath(root, path).Replace('\\', '/'), Path: path))
            .Where(file => !file.Relative.Split('/').Any(part => part is "obj" or "bin"));
}
