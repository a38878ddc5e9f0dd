namespace AuthCache.Tests.Documentation;

/// <summary>
/// Every line of the C# sources under <c>src/</c> fits in 120 characters, so the code reads without scrolling in a
/// review or a side-by-side diff, and no file is over 300 lines, so each stays one concern a reader can hold.
/// </summary>
public sealed class SourceShapeTests
{
    private const int MaxLineLength = 120;

    private const int MaxFileLines = 300;

    // The token grain keeps the silo's cache bookkeeping until one ledger owns it; that move brings it under the limit.
    private static readonly string[] OverLongUntilLedger = ["src/Grains/TokenValidationGrain.cs"];

    [Fact]
    public void No_source_line_under_src_is_longer_than_120_characters()
    {
        var root = CSharpSnippet.RepositoryFile("");
        var files = SourceFiles(root).ToList();

        var offending = files
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
    public void No_source_file_under_src_is_longer_than_300_lines()
    {
        var root = CSharpSnippet.RepositoryFile("");

        var offending = SourceFiles(root)
            .Select(file => (file.Relative, Lines: File.ReadAllText(file.Path).ReplaceLineEndings("\n").TrimEnd('\n')
                .Split('\n').Length))
            .Where(file => file.Lines > MaxFileLines)
            .Where(file => !OverLongUntilLedger.Contains(file.Relative, StringComparer.Ordinal))
            .Select(file => $"{file.Relative} ({file.Lines} lines)")
            .ToList();

        Assert.True(offending.Count == 0, "Files over 300 lines:\n" + string.Join("\n", offending));
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
