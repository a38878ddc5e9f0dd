namespace AuthCache.Tests.Documentation;

/// <summary>
/// The C# the README, docs/integration.md, the migration guide and the packages' readmes show compiles as an adopter
/// would paste it (see <see cref="CSharpSnippet"/> for how a block is compiled and how an intentionally partial one
/// is marked).
/// </summary>
public sealed class DocumentationSnippetTests
{
    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/integration.md")]
    [InlineData("docs/migrating-from-jwtbearer.md")]
    [InlineData("docs/providers.md")]
    [InlineData("src/AspNetCore/README.md")]
    [InlineData("src/Grains/README.md")]
    [InlineData("src/GrainInterfaces/README.md")]
    public void Every_csharp_block_of_the_document_compiles_against_the_AuthCache_assemblies_with_the_using_lines_it_shows(string document)
    {
        var snippets = CSharpSnippet.Extract(document, File.ReadAllText(CSharpSnippet.RepositoryFile(document)));

        Assert.Contains(snippets, s => s.NotCompiledBecause is null);
        Assert.All(snippets, s => Assert.NotEqual("", s.NotCompiledBecause));
        var errors = snippets.Where(s => s.NotCompiledBecause is null).SelectMany(s => s.CompileErrors().Select(e => $"{s}: {e}")).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void A_block_that_calls_a_method_that_does_not_exist_does_not_compile()
    {
        var snippet = Assert.Single(CSharpSnippet.Extract("sample.md", """
            ```csharp
            using AuthCache.AspNetCore;

            builder.Services.AddAuthCache();
            builder.Services.AddAuthCacheRevocation();
            ```
            """));

        var error = Assert.Single(snippet.CompileErrors());
        Assert.StartsWith("CS1061", error, StringComparison.Ordinal);
        Assert.Contains("AddAuthCacheRevocation", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_that_leaves_out_the_using_line_of_an_AuthCache_method_does_not_compile()
    {
        var snippet = Assert.Single(CSharpSnippet.Extract("sample.md", """
            ```csharp
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddAuthCache();
            ```
            """));

        Assert.Contains(snippet.CompileErrors(), e => e.StartsWith("CS1061", StringComparison.Ordinal) && e.Contains("AddAuthCache", StringComparison.Ordinal));
    }

    [Fact]
    public void Statements_are_compiled_after_their_using_lines_and_the_builder_and_app_they_use()
    {
        var snippet = Assert.Single(CSharpSnippet.Extract("sample.md", """
            Text before.

            ```csharp
            using AuthCache.AspNetCore;

            builder.Services.AddAuthCache();
            app.MapCacheAdmin();
            ```
            """));

        Assert.Equal(3, snippet.Line);
        Assert.Equal(
            "using AuthCache.AspNetCore;\nvar builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\n\nbuilder.Services.AddAuthCache();\napp.MapCacheAdmin();\n",
            snippet.AsProgram());
        Assert.Empty(snippet.CompileErrors());
    }

    [Fact]
    public void A_block_marked_not_compiled_keeps_its_reason_and_an_unmarked_one_has_none()
    {
        var snippets = CSharpSnippet.Extract("sample.md", """
            <!-- not compiled: the middle of a controller -->

            ```csharp
            return Ok(User.Identity!.Name);
            ```

            <!-- not compiled: -->
            ```csharp
            x
            ```

            ```csharp
            return 0;
            ```
            """);

        Assert.Equal(["the middle of a controller", "", null], snippets.Select(s => s.NotCompiledBecause));
    }
}
