namespace AuthCache.Tests.Providers;

/// <summary>A real OpenID Connect provider a test started on 127.0.0.1, with its issuer, its port and its tokens.</summary>
public interface IOidcTestProvider : IAsyncDisposable
{
    int Port { get; }

    string Issuer { get; }

    /// <summary>An access token for the API's audience from the provider's real token endpoint.</summary>
    Task<string> RequestTokenAsync();

    /// <summary>The <c>jwks_uri</c> its discovery document names.</summary>
    Task<string> JwksUriAsync();
}
