using System.Text;
using System.Text.RegularExpressions;

namespace AuthCache.Tests.Documentation;

/// <summary>
/// The relative links of a Markdown document (<c>[text](path#anchor)</c>, outside code), checked as GitHub renders
/// them: the path resolves from the document's folder to a file or folder inside the repository, and an anchor into
/// a Markdown file names one of its headings (GitHub's slug: lower case, punctuation dropped, spaces as hyphens,
/// <c>-1</c>, <c>-2</c> for repeats) or an <c>&lt;a id="…"&gt;</c>. Links with a scheme (<c>https:</c>,
/// <c>mailto:</c>) are not relative and not checked.
/// </summary>
public static partial class MarkdownLinks
{
    /// <summary>
    /// Every relative link of <paramref name="document"/> that does not resolve, with its line and why.
    /// </summary>
    public static IReadOnlyList<string> Broken(string repositoryRoot, string document)
    {
        var root = Path.GetFullPath(repositoryRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(root, document));
        var broken = new List<string>();
        foreach (var (line, target) in Links(File.ReadAllText(path)))
        {
            var problem = Check(root, path, target);
            if (problem is not null)
            {
                broken.Add($"{document}:{line}: ({target}) {problem}");
            }
        }

        return broken;
    }

    /// <summary>The anchors GitHub gives a Markdown document: its headings' slugs and its explicit ids.</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, text) in OutsideCode(markdown))
        {
            var heading = Heading().Match(text);
            if (heading.Success)
            {
                var slug = Slug(heading.Groups["text"].Value);
                var repeats = seen.GetValueOrDefault(slug);
                seen[slug] = repeats + 1;
                anchors.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
            }

            foreach (Match id in ExplicitAnchor().Matches(text))
            {
                anchors.Add(id.Groups["id"].Value);
            }
        }

        return anchors;
    }

    private static string? Check(string root, string document, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var relative = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var resolved = relative.Length == 0
            ? document
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, relative));
        if (!resolved.StartsWith(root, StringComparison.Ordinal))
        {
            return "points outside the repository";
        }

        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return "names no file or folder";
        }

        if (anchor is null || !resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(resolved))
        {
            return null;
        }

        return Anchors(File.ReadAllText(resolved)).Contains(anchor) ? null : "names no heading of that document";
    }

    private static IEnumerable<(int Line, string Target)> Links(string markdown)
    {
        foreach (var (line, text) in OutsideCode(markdown))
        {
            foreach (Match link in InlineLink().Matches(CodeSpan().Replace(text, "")))
            {
                var target = link.Groups["target"].Value.Trim();
                var title = target.IndexOf(' ', StringComparison.Ordinal);
                target = title < 0 ? target : target[..title];
                if (!Scheme().IsMatch(target))
                {
                    yield return (line, target);
                }
            }
        }
    }

    /// <summary>The document's lines, numbered from 1, without fenced code blocks.</summary>
    private static IEnumerable<(int Line, string Text)> OutsideCode(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        string? fence = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            var opens = trimmed.StartsWith("```", StringComparison.Ordinal)
                || trimmed.StartsWith("~~~", StringComparison.Ordinal);
            if (fence is null && opens)
            {
                fence = trimmed[..3];
                continue;
            }

            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal))
                {
                    fence = null;
                }

                continue;
            }

            yield return (i + 1, lines[i]);
        }
    }

    private static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, m => m.Groups["text"].Value).Trim().ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"^ {0,3}#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s+(?:id|name)=""(?<id>[^""]+)""")]
    private static partial Regex ExplicitAnchor();

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\((?<target>[^)\s]*(?:\s+""[^""]*"")?)\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
