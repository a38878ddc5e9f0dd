using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by the test set-up), headless with a fresh profile,
/// driven over the DevTools protocol. It answers HTTP authentication challenges the way a person does at the
/// browser's login prompt, so pages behind Basic authentication can be opened.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;
    private (string User, string Password)? _credentials;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>How many times the browser was challenged for credentials (each answered with the configured ones).</summary>
    public int AuthenticationChallenges { get; private set; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.");
        }

        var profile = Directory.CreateTempSubdirectory("authcache-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/>, answering every authentication challenge with these credentials.</summary>
    public async Task OpenAsync(string url, string user, string password)
    {
        _credentials = (user, password);
        await SendAsync("Fetch.enable", new JsonObject
        {
            ["handleAuthRequests"] = true,
            ["patterns"] = new JsonArray(new JsonObject { ["urlPattern"] = "*" }),
        });
        await SendAsync("Page.enable");
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
    }

    /// <summary>The page's visible text once <paramref name="ready"/> holds, or the last text seen when time runs out.</summary>
    public async Task<string> WaitForTextAsync(Func<string, bool> ready, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var text = "";
        while (deadline.Elapsed < timeout)
        {
            var result = await SendAsync("Runtime.evaluate", new JsonObject
            {
                ["expression"] = "document.body ? document.body.innerText : ''",
                ["returnByValue"] = true,
            });
            text = result.GetProperty("result").TryGetProperty("value", out var value) ? value.GetString() ?? "" : "";
            if (ready(text))
            {
                return text;
            }

            await Task.Delay(250);
        }

        return text;
    }

    private async Task ConnectAsync()
    {
        // With port 0 Chromium picks a free port and writes it to DevToolsActivePort in the profile.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var waited = Stopwatch.StartNew();
        string[] lines = [];
        while (lines.Length < 2)
        {
            if (_process.HasExited || waited.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException("Chromium did not open its DevTools port.");
            }

            await Task.Delay(100);
            lines = File.Exists(portFile) ? await File.ReadAllLinesAsync(portFile) : [];
        }

        using var http = new HttpClient { Timeout = CommandTimeout };
        var targets = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{lines[0].Trim()}/json/list");
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page");
        await _socket.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), _stop.Token);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        }
        finally
        {
            _sendLock.Release();
        }

        return await answer.Task.WaitAsync(CommandTimeout);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                break;
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            using var document = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);
            Dispatch(document.RootElement.Clone());
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The DevTools connection closed."));
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var answer))
        {
            if (message.TryGetProperty("error", out var error))
            {
                answer.TrySetException(new InvalidOperationException("DevTools: " + error));
            }
            else
            {
                answer.TrySetResult(message.GetProperty("result"));
            }

            return;
        }

        if (!message.TryGetProperty("method", out var method))
        {
            return;
        }

        // Answers are sent from other tasks: this loop must keep reading to receive their replies.
        switch (method.GetString())
        {
            case "Fetch.requestPaused":
                _ = SendAsync("Fetch.continueRequest", new JsonObject { ["requestId"] = RequestId(message) });
                break;
            case "Fetch.authRequired" when _credentials is { } credentials:
                AuthenticationChallenges++;
                _ = SendAsync("Fetch.continueWithAuth", new JsonObject
                {
                    ["requestId"] = RequestId(message),
                    ["authChallengeResponse"] = new JsonObject
                    {
                        ["response"] = "ProvideCredentials",
                        ["username"] = credentials.User,
                        ["password"] = credentials.Password,
                    },
                });
                break;
        }
    }

    private static string? RequestId(JsonElement message) => message.GetProperty("params").GetProperty("requestId").GetString();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        await _receiveLoop;
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
