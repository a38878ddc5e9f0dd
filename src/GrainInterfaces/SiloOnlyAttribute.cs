namespace AuthCache.GrainInterfaces;

/// <summary>
/// A grain (or grain service) method that only the cluster's silos call (the cluster's own bookkeeping): a silo
/// refuses it from an Orleans client, an API host in client mode included, with
/// <see cref="UnauthorizedAccessException"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class SiloOnlyAttribute : Attribute;
