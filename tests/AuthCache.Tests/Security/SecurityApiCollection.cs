namespace AuthCache.Tests.Security;

[CollectionDefinition(Name)]
public sealed class SecurityApiCollection : ICollectionFixture<SecurityApiFixture>
{
    public const string Name = "security-api";
}
