namespace AuthCache.Bench.Storm;

/// <summary>
/// Whether the storm worked, never how fast: every system measured, webhooks answered without a 5xx or a
/// transport error, at least one revocation in each burst, the hit load answered 2xx throughout, and every probed
/// token of a revoked session refused as revoked on every host. A burst cut off by its time limit is a result,
/// not a failure.
/// </summary>
public static class StormSanityChecks
{
    public static IReadOnlyList<string> Evaluate(IReadOnlyList<StormOutcome> outcomes)
    {
        var problems = new List<string>();
        foreach (var o in outcomes)
        {
            var name = $"{o.System} ({StormPhase.Name})";
            if (!o.Measured)
            {
                problems.Add($"{name}: {o.Failure ?? "no result"}");
                continue;
            }

            foreach (var (burst, result) in new[] { ("paced", o.Paced!), ("storm", o.Storm!) }.Concat(o.Away is { } away ? [("away", away.Revocations)] : []))
            {
                Require(problems, result.Revoked > 0, $"{name}: no webhook of the {burst} burst was answered as revoked ({result.FirstError})");
                Require(problems, result.Errors == 0 && !result.ByStatus.Keys.Any(status => status >= 500), $"{name}: {burst} burst got 5xx or transport errors: {result.FirstError}");
            }

            foreach (var (window, load) in new[] { ("quiet", o.Quiet!), ("paced", o.DuringPaced!), ("storm", o.DuringStorm!) })
            {
                Require(problems, load.Requests > 0 && load.Non2xx == 0 && load.Errors == 0, $"{name}: hit load ({window}) had {load.Requests} timed requests, {load.Non2xx} non-2xx, {load.Errors} errors: {load.FirstError}");
            }

            Require(problems, o.Probes.Count > 0 && o.Probes.All(p => p.RefusedAsRevoked),
                $"{name}: tokens of revoked sessions not refused as revoked: {string.Join(", ", o.Probes.Where(p => !p.RefusedAsRevoked).Select(p => $"{p.SessionId} on {p.Host}: {p.Status} {p.Reason}"))}");
            Require(problems, o.Heaps.All(h => h.BeforeBytes is not null && h.AfterBytes is not null), $"{name}: a host's heap was not read");
            if (o.Away is { } a)
            {
                Require(problems, a.InSyncAfter is not null, $"{name}: the host that was away still answered {a.LastAnswer} for {a.ProbedSession}");
            }
        }

        return problems;
    }

    private static void Require(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
