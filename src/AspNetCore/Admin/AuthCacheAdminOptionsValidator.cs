using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// Refuses to start when admin tokens are turned on (<c>AuthCache:Admin:Role</c>) without saying which issuers'
/// tokens may be admins while several are trusted, or when a listed issuer is not trusted at all.
/// </summary>
internal sealed class AuthCacheAdminOptionsValidator(IOptionsMonitor<AuthCacheOptions> cacheOptions)
    : IValidateOptions<AuthCacheAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthCacheAdminOptions options)
    {
        var cache = cacheOptions.CurrentValue;
        var failures = new List<string>();
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            if (cache.FindIssuer(options.Issuers[i]) is null)
            {
                failures.Add(
                    $"{AuthCacheAdminOptions.SectionName}:Issuers:{i} '{options.Issuers[i]}' is not a trusted issuer: "
                        + "list only issuers configured under AuthCache:Issuers.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Role))
        {
            if (string.IsNullOrWhiteSpace(options.RoleClaim))
            {
                failures.Add(
                    $"{AuthCacheAdminOptions.SectionName}:RoleClaim must name the claim that carries "
                        + $"{AuthCacheAdminOptions.SectionName}:Role.");
            }

            if (options.Issuers.Count == 0 && cache.Issuers.Count > 1)
            {
                failures.Add(
                    $"{AuthCacheAdminOptions.SectionName}:Role is set and {cache.Issuers.Count} issuers are trusted: "
                        + "say whose tokens may be admins with "
                        + $"{AuthCacheAdminOptions.SectionName}:Issuers:0 (then :1, …), for example "
                        + $"{AuthCacheAdminOptions.SectionName}:Issuers:0={cache.Issuers[0].Issuer}, "
                        + $"or remove {AuthCacheAdminOptions.SectionName}:Role to allow only the admin key.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
