using System.Text.Json.Serialization;

namespace Unicornet.Control;

/// <summary>The reply to <c>worker add [N]</c>.</summary>
/// <param name="Added">Workers added to the target.</param>
/// <param name="Previous">The target before.</param>
/// <param name="Total">The target now.</param>
public sealed record WorkersAdded(int Added, int Previous, int Total);

/// <summary>The reply to <c>worker remove [N]</c>; the target never drops below 1, so <paramref name="Removed"/> may be less than asked.</summary>
/// <param name="Removed">Workers removed from the target.</param>
/// <param name="Previous">The target before.</param>
/// <param name="Total">The target now.</param>
public sealed record WorkersRemoved(int Removed, int Previous, int Total)
{
    /// <summary>The outcome of removing <paramref name="requested"/> from <paramref name="previous"/> without going below 1.</summary>
    public static WorkersRemoved Clamp(int previous, int requested)
    {
        int total = previous <= 1 ? previous : Math.Max(1, previous - requested);
        return new WorkersRemoved(previous - total, previous, total);
    }
}

/// <summary>The reply to <c>worker kill PID</c>.</summary>
/// <param name="Success">True when TERM was sent to a worker of this master.</param>
/// <param name="Killed">The pid signalled.</param>
/// <param name="Error">Why nothing was signalled.</param>
public sealed record WorkerKillResult(
    bool Success,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Killed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>The reply to <c>dirty add [N]</c> and <c>dirty remove [N]</c>.</summary>
/// <param name="Success">False when the dirty arbiter refused or is not running.</param>
/// <param name="Operation"><c>add</c> or <c>remove</c>.</param>
/// <param name="Requested">The N asked for.</param>
/// <param name="Changed">Workers actually spawned or removed.</param>
/// <param name="TotalWorkers">Dirty workers running after the change.</param>
/// <param name="TargetWorkers">The dirty worker target after the change.</param>
/// <param name="Reason">Why fewer than requested changed, when that happened.</param>
public sealed record DirtyScaleResult(
    bool Success,
    string Operation,
    int Requested,
    int Changed,
    int TotalWorkers,
    int TargetWorkers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary>The reply to <c>reload</c>, <c>reopen</c> and <c>shutdown</c>.</summary>
/// <param name="Status"><c>reloading</c>, <c>reopening</c> or <c>shutting_down</c>.</param>
/// <param name="Mode">For shutdown: <c>graceful</c> or <c>quick</c>.</param>
public sealed record ActionResult(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mode = null)
{
    /// <summary>The usual reply to <c>reload</c>.</summary>
    public static ActionResult Reloading { get; } = new("reloading");

    /// <summary>The usual reply to <c>reopen</c>.</summary>
    public static ActionResult Reopening { get; } = new("reopening");

    /// <summary>The usual reply to <c>shutdown</c>.</summary>
    public static ActionResult ShuttingDown(ShutdownMode mode) => new("shutting_down", mode == ShutdownMode.Quick ? "quick" : "graceful");
}

/// <summary>How <c>shutdown</c> stops the master.</summary>
public enum ShutdownMode
{
    /// <summary>Like TERM: workers finish their requests within graceful_timeout.</summary>
    Graceful,

    /// <summary>Like INT: stop now.</summary>
    Quick,
}

/// <summary>The reply to <c>help</c>.</summary>
/// <param name="Commands">Command syntax to description.</param>
public sealed record HelpData(IReadOnlyDictionary<string, string> Commands);
