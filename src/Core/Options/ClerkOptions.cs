namespace AuthCache.Core.Options;

/// <summary>Rules for Clerk's session tokens, bound from <c>AuthCache:Clerk</c>.</summary>
public sealed class ClerkOptions
{
    /// <summary>
    /// Accept version 2 session tokens whose session is pending (<c>"sts": "pending"</c>: a task such as choosing an
    /// organisation is not done yet). Off by default: Clerk's SDKs treat a pending session as signed out unless the
    /// application opts in (<c>treatPendingAsSignedOut: false</c>), and so does AuthCache (<c>session_pending</c>).
    /// </summary>
    public bool AcceptPendingSessions { get; set; }
}
