using System.Text.Json.Serialization;

namespace AuthCache.Bench.Contenders.Users;

/// <summary>The part of Clerk's user object that <c>/api/v1/me</c> returns.</summary>
public sealed record ClerkUser(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("first_name")] string? FirstName,
    [property: JsonPropertyName("last_name")] string? LastName,
    [property: JsonPropertyName("image_url")] string? ImageUrl,
    [property: JsonPropertyName("primary_email_address_id")] string? PrimaryEmailAddressId,
    [property: JsonPropertyName("email_addresses")] IReadOnlyList<ClerkEmailAddress>? EmailAddresses)
{
    public string? PrimaryEmail => EmailAddresses?.FirstOrDefault(e => e.Id == PrimaryEmailAddressId)?.EmailAddress;
}

public sealed record ClerkEmailAddress(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("email_address")] string EmailAddress);
