using Unicornet.Config.Settings;

namespace Unicornet.Config;

// Typed accessors for the settings the server's own code reads most. Anything else: Get<T>("name").
public sealed partial class UnicornetConfig
{
    /// <summary>Parsed <c>bind</c> entries.</summary>
    public IReadOnlyList<BindAddress> Bind => Get<StringList>("bind").Select(BindAddress.Parse).ToArray();

    /// <summary><c>backlog</c>.</summary>
    public int Backlog => Get<int>("backlog");

    /// <summary><c>workers</c>.</summary>
    public int Workers => Get<int>("workers");

    /// <summary><c>worker_class</c>, after gunicorn's rule that <c>sync</c> with threads &gt; 1 is <c>gthread</c>.</summary>
    public string WorkerClass => Get<string>("worker_class") == "sync" && Threads > 1 ? "gthread" : Get<string>("worker_class");

    /// <summary><c>threads</c>.</summary>
    public int Threads => Get<int>("threads");

    /// <summary><c>worker_connections</c>.</summary>
    public int WorkerConnections => Get<int>("worker_connections");

    /// <summary><c>max_requests</c>.</summary>
    public int MaxRequests => Get<int>("max_requests");

    /// <summary><c>max_requests_jitter</c>.</summary>
    public int MaxRequestsJitter => Get<int>("max_requests_jitter");

    /// <summary><c>timeout</c> in seconds.</summary>
    public int Timeout => Get<int>("timeout");

    /// <summary><c>graceful_timeout</c> in seconds.</summary>
    public int GracefulTimeout => Get<int>("graceful_timeout");

    /// <summary><c>keepalive</c> in seconds.</summary>
    public int Keepalive => Get<int>("keepalive");

    /// <summary><c>proc_name</c>, else <c>default_proc_name</c>.</summary>
    public string ProcName => Get<string?>("proc_name") ?? Get<string?>("default_proc_name") ?? "unicornet";

    /// <summary><c>loglevel</c>.</summary>
    public string LogLevel => Get<string>("loglevel");

    /// <summary><c>errorlog</c>.</summary>
    public string ErrorLog => Get<string?>("errorlog") ?? "-";

    /// <summary><c>accesslog</c>, null when access logging is off.</summary>
    public string? AccessLog => Get<string?>("accesslog");
}
