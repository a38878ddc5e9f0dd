namespace AuthCache.Core;

/// <summary>
/// A configuration mistake that stops the host before it starts, such as an Authority that is none of the trusted
/// issuers, a missing registration call, or an Orleans port already in use. Its message is the whole report: what is
/// wrong, what is configured and how to fix it. Its text form (<see cref="ToString"/>, which loggers and the runtime
/// print) is its type and that message, without the stack trace, which leads to the check that found the mistake,
/// never to the mistake; <see cref="Exception.StackTrace"/> is still there for a debugger. A host's <c>Program.cs</c>
/// can catch it around <c>Run()</c> and exit with a non-zero code: the host has already logged it.
/// </summary>
public sealed class AuthCacheStartupException : Exception
{
    /// <summary>A start-up refusal with the default message.</summary>
    public AuthCacheStartupException()
    {
    }

    /// <summary>A start-up refusal whose message is the whole report: what is wrong and how to fix it.</summary>
    public AuthCacheStartupException(string message)
        : base(message)
    {
    }

    /// <summary>A start-up refusal with its report and the exception that revealed the mistake.</summary>
    public AuthCacheStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The type and the message, without the stack trace, so a log shows the report and nothing else.
    /// </summary>
    public override string ToString() => $"{GetType().FullName}: {Message}";
}
