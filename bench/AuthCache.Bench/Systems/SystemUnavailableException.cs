namespace AuthCache.Bench.Systems;

/// <summary>The system cannot be measured here (a missing server, a mode the hosts do not have yet): skipped, not failed.</summary>
public sealed class SystemUnavailableException(string reason) : Exception(reason);
