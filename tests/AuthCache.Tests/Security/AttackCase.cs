namespace AuthCache.Tests.Security;

/// <summary>
/// One hostile request of the <see cref="AttackCorpus"/>: what it is, how to build it (a request can be sent only
/// once, so it is built on demand), and how the host must answer. <see cref="Prepare"/> runs first, for an attack
/// that needs a legitimate step before it (a webhook delivered once before its replay); <see cref="LeftBehind"/> runs
/// after the answer, for an attack that must leave nothing behind in the host (a retired key it still holds).
/// </summary>
/// <param name="ExpectedReason">The reason code of the refusal: the Bearer challenge's <c>error_description</c>, or the problem's <c>reason</c>; null when the answer carries none.</param>
/// <param name="Token">The hostile token the request carries, if any, so the run can check it never reached a log line.</param>
/// <param name="LeftBehind">What the case left behind that it must not have, described; null when nothing.</param>
public sealed record AttackCase(
    string Section,
    string Name,
    int ExpectedStatus,
    string? ExpectedReason,
    Func<HttpRequestMessage> Request,
    string? Token = null,
    Func<HttpClient, Task>? Prepare = null,
    Func<HttpClient, Task<string?>>? LeftBehind = null)
{
    public override string ToString() => $"{Section}: {Name}";
}
