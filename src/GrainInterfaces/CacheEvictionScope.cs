namespace AuthCache.GrainInterfaces;

/// <summary>Which cached entries an operator's cleanup drops.</summary>
[GenerateSerializer, Alias("AuthCache.CacheEvictionScope")]
public enum CacheEvictionScope
{
    /// <summary>Only entries past their lifetime whose activation has not released them yet.</summary>
    Expired = 0,

    /// <summary>Every cached validation and profile (emergency clear).</summary>
    All = 1,
}
