using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AuthCache.Tests.Documentation;

/// <summary>
/// One <c>```csharp</c> block of a Markdown document, compiled as the <c>Program.cs</c> of a <c>dotnet new web</c>
/// project that installed the AuthCache packages would compile it.
/// <list type="bullet">
/// <item>Only the Web SDK's implicit <c>using</c>s are given: a block shows every other <c>using</c> line it needs
/// (<c>AuthCache.AspNetCore</c>, <c>AuthCache.Hosting</c>, <c>Microsoft.AspNetCore.Authentication.JwtBearer</c>…).</item>
/// <item>A block that declares <c>builder</c> is a whole program. A block that uses <c>builder</c> or <c>app</c>
/// without declaring them is statements of one: its <c>using</c> lines come first, then
/// <c>var builder = WebApplication.CreateBuilder(args);</c> and <c>var app = builder.Build();</c> as needed, then
/// its statements (compiled, never run, so their order against those two does not matter).</item>
/// <item>A block that is intentionally partial (it cannot compile alone) is preceded, on the closest line that is not
/// blank, by <c>&lt;!-- not compiled: the reason --&gt;</c>, an HTML comment Markdown does not show. The reason is
/// required.</item>
/// </list>
/// The references are every managed assembly this test process was given (its <c>deps.json</c>: the AuthCache
/// projects it references, their packages, ASP.NET Core's shared framework).
/// </summary>
public sealed partial record CSharpSnippet(string Document, int Line, string Code, string? NotCompiledBecause)
{
    /// <summary>The Web SDK's implicit usings (Microsoft.NET.Sdk's and Microsoft.NET.Sdk.Web's).</summary>
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    public override string ToString() => $"{Document}:{Line}";

    /// <summary>The repository's file at <paramref name="relative"/> (from the test project's <c>RepositoryRoot</c>).</summary>
    public static string RepositoryFile(string relative)
    {
        var root = typeof(CSharpSnippet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        return Path.GetFullPath(Path.Combine(root, relative));
    }

    /// <summary>The <c>```csharp</c> blocks of <paramref name="markdown"/>, each with the line of its opening fence.</summary>
    public static IReadOnlyList<CSharpSnippet> Extract(string document, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<CSharpSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("```csharp", StringComparison.Ordinal))
            {
                continue;
            }

            var start = i;
            var code = new StringBuilder();
            while (++i < lines.Length && lines[i].Trim() != "```")
            {
                code.Append(lines[i]).Append('\n');
            }

            snippets.Add(new CSharpSnippet(document, start + 1, code.ToString(), NotCompiledReason(lines, start)));
        }

        return snippets;
    }

    /// <summary>The compiler's errors for this block, each with the text of the line it points at; empty when it compiles.</summary>
    public IReadOnlyList<string> CompileErrors()
    {
        var tree = CSharpSyntaxTree.ParseText(AsProgram(), ParseOptions, path: ToString());
        var implicitUsings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), ParseOptions);
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [implicitUsings, tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id} {d.GetMessage()} in: {d.Location.SourceTree?.GetText().Lines.GetLineFromPosition(d.Location.SourceSpan.Start).ToString().Trim()}")
            .ToList();
    }

    /// <summary>The block as a whole program: unchanged, or its statements after the <c>builder</c> and <c>app</c> they use.</summary>
    public string AsProgram()
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(Code, ParseOptions).GetRoot();
        var declared = root.DescendantNodes().OfType<VariableDeclaratorSyntax>().Select(v => v.Identifier.Text)
            .Concat(root.DescendantNodes().OfType<ParameterSyntax>().Select(p => p.Identifier.Text))
            .ToHashSet(StringComparer.Ordinal);
        var used = root.DescendantNodes().OfType<IdentifierNameSyntax>().Select(n => n.Identifier.Text).ToHashSet(StringComparer.Ordinal);
        var needsApp = used.Contains("app") && !declared.Contains("app");
        var needsBuilder = (used.Contains("builder") || needsApp) && !declared.Contains("builder");

        var prelude = new StringBuilder();
        if (needsBuilder)
        {
            prelude.Append("var builder = WebApplication.CreateBuilder(args);\n");
        }

        if (needsApp)
        {
            prelude.Append("var app = builder.Build();\n");
        }

        var usingsEnd = root.Usings.Count == 0 ? 0 : root.Usings[^1].FullSpan.End;
        return string.Concat(Code.AsSpan(0, usingsEnd), prelude.ToString(), Code.AsSpan(usingsEnd));
    }

    private static string? NotCompiledReason(string[] lines, int fence)
    {
        for (var i = fence - 1; i >= 0; i--)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var marker = NotCompiledMarker().Match(lines[i]);
            return marker.Success ? marker.Groups["reason"].Value.Trim() : null;
        }

        return null;
    }

    private static List<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var references = new List<MetadataReference>(paths.Length);
        foreach (var path in paths)
        {
            using (var stream = File.OpenRead(path))
            using (var reader = new PEReader(stream))
            {
                if (!reader.HasMetadata || !reader.GetMetadataReader().IsAssembly)
                {
                    continue;
                }
            }

            references.Add(MetadataReference.CreateFromFile(path));
        }

        return references;
    }

    [GeneratedRegex(@"^\s*<!--\s*not compiled:(?<reason>.*?)-->\s*$")]
    private static partial Regex NotCompiledMarker();
}
