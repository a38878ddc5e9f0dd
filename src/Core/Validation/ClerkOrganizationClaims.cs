using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCache.Core.Validation;

/// <summary>
/// Clerk's session tokens of version 2 (<c>"v": 2</c>) carry the active organisation as one compact claim, <c>o</c>:
/// <c>id</c>, <c>slg</c> (slug), <c>rol</c> (the role without its <c>org:</c> prefix), <c>per</c> (permission names)
/// and <c>fpm</c> (for each organisation feature of the token's <c>fea</c> claim, in order, a bitmask over
/// <c>per</c> whose least significant bit is the first name). Version 1 carried the organisation as top-level claims.
/// This expands <c>o</c> into version 1's claims, the way Clerk's own SDKs read it: <c>org_id</c>, <c>org_slug</c>,
/// <c>org_role</c> (<c>org:admin</c>) and one <c>org_permissions</c> per <c>org:{feature}:{permission}</c>, so one
/// authorization policy serves tokens of both versions. A token that carries any of those claims itself keeps its
/// own and gets none from <c>o</c>. An <c>o</c> that cannot be read exactly so yields no organisation claim at all,
/// and never fails the token.
/// </summary>
internal static class ClerkOrganizationClaims
{
    public const string OrganizationClaim = "o";
    public const string VersionClaim = "v";
    public const string FeaturesClaim = "fea";
    public const string Id = "org_id";
    public const string Slug = "org_slug";
    public const string Role = "org_role";
    public const string Permissions = "org_permissions";

    public const string NotAnObject = "not_an_object";
    public const string WrongType = "wrong_type";
    public const string TooLarge = "too_large";
    public const string UnreadablePermissions = "unreadable_permissions";

    /// <summary>
    /// Clerk's compact claim is a few hundred characters; anything near a whole token's size is not it.
    /// </summary>
    public const int MaxOrganizationLength = 4096;

    /// <summary>A bitmask of <c>fpm</c> is read as a 64-bit number.</summary>
    public const int MaxPermissionNames = 64;

    /// <summary>Bounds what one cached token can hold, whatever the issuer signed.</summary>
    public const int MaxPermissions = 256;

    private const string OrganizationPrefix = "org:";

    // Clerk's default roles: shared by every cached token instead of one copy each.
    private static readonly string[] KnownRoles = ["org:admin", "org:member"];

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };

    /// <summary>
    /// Appends to <paramref name="claims"/> (a token's claims) the organisation claims its <c>o</c> claim stands for:
    /// none unless it is a version 2 token with an <c>o</c> claim and none of the organisation claims itself. Returns
    /// null, or the reason code of an <c>o</c> that could not be read (nothing is appended then).
    /// </summary>
    public static string? AppendTo(List<TokenClaim> claims)
    {
        var version2 = false;
        var organizations = 0;
        string? organizationJson = null;
        string? featureList = null;
        var featuresReadable = true;
        foreach (var claim in claims)
        {
            switch (claim.Type)
            {
                case VersionClaim:
                    version2 =
                        claim.Value == "2"
                        && claim.ValueType
                            is ClaimValueTypes.Integer
                                or ClaimValueTypes.Integer32
                                or ClaimValueTypes.Integer64;
                    break;
                case OrganizationClaim when claim.ValueType != JsonClaimValueTypes.JsonNull:
                    // A JSON array gives one claim per element: counted, so it is not taken for an object.
                    organizations++;
                    organizationJson = claim.ValueType == JsonClaimValueTypes.Json ? claim.Value : null;
                    break;
                case FeaturesClaim:
                    featuresReadable &= featureList is null && claim.ValueType == ClaimValueTypes.String;
                    featureList = claim.Value;
                    break;
                case Id or Slug or Role or Permissions:
                    return null;
            }
        }

        if (!version2 || organizations == 0)
        {
            return null;
        }

        if (organizations > 1 || organizationJson is null)
        {
            return NotAnObject;
        }

        if (organizationJson.Length > MaxOrganizationLength)
        {
            return TooLarge;
        }

        var expanded = new List<TokenClaim>(4);
        var problem = Expand(organizationJson, featureList, featuresReadable, expanded);
        if (problem is null)
        {
            claims.AddRange(expanded);
        }

        return problem;
    }

    private static string? Expand(string json, string? featureList, bool featuresReadable, List<TokenClaim> expanded)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException)
        {
            return NotAnObject;
        }

        using (document)
        {
            var organization = document.RootElement;
            if (organization.ValueKind != JsonValueKind.Object)
            {
                return NotAnObject;
            }

            if (!TryReadString(organization, "id", out var id)
                || !TryReadString(organization, "slg", out var slug)
                || !TryReadString(organization, "rol", out var role)
                || !TryReadString(organization, "per", out var names)
                || !TryReadString(organization, "fpm", out var bitmasks)
                || id is null)
            {
                return WrongType;
            }

            expanded.Add(Claim(Id, id));
            if (slug is not null)
            {
                expanded.Add(Claim(Slug, slug));
            }

            if (role is not null)
            {
                expanded.Add(Claim(Role, WithPrefix(role)));
            }

            return names is null || bitmasks is null
                ? null
                : ExpandPermissions(names, bitmasks, featureList, featuresReadable, expanded);
        }
    }

    /// <param name="names">The permission names of the <c>o</c> claim, in the order the bitmasks refer to them.</param>
    /// <param name="bitmasks">Per feature, which of <paramref name="names"/> the user holds.</param>
    /// <param name="featureList">The features (<c>fea</c>) the bitmasks are given for.</param>
    /// <param name="featuresReadable">False when <c>fea</c> is not one string (another type, or an array).</param>
    /// <param name="expanded">The claims expanded so far, to which the permissions are added.</param>
    private static string? ExpandPermissions(
        string names,
        string bitmasks,
        string? featureList,
        bool featuresReadable,
        List<TokenClaim> expanded)
    {
        if (!featuresReadable)
        {
            return WrongType;
        }

        var permissions = Split(names);
        if (permissions.Length > MaxPermissionNames)
        {
            return TooLarge;
        }

        if (Array.Exists(permissions, name => name.Length == 0))
        {
            return UnreadablePermissions;
        }

        var features = OrganizationFeatures(featureList);
        if (features is null)
        {
            return UnreadablePermissions;
        }

        var masks = Split(bitmasks);
        var added = 0;
        for (var feature = 0; feature < features.Count && feature < masks.Length; feature++)
        {
            if (!ulong.TryParse(masks[feature], NumberStyles.None, CultureInfo.InvariantCulture, out var mask)
                || (permissions.Length < MaxPermissionNames && mask >> permissions.Length != 0))
            {
                return UnreadablePermissions;
            }

            for (var bit = 0; mask != 0; bit++, mask >>= 1)
            {
                if ((mask & 1) == 0)
                {
                    continue;
                }

                if (++added > MaxPermissions)
                {
                    return TooLarge;
                }

                expanded.Add(
                    Claim(Permissions, string.Concat(OrganizationPrefix, features[feature], ":", permissions[bit])));
            }
        }

        return null;
    }

    /// <summary>
    /// The names of the features of <c>fea</c> whose scope includes the organisation (<c>o</c>, <c>uo</c>), in order;
    /// null when one has no name.
    /// </summary>
    private static List<string>? OrganizationFeatures(string? features)
    {
        var organization = new List<string>();
        foreach (var entry in Split(features))
        {
            var parts = entry.Split(':');
            if (!parts[0].Contains('o', StringComparison.Ordinal))
            {
                continue;
            }

            if (parts.Length < 2 || parts[1].Length == 0)
            {
                return null;
            }

            organization.Add(parts[1]);
        }

        return organization;
    }

    private static string[] Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.TrimEntries);

    /// <summary>
    /// False when the member is there but not a string; an absent or null member, or an empty string, reads as null.
    /// </summary>
    private static bool TryReadString(JsonElement organization, string name, out string? value)
    {
        value = null;
        if (!organization.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString() is { Length: > 0 } text ? text : null;
        return true;
    }

    private static string WithPrefix(string role)
    {
        var prefixed = role.StartsWith(OrganizationPrefix, StringComparison.Ordinal) ? role : OrganizationPrefix + role;
        foreach (var known in KnownRoles)
        {
            if (string.Equals(prefixed, known, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return prefixed;
    }

    private static TokenClaim Claim(string type, string value) => new(type, value, ClaimValueTypes.String);
}
