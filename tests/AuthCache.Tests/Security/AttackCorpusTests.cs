using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// Sends every case of the <see cref="AttackCorpus"/> to the real API host over HTTP and judges the run as a whole:
/// no forgery accepted, no 5xx, no request left hanging, every case answered as expected, nothing left behind that a
/// case must not leave, nothing fetched from the URLs the tokens name, and no token or secret in any log line.
/// </summary>
[Collection(SecurityApiCollection.Name)]
public sealed class AttackCorpusTests(SecurityApiFixture fixture)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_whole_corpus_is_refused_with_its_expected_answers_and_nothing_leaks()
    {
        var corpus = AttackCorpus.Build(fixture);
        Assert.True(corpus.Count >= 100, $"the corpus holds {corpus.Count} cases");
        Assert.Equal(corpus.Count, corpus.Select(c => c.ToString()).Distinct().Count());

        var accepted = new List<string>();
        var serverErrors = new List<string>();
        var hangs = new List<string>();
        var unexpected = new List<string>();
        var leftBehind = new List<string>();
        foreach (var attack in corpus)
        {
            if (attack.Prepare is not null)
            {
                await attack.Prepare(fixture.Http);
            }

            var (status, reason, elapsed) = await SendAsync(attack);
            if (status is null)
            {
                hangs.Add($"{attack} (no answer within {RequestTimeout.TotalSeconds} s)");
                continue;
            }

            var code = (int)status.Value;
            if (code is >= 200 and < 300)
            {
                accepted.Add($"{attack}: {code}");
            }
            else if (code >= 500)
            {
                serverErrors.Add($"{attack}: {code}");
            }

            if (code != attack.ExpectedStatus || (attack.ExpectedReason is not null && reason != attack.ExpectedReason))
            {
                unexpected.Add($"{attack}: {code} {reason ?? "(no reason)"} in {elapsed.TotalMilliseconds:F0} ms, expected {attack.ExpectedStatus} {attack.ExpectedReason ?? "(no reason)"}");
            }

            if (attack.LeftBehind is not null && await attack.LeftBehind(fixture.Http) is { } left)
            {
                leftBehind.Add($"{attack}: {left}");
            }
        }

        Assert.True(accepted.Count == 0, "forgeries accepted:\n" + string.Join('\n', accepted));
        Assert.True(serverErrors.Count == 0, "5xx answers:\n" + string.Join('\n', serverErrors));
        Assert.True(hangs.Count == 0, "hangs:\n" + string.Join('\n', hangs));
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} of {corpus.Count} cases answered otherwise than expected:\n" + string.Join('\n', unexpected));
        Assert.True(leftBehind.Count == 0, "left behind:\n" + string.Join('\n', leftBehind));
        Assert.True(fixture.Trap.Requests.Count == 0, "the host fetched URLs named by hostile tokens:\n" + string.Join('\n', fixture.Trap.Requests));
        AssertNoSecretInTheLogs(corpus);
    }

    private async Task<(HttpStatusCode? Status, string? Reason, TimeSpan Elapsed)> SendAsync(AttackCase attack)
    {
        using var request = attack.Request();
        using var timeout = new CancellationTokenSource(RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await fixture.Http.SendAsync(request, timeout.Token);
            return (response.StatusCode, await ReasonAsync(response), Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (null, null, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The reason code: the Bearer challenge's <c>error_description</c>, else the problem's <c>reason</c>.</summary>
    private static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        if (response.ErrorDescription() is { } description)
        {
            return description;
        }

        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return null;
        }

        try
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void AssertNoSecretInTheLogs(IReadOnlyList<AttackCase> corpus)
    {
        var lines = fixture.Logs.Lines.ToArray();
        Assert.NotEmpty(lines);
        var secrets = new List<string> { SecurityApiFixture.AdminKey, fixture.WebhookSecret, fixture.WebhookSecret["whsec_".Length..], Infrastructure.TestIssuer.ClerkSecretKey };
        foreach (var token in corpus.Select(c => c.Token).OfType<string>().Distinct())
        {
            secrets.Add(token);
            // A signature segment is as sensitive as the whole token; very short ones (an unsigned token's) say nothing.
            if (token.Split('.') is [_, _, { Length: >= 16 } signature])
            {
                secrets.Add(signature);
            }
        }

        var leaks = secrets.Where(secret => lines.Any(line => line.Contains(secret, StringComparison.Ordinal))).ToArray();
        Assert.True(leaks.Length == 0, $"{leaks.Length} tokens or secrets appear in log lines, e.g. one starting {(leaks.Length > 0 ? leaks[0][..Math.Min(12, leaks[0].Length)] : "")}");
    }
}
