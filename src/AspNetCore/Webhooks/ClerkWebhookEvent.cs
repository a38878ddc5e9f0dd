using System.Text.Json;
using AuthCache.AspNetCore.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// The part of a Clerk webhook event the cache acts on: its <c>type</c> and <c>data.id</c>. Session events
/// (<c>session.revoked</c>, <c>session.ended</c>, <c>session.removed</c>: <c>data.id</c> is the session) revoke the
/// session; <c>user.deleted</c> (<c>data.id</c> is the user) revokes the subject and evicts the user's cached profile;
/// <c>user.updated</c> evicts the profile; other types are ignored.
/// </summary>
internal sealed record ClerkWebhookEvent(string Type, string? DataId)
{
    public const string MalformedPayload = "malformed_payload";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    /// <summary>The revocation this event asks for, or null for a type the cache does not act on.</summary>
    public RevocationKind? Revokes => Type switch
    {
        "session.revoked" or "session.ended" or "session.removed" => RevocationKind.Session,
        "user.deleted" => RevocationKind.Subject,
        _ => null,
    };

    /// <summary>Whether this event makes the cached profile of the user <see cref="DataId"/> stale.</summary>
    public bool EvictsProfile => Type is "user.updated" or "user.deleted";

    /// <summary>Whether the cache acts on this event at all.</summary>
    public bool IsActedOn => Revokes is not null || EvictsProfile;

    /// <summary>The event, or null when the body is not a Clerk event the cache can read.</summary>
    public static ClerkWebhookEvent? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, ParseOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String
                || type.GetString() is not { Length: > 0 and <= RevocationTargetRules.MaxValueLength } typeName
                || !RevocationTargetRules.IsPrintable(typeName))
            {
                return null;
            }

            string? dataId = null;
            if (root.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String)
            {
                dataId = id.GetString();
            }

            return new ClerkWebhookEvent(typeName, dataId);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
