using System.Net.Http.Headers;
using AuthCache.Bench.Tokens;

namespace AuthCache.Bench.Load;

/// <summary>
/// Sends every token of a pool once through every endpoint before a load starts, so that a workload said to be all
/// hits is: each process (each jwtbearer's own caches, each cluster's grains) has seen every token, however slowly the
/// machine let the warm-up go.
/// </summary>
public static class TokenWarmer
{
    private const int Parallelism = 8;

    /// <exception cref="InvalidOperationException">A valid token was not answered 2xx.</exception>
    public static async Task WarmAsync(ITokenSource tokens, IReadOnlyList<Uri> endpoints)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var requests = endpoints.SelectMany(endpoint => Enumerable.Range(0, tokens.Users).Select(user => (Endpoint: endpoint, User: user)));
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (request, cancellation) =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(request.Endpoint, "/api/v1/me"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.TokenFor(request.User));
            using var response = await http.SendAsync(message, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"warming: HTTP {(int)response.StatusCode} from {request.Endpoint.Authority} for a valid token");
            }
        });
    }
}
