namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Endpoint metadata: the admin key may arrive as the password of HTTP Basic credentials on this endpoint's GET and
/// HEAD requests, so a browser can open it after its login prompt. Only the dashboard carries it.
/// </summary>
internal sealed class AdminBasicCredentialsMetadata
{
    public static readonly AdminBasicCredentialsMetadata Instance = new();

    private AdminBasicCredentialsMetadata()
    {
    }
}
