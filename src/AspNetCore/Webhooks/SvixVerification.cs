using Microsoft.AspNetCore.Http;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>The verdict on one webhook delivery: verified, or refused with a status code and a reason code.</summary>
internal sealed record SvixVerification(bool Verified, int StatusCode, string? Reason)
{
    public const string MissingHeaders = "missing_signature_headers";
    public const string MalformedMessageId = "malformed_message_id";
    public const string MalformedTimestamp = "malformed_timestamp";
    public const string TimestampTooOld = "timestamp_too_old";
    public const string TimestampTooNew = "timestamp_too_new";
    public const string MalformedSignatureHeader = "malformed_signature_header";
    public const string InvalidSignature = "invalid_signature";

    public static SvixVerification Success { get; } = new(true, StatusCodes.Status200OK, null);

    public static SvixVerification Unauthorized(string reason) => new(false, StatusCodes.Status401Unauthorized, reason);

    public static SvixVerification BadRequest(string reason) => new(false, StatusCodes.Status400BadRequest, reason);
}
