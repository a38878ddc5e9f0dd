namespace AuthCache.Tests.Infrastructure;

internal static class StartupLog
{
    /// <summary>The host logged the refusal once, as its message alone: no stack trace follows it.</summary>
    public static void AssertReportedInOneLine(LogCapture logs, string message)
    {
        var entry = Assert.Single(logs.Lines, line => line.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain("\n   at ", entry, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, line => line.Contains("\n   at ", StringComparison.Ordinal));
    }
}
