namespace AuthCache.Bench.SiloLoss;

/// <summary>
/// Whether the silo-loss phase worked, never how well the cluster did: the kill happened and nothing else died,
/// every request due in the window was sent and logged with an outcome, the cluster kept answering on every API
/// host, the figures are present and in order, and the membership table could be read. Failed or slow requests
/// are the phase's result (the goal verdicts judge them), not a harness failure.
/// </summary>
public static class SiloLossSanityChecks
{
    public static IReadOnlyList<string> Evaluate(SiloLossOutcome outcome)
    {
        const string name = SiloLossPhase.Name;
        var problems = new List<string>();
        if (outcome.Unavailable is not null)
        {
            return problems;
        }

        if (outcome.Failure is not null || !outcome.Measured)
        {
            problems.Add($"{name}: {outcome.Failure ?? "no result"}");
            return problems;
        }

        var load = outcome.Load!;
        var log = load.RequestLog!;
        var figures = SiloLossFigures.From(outcome);
        Require(problems, outcome.VictimExited, $"{name}: {outcome.Victim} was still running after the kill");
        Require(problems, outcome.OthersExited.Count == 0, $"{name}: other processes exited: {string.Join(", ", outcome.OthersExited)}");
        Require(problems, log.Count == load.SentInWindow, $"{name}: {log.Count:N0} requests logged with an outcome for {load.SentInWindow:N0} sent in the window");
        var due = outcome.OfferedRate * outcome.Window.TotalSeconds;
        Require(problems, figures.Sent >= 0.95 * due - outcome.Connections, $"{name}: {figures.Sent:N0} requests sent in the window, {due:N0} were due");
        Require(problems, figures.AroundTheKill[0].Requests > 0 && figures.AroundTheKill[2].Requests > 0, $"{name}: no request before or right after the kill");
        Require(problems, figures.AnsweredInLastSecondByApiHost.Count > 0 && figures.AnsweredInLastSecondByApiHost.All(n => n > 0),
            $"{name}: the cluster did not keep answering: 2xx answers in the window's last second per API host: {string.Join(", ", figures.AnsweredInLastSecondByApiHost)}");
        Require(problems, load.BodyMismatches == 0, $"{name}: {load.BodyMismatches} answers without the caller's subject and profile; first: {load.FirstError}");
        Require(problems, figures.P50Ms > 0 && figures.P50Ms <= figures.P99Ms && figures.P99Ms <= figures.P999Ms && figures.P999Ms <= figures.MaxMs,
            $"{name}: percentiles out of order (p50 {figures.P50Ms}, p99 {figures.P99Ms}, p99.9 {figures.P999Ms}, max {figures.MaxMs})");
        Require(problems, outcome.MembershipProblem is null, $"{name}: membership table: {outcome.MembershipProblem}");
        Require(problems, outcome.Fallbacks is not null, $"{name}: the API hosts' fallback counter could not be read");
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
