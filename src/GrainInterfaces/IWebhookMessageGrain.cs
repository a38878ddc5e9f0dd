namespace AuthCache.GrainInterfaces;

/// <summary>
/// One verified webhook message (keyed by provider and message id), so that a message is acted on once across
/// all API hosts within the replay window. Only messages with a valid signature reach it.
/// </summary>
[Alias("AuthCache.IWebhookMessageGrain")]
public interface IWebhookMessageGrain : IGrainWithStringKey
{
    /// <summary>True the first time within <paramref name="window"/>; false for a replay.</summary>
    [Alias("TryAccept")]
    Task<bool> TryAcceptAsync(TimeSpan window);

    /// <summary>Processing failed: forget the message so the sender's retry is accepted.</summary>
    [Alias("Abandon")]
    Task AbandonAsync();
}
