using System.Globalization;
using System.Text;
using AuthCache.Bench.Systems;

namespace AuthCache.Bench.Report;

/// <summary>
/// Splits the CPU of one cached request into what the microbenchmarks measured (hash, near-cache lookup, grain
/// call, validation avoided) and the rest of the request (Kestrel, middleware, endpoint, JSON), from the all-hits run.
/// </summary>
public static class HitPathBreakdown
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Describe(BenchReport report)
    {
        var embedded = report.Find(report.AllHits, SystemNames.Embedded);
        var jwtBearer = report.Find(report.AllHits, SystemNames.JwtBearer);
        var resolver = report.FindMicro("resolver: a near-cache hit");
        var grainResolver = report.FindMicro("resolver: a grain hit");
        var nearCache = report.FindMicro("near cache hit");
        var precheck = report.FindMicro("precheck");
        var requestCache = report.FindMicro("request cache hit");
        var hash = report.FindMicro("token hash");
        var turn = report.FindMicro("thread-pool turn");
        var grainCall = report.FindMicro("grain call on the active grain");
        var rs256 = report.FindMicro("JsonWebTokenHandler RS256");
        if (embedded is null || jwtBearer is null || resolver is null || grainResolver is null || nearCache is null || precheck is null || requestCache is null || hash is null || turn is null || grainCall is null || rs256 is null)
        {
            return "Not computed: it needs the all-hits run of `authcache-embedded` and `jwtbearer` and the microbenchmarks.";
        }

        var cacheCpu = embedded.CpuSecondsPer1kRequests * 1000;
        var bearerCpu = jwtBearer.CpuSecondsPer1kRequests * 1000;
        var resolution = (resolver.MeanNs - turn.MeanNs) / 1000;
        var call = (grainCall.MeanNs - turn.MeanNs) / 1000;
        var validation = rs256.MeanNs / 1000;
        var text = new StringBuilder();
        text.AppendLine($"- CPU per request in the all-hits run (the system's processes only): `authcache-embedded` {Us(cacheCpu)}, `jwtbearer` {Us(bearerCpu)} ({GoalVerdicts.Format(cacheCpu / bearerCpu)}×).");
        text.AppendLine($"- What the cached scheme spends to authenticate a hit (`AuthCacheTokenResolver` from a new request scope, a thread-pool turn of {Us(turn.MeanNs / 1000)} subtracted): {Us(resolution)} from the near cache, of which the hash {Us(hash.MeanNs / 1000)}, the near-cache lookup {Us(nearCache.MeanNs / 1000)}, and {Us(resolution - hash.MeanNs / 1000 - nearCache.MeanNs / 1000)} for the rest (request scope and resolver, shape check, request cache, metrics). The endpoint's second lookup hits the request cache: {Us(requestCache.MeanNs / 1000)}.");
        text.AppendLine($"- Without the near cache (an API host in client mode, or the first hit after an invalidation) the hit goes to the token's grain: {Us((grainResolver.MeanNs - turn.MeanNs) / 1000)}, of which the precheck's parse of the token {Us(precheck.MeanNs / 1000)} and the call to the active token grain {Us(call)} (in-process; a client adds a network round trip).");
        text.AppendLine($"- What JwtBearer spends instead: an RS256 validation by JsonWebTokenHandler, {Us(validation)}.");
        text.AppendLine($"- So the cache should save about {Us(validation - resolution)} per request; the measured difference (jwtbearer − authcache-embedded) is {Us(bearerCpu - cacheCpu)}.");
        if (hash.MeanNs / 1000 + nearCache.MeanNs / 1000 > resolution || resolution > cacheCpu)
        {
            text.AppendLine("- Caution: the parts above exceed the whole they belong to, so the microbenchmarks were too noisy in this run to split it (a busy machine); read only the allocations.");
        }

        text.AppendLine($"- The rest of a request (Kestrel, HTTP parsing, routing, authentication and authorization middleware, principal, endpoint, JSON, and for AuthCache the silo's own background work): ≈ {Us(cacheCpu - resolution)} in `authcache-embedded`, ≈ {Us(bearerCpu - validation)} in `jwtbearer`.");
        return text.ToString().TrimEnd();
    }

    private static string Us(double microseconds) => microseconds.ToString(Math.Abs(microseconds) >= 100 ? "N0" : "0.0", Invariant) + " µs";
}
