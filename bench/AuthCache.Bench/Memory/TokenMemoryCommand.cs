using System.Diagnostics;
using System.Text.Json;
using AuthCache.Bench.Micro;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using AuthCache.Bench.Tokens;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Jwks;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCache.Bench.Memory;

/// <summary>
/// Bytes per cached token: in a process of its own, a co-hosted silo caches N distinct valid tokens through
/// <see cref="ITokenValidationGrain"/>; the managed heap after full blocking collections is compared before and
/// after. Every user's profile grain and the issuer's JWKS grain are warmed first, so the difference is the
/// tokens' own activations and cached results.
/// </summary>
public static class TokenMemoryCommand
{
    public const string Name = "token-memory";

    /// <summary>In the runner: starts <c>dotnet AuthCache.Bench.dll token-memory</c> and reads its result.</summary>
    public static async Task<TokenMemoryResult> MeasureInChildAsync(int tokens, string runDirectory)
    {
        var output = Path.Combine(runDirectory, "token-memory.json");
        await using var child = SutProcess.StartDotnet(Name, RepositoryLayout.RunnerDll, [Name, "--tokens", tokens.ToString(), "--out", output], SystemContext.ProductionEnvironment, runDirectory);
        await child.WaitForExitAsync(TimeSpan.FromMinutes(15));
        return JsonSerializer.Deserialize<TokenMemoryResult>(await File.ReadAllTextAsync(output))
            ?? throw new InvalidOperationException("token-memory wrote no result.");
    }

    /// <summary>In the child process.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var tokens = int.Parse(args[args.ToList().IndexOf("--tokens") + 1]);
        var output = args[args.ToList().IndexOf("--out") + 1];
        var users = Math.Min(1_000, tokens);

        await using var silo = await CoHostedSilo.StartAsync();
        // ES256 signs ~20x faster than RS256; the cached entry does not depend on the algorithm (no token is kept).
        var factory = new ClerkTokenFactory(silo.Issuer.Issuer, silo.Issuer.EcKey);
        var issuedAt = DateTime.UtcNow;
        var lifetime = TimeSpan.FromHours(1);
        var warm = Enumerable.Range(0, users).Select(u => factory.Create(u, tokens + u, issuedAt, lifetime)).ToArray();
        var measured = new string[tokens];
        Parallel.For(0, tokens, i => measured[i] = factory.Create(i % users, i, issuedAt, lifetime));
        Console.WriteLine($"minted {tokens} tokens of {users} users");

        await ValidateAllAsync(silo.Grains, warm);
        var before = HeapAfterFullCollection();
        var firstPass = await ValidateAllAsync(silo.Grains, measured);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = HeapAfterFullCollection();

        var sample = measured.Take(Math.Min(1_000, tokens)).ToArray();
        var secondPass = await ValidateAllAsync(silo.Grains, sample);
        var active = silo.Services.GetRequiredService<AuthCacheMetrics>().Snapshot().ActiveEntries;
        var resultBytes = await CachedResultBytesAsync(silo.Services, measured.Take(Math.Min(20_000, tokens)).ToArray());
        var result = new TokenMemoryResult(tokens, users, before, after, active, firstPass.Valid, secondPass.FromCache, sample.Length, resultBytes);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result));
        Console.WriteLine($"{result.BytesPerToken:N0} bytes per cached token ({tokens} tokens, {active} active entries), of which the cached result {resultBytes:N0}");
        GC.KeepAlive(measured);
        return 0;
    }

    private static async Task<(int Valid, int FromCache)> ValidateAllAsync(IGrainFactory grains, string[] tokens)
    {
        int valid = 0, fromCache = 0;
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (token, _) =>
        {
            // Each call gets its own thread-pool turn, as a request would: tight awaits inside a silo starve the pool.
            await Task.Yield();
            var result = await grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token);
            if (result.IsValid)
            {
                Interlocked.Increment(ref valid);
            }

            if (result.FromCache)
            {
                Interlocked.Increment(ref fromCache);
            }
        });
        return (valid, fromCache);
    }

    /// <summary>
    /// The heap taken by results like the one a token grain keeps (validated here with the same validator, copied
    /// as the grain copies them), held in an array: the cached data's share of a cached token.
    /// </summary>
    private static async Task<double> CachedResultBytesAsync(IServiceProvider services, string[] tokens)
    {
        var validator = services.GetRequiredService<TokenValidator>();
        var keys = services.GetRequiredService<LocalJwksKeySource>();
        var held = new TokenValidationOutcome[tokens.Length];
        var before = HeapAfterFullCollection();
        for (var i = 0; i < tokens.Length; i++)
        {
            held[i] = (await validator.ValidateAsync(tokens[i], keys)) with { FromCache = true };
        }

        var after = HeapAfterFullCollection();
        GC.KeepAlive(held);
        return (after - before) / (double)tokens.Length;
    }

    private static long HeapAfterFullCollection()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
