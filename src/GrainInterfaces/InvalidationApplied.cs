namespace AuthCache.GrainInterfaces;

/// <summary>
/// A subscriber's answer to an invalidation: what it dropped, cached validations (token grain activations) and, for a
/// silo's cleanup, cached profiles.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.InvalidationApplied")]
public sealed record InvalidationApplied(int DroppedValidations, int DroppedProfiles);
