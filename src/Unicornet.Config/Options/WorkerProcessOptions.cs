namespace Unicornet.Config.Options;

/// <summary>How worker processes run: their class, their number, their limits and their process settings.</summary>
public sealed record WorkerProcessOptions
{
    /// <summary><c>worker_class</c> with gunicorn's aliases resolved and its rule that <c>sync</c> with threads &gt; 1 is <c>gthread</c>.</summary>
    public required WorkerClassKind WorkerClass { get; init; }

    /// <summary>The canonical name of <see cref="WorkerClass"/> (<c>sync</c>, <c>gthread</c>, <c>async</c>, <c>kestrel</c>), as logs and hooks show it.</summary>
    public string WorkerClassName => ChoiceText.Of(WorkerClass);

    /// <summary><c>workers</c>.</summary>
    public required int Workers { get; init; }

    /// <summary><c>threads</c>.</summary>
    public required int Threads { get; init; }

    /// <summary><c>worker_connections</c>.</summary>
    public required int WorkerConnections { get; init; }

    /// <summary><c>max_requests</c> (0 = no recycling).</summary>
    public required int MaxRequests { get; init; }

    /// <summary><c>max_requests_jitter</c>.</summary>
    public required int MaxRequestsJitter { get; init; }

    /// <summary><c>timeout</c> in seconds (0 = no heartbeat check).</summary>
    public required int Timeout { get; init; }

    /// <summary><c>graceful_timeout</c> in seconds.</summary>
    public required int GracefulTimeout { get; init; }

    /// <summary><c>shutdown_delay</c> in seconds: TERM serves this long before the graceful stop (0 = at once).</summary>
    public required int ShutdownDelay { get; init; }

    /// <summary><c>keepalive</c> in seconds (0 = off).</summary>
    public required int Keepalive { get; init; }

    /// <summary><c>user</c>, null to keep the master's.</summary>
    public required string? User { get; init; }

    /// <summary><c>group</c>, null to keep the master's (or the user's primary group).</summary>
    public required string? Group { get; init; }

    /// <summary><c>initgroups</c>.</summary>
    public required bool InitGroups { get; init; }

    /// <summary><c>umask</c>.</summary>
    public required int Umask { get; init; }

    /// <summary>
    /// <c>chdir</c>, null when unset or empty: as in gunicorn, where an empty path joined to the current
    /// directory is the current directory, the empty string means "do not change directory".
    /// </summary>
    public required string? Chdir { get; init; }

    /// <summary><c>pythonpath</c> split on commas, trimmed, empty entries dropped: the app assembly's search path.</summary>
    public required IReadOnlyList<string> PythonPath { get; init; }

    /// <summary><c>raw_env</c> as name/value pairs, in order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; }
}
