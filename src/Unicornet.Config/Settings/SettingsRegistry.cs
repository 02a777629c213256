using Unicornet.Config.Options;
using static Unicornet.Config.Settings.SettingType;

namespace Unicornet.Config.Settings;

/// <summary>
/// Every setting unicornet knows, in gunicorn 26's order and under gunicorn's names. This list is the
/// single source of truth: the command-line parser, validation, <c>--help</c>, <c>--print-config</c>,
/// the config-script globals and docs/settings.md are all derived from it.
/// </summary>
public static partial class SettingsRegistry
{
    internal const string SecConfig = "Config File";
    internal const string SecSocket = "Server Socket";
    internal const string SecWorkers = "Worker Processes";
    internal const string SecSecurity = "Security";
    internal const string SecDebugging = "Debugging";
    internal const string SecMechanics = "Server Mechanics";
    internal const string SecLogging = "Logging";
    internal const string SecNaming = "Process Naming";
    internal const string SecSsl = "SSL";
    internal const string SecHttp2 = "HTTP/2";
    internal const string SecDirty = "Dirty Arbiters";
    internal const string SecControl = "Control Socket";
    internal const string SecUnicornet = "unicornet Extensions";

    private const string NoPython = "unicornet runs .NET, not Python";

    /// <summary>All settings in documentation order.</summary>
    public static IReadOnlyList<SettingDefinition> All { get; } = Build();

    // Not a FrozenDictionary: that would load System.Collections.Immutable into every process for start-up lookups.
    private static readonly Dictionary<string, SettingDefinition> s_byName =
        All.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>The setting called <paramref name="name"/>, or null.</summary>
    public static SettingDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>The setting called <paramref name="name"/>.</summary>
    public static SettingDefinition Get(string name) =>
        s_byName.TryGetValue(name, out SettingDefinition? d) ? d : throw new KeyNotFoundException($"unknown setting '{name}'");

    private static SettingDefinition D(
        string name,
        string section,
        SettingType type,
        object? value,
        string help,
        string[]? flags = null,
        CliKind cli = CliKind.Value,
        string? meta = null,
        Func<object?, object?>? validate = null,
        bool comma = false,
        string? defaultText = null,
        string? na = null,
        Func<IReadOnlyDictionary<string, string>, object?>? fromEnv = null,
        string[]? envVars = null,
        string? flagOnly = null)
    {
        flags ??= [];
        return new SettingDefinition
        {
            Name = name,
            Section = section,
            Type = type,
            Flags = flags,
            Cli = flags.Length == 0 ? CliKind.None : cli,
            MetaVar = meta ?? (cli is CliKind.Value or CliKind.Append or CliKind.OptionalValue ? name.ToUpperInvariant() : null),
            Default = fromEnv ?? (_ => Clone(value)),
            DefaultEnvironment = envVars ?? [],
            DefaultText = defaultText ?? SettingValues.Format(value),
            Validate = validate,
            CommaList = comma,
            Help = help,
            NotApplicable = na,
            FlagOnlyValue = flagOnly,
        };
    }

    private static object? Clone(object? value) => value switch
    {
        StringList l => new StringList(l),
        Dictionary<string, string> d => new Dictionary<string, string>(d),
        Dictionary<string, object?> d => new Dictionary<string, object?>(d),
        _ => value,
    };

    private static string? Env(IReadOnlyDictionary<string, string> env, string name) =>
        env.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;

    private static List<SettingDefinition> Build() =>
    [
        // Config file
        D("config", SecConfig, Text, null, "The config script to run, unicornet.conf.csx by default when it exists in the directory unicornet starts in. `file:PATH` is accepted too. Only meaningful on the command line and in UNICORNET_CMD_ARGS.",
            flags: ["-c", "--config"], meta: "CONFIG", defaultText: "./unicornet.conf.csx"),
        D("wsgi_app", SecConfig, Text, null, "The app to serve (`ASSEMBLY:MEMBER`) when none is given on the command line. Keeps gunicorn's name so configs translate line by line."),

        // Server socket
        D("bind", SecSocket, Strings, new StringList(["127.0.0.1:8000"]), "Addresses to listen on, repeatable: `HOST`, `HOST:PORT`, `[v6]:PORT`, `unix:PATH` or `fd://FD`. When the PORT environment variable is set the default becomes 0.0.0.0:$PORT.",
            flags: ["-b", "--bind"], cli: CliKind.Append, meta: "ADDRESS", validate: Validators.Binds, defaultText: "['127.0.0.1:8000']",
            fromEnv: env => Env(env, "PORT") is { } port ? new StringList(["0.0.0.0:" + port]) : new StringList(["127.0.0.1:8000"]), envVars: ["PORT"]),
        D("backlog", SecSocket, Int, 2048, "The listen() queue length: how many connections may wait to be accepted.",
            flags: ["--backlog"], meta: "INT", validate: Validators.Min(1)),

        // Worker processes
        D("workers", SecWorkers, Int, 1, "How many worker processes serve requests. The WEB_CONCURRENCY environment variable sets the default.",
            flags: ["-w", "--workers"], meta: "INT", validate: Validators.Min(1), defaultText: "1",
            fromEnv: env => Env(env, "WEB_CONCURRENCY") is { } wc ? SettingValues.ParseInt(wc) : 1, envVars: ["WEB_CONCURRENCY"]),
        D("worker_class", SecWorkers, Text, "sync", "The worker class: `sync` (one connection at a time, no keep-alive), `gthread` (a pool of `threads` per worker), `async` (fully non-blocking) or `kestrel` (Kestrel on the inherited sockets: HTTP/2, TLS). gunicorn's `asgi`, `gevent` and `uvicorn` map to `async`. `sync` with `threads > 1` becomes `gthread`, as in gunicorn.",
            flags: ["-k", "--worker-class"], meta: "STRING", validate: SettingChoices.ValidateWorkerClass),
        D("threads", SecWorkers, Int, 1, "Request threads per `gthread` worker.",
            flags: ["--threads"], meta: "INT", validate: Validators.Min(1)),
        D("worker_connections", SecWorkers, Int, 1000, "The most simultaneous connections one `gthread`, `async` or `kestrel` worker holds; it stops accepting above it.",
            flags: ["--worker-connections"], meta: "INT", validate: Validators.Min(1)),
        D("max_requests", SecWorkers, Int, 0, "Recycle a worker after it served this many requests (0 turns recycling off).",
            flags: ["--max-requests"], meta: "INT", validate: Validators.Min(0)),
        D("max_requests_jitter", SecWorkers, Int, 0, "Adds a random 0..N to `max_requests` per worker so workers do not all restart at once.",
            flags: ["--max-requests-jitter"], meta: "INT", validate: Validators.Min(0)),
        D("timeout", SecWorkers, Int, 30, "Seconds a worker may stay silent (no heartbeat) before the master aborts it, logs its stack traces and kills it. 0 turns the check off.",
            flags: ["-t", "--timeout"], meta: "INT", validate: Validators.Min(0)),
        D("graceful_timeout", SecWorkers, Int, 30, "Seconds workers get to finish in-flight requests after a graceful stop or reload before they are killed.",
            flags: ["--graceful-timeout"], meta: "INT", validate: Validators.Min(0)),
        D("shutdown_delay", SecWorkers, Int, 0, "Seconds the master keeps accepting and serving after TERM before the graceful stop begins, so a load balancer or Kubernetes can take the instance out of rotation first (readiness turns 503 at once). 0 stops at once, as gunicorn does. A second TERM, or INT/QUIT, ends the delay.",
            flags: ["--shutdown-delay"], meta: "SECONDS", validate: Validators.Min(0)),
        D("keepalive", SecWorkers, Int, 2, "Seconds to wait for the next request on a keep-alive connection (not used by `sync`). 0 turns keep-alive off.",
            flags: ["--keep-alive"], meta: "INT", validate: Validators.Min(0)),
        D("asgi_loop", SecWorkers, Text, "auto", "gunicorn's event-loop choice for ASGI.",
            flags: ["--asgi-loop"], meta: "STRING", na: NoPython + "; the async worker runs on the .NET thread pool"),
        D("asgi_lifespan", SecWorkers, Text, "auto", "gunicorn's ASGI lifespan protocol switch.",
            flags: ["--asgi-lifespan"], meta: "STRING", na: "ASP.NET Core apps get their host lifetime (IHostApplicationLifetime) on every worker class"),
        D("asgi_disconnect_grace_period", SecWorkers, Int, 3, "gunicorn's grace before an ASGI task is cancelled after a disconnect.",
            flags: ["--asgi-disconnect-grace-period"], meta: "INT", validate: Validators.Min(0), na: "a .NET app observes HttpContext.RequestAborted and decides itself; nothing is cancelled from outside"),
        D("http_parser", SecWorkers, Text, "auto", "gunicorn's choice between its C and Python HTTP parsers.",
            flags: ["--http-parser"], meta: "STRING", validate: Validators.Choice("auto", "fast", "python"), na: "unicornet has one HTTP/1.x parser"),

        // Security
        D("limit_request_line", SecSecurity, Int, 4094, "The longest request line accepted, in bytes. 0 means no limit; a negative value or one of 8190 and above means 8190. On the kestrel class no limit means Kestrel's request buffer (1 MiB), past which Kestrel answers 414.",
            flags: ["--limit-request-line"], meta: "INT", validate: Validators.LimitRequestLine),
        D("limit_request_fields", SecSecurity, Int, 100, "The most header fields a request may have. 0 or above 32768 means 32768.",
            flags: ["--limit-request-fields"], meta: "INT", validate: Validators.LimitRequestFields),
        D("limit_request_field_size", SecSecurity, Int, 8190, "The longest header line, in bytes, counting name, value, CRLF and folded lines. 0 or less means 8190 (gunicorn's behaviour, whatever its docs say).",
            flags: ["--limit-request-field_size"], meta: "INT", validate: Validators.LimitRequestFieldSize),

        // Debugging
        D("reload", SecDebugging, Bool, false, "Restart workers when app files change (development only).",
            flags: ["--reload"], cli: CliKind.SetTrue),
        D("reload_engine", SecDebugging, Text, "auto", "How file changes are noticed: `auto` or `inotify` (FileSystemWatcher) or `poll`.",
            flags: ["--reload-engine"], meta: "STRING", validate: SettingChoices.ReloadEngine.Validate),
        D("reload_extra_files", SecDebugging, Strings, new StringList(), "More files to watch with `reload`, repeatable. Entries with `*`, `?` or `[` are globs (`**` recursive) expanded again at every check.",
            flags: ["--reload-extra-file"], cli: CliKind.Append, meta: "FILES"),
        D("spew", SecDebugging, Bool, false, "gunicorn's line-by-line trace.",
            flags: ["--spew"], cli: CliKind.SetTrue, na: "Python's sys.settrace has no .NET counterpart; use dotnet-trace"),
        D("check_config", SecDebugging, Bool, false, "Compile and validate the config and the app reference, then exit 0 (valid) or 1.",
            flags: ["--check-config"], cli: CliKind.SetTrue),
        D("print_config", SecDebugging, Bool, false, "Print every resolved setting and where its value came from, then exit.",
            flags: ["--print-config"], cli: CliKind.SetTrue),

        // Server mechanics
        D("preload_app", SecMechanics, Bool, false, "Load and validate the app in the master before spawning workers, so a broken app fails once, up front. .NET has no fork(), so nothing is shared copy-on-write: each worker still loads the app itself.",
            flags: ["--preload"], cli: CliKind.SetTrue),
        D("sendfile", SecMechanics, Bool, null, "Use sendfile() for file responses. Unset means on unless the SENDFILE environment variable says otherwise; `--no-sendfile` turns it off.",
            flags: ["--no-sendfile"], cli: CliKind.SetFalse, defaultText: "None",
            fromEnv: env => Env(env, "SENDFILE") is { } sf ? SettingValues.ParseBool(sf) : true, envVars: ["SENDFILE"]),
        D("reuse_port", SecMechanics, Bool, false, "Set SO_REUSEPORT on the listeners. The master still owns the sockets and workers inherit them; no worker gets a private socket, so no queued connection dies with a worker.",
            flags: ["--reuse-port"], cli: CliKind.SetTrue),
        D("chdir", SecMechanics, Text, null, "Change to this directory before loading the app.",
            flags: ["--chdir"], meta: "DIR", defaultText: "the current directory"),
        D("daemon", SecMechanics, Bool, false, "Detach from the terminal and run in the background.",
            flags: ["-D", "--daemon"], cli: CliKind.SetTrue),
        D("raw_env", SecMechanics, Strings, new StringList(), "`KEY=VALUE` environment variables for the master and the workers, repeatable.",
            flags: ["-e", "--env"], cli: CliKind.Append, meta: "ENV", validate: Validators.RawEnv),
        D("pidfile", SecMechanics, Text, null, "Write the master's pid to this file (removed at exit).",
            flags: ["-p", "--pid"], meta: "FILE"),
        D("worker_tmp_dir", SecMechanics, Text, null, "Directory for worker heartbeat files; a tmpfs such as /dev/shm avoids disk stalls.",
            flags: ["--worker-tmp-dir"], meta: "DIR", defaultText: "the system temp directory"),
        D("user", SecMechanics, Text, null, "Run workers as this user (name or uid). Needs the master to run as root.",
            flags: ["-u", "--user"], meta: "USER", defaultText: "the current user"),
        D("group", SecMechanics, Text, null, "Run workers as this group (name or gid).",
            flags: ["-g", "--group"], meta: "GROUP", defaultText: "the current group"),
        D("umask", SecMechanics, Octal, 0, "The umask for files unicornet creates, Unix sockets included. Accepts 0022, 0o22 or 0x12.",
            flags: ["-m", "--umask"], meta: "INT", validate: Validators.Octal, defaultText: "0"),
        D("initgroups", SecMechanics, Bool, false, "Give workers the supplementary groups of `user`.",
            flags: ["--initgroups"], cli: CliKind.SetTrue),
        D("tmp_upload_dir", SecMechanics, Text, null, "gunicorn's upload directory.",
            na: "declared but unused in gunicorn itself; request bodies are streamed to the app"),
        D("secure_scheme_headers", SecMechanics, Map,
            new Dictionary<string, string> { ["X-FORWARDED-PROTOCOL"] = "ssl", ["X-FORWARDED-PROTO"] = "https", ["X-FORWARDED-SSL"] = "on" },
            "Headers a trusted proxy sets to say the request came over https, with the value that means https."),
        D("forwarded_allow_ips", SecMechanics, Strings, new StringList(["127.0.0.1", "::1"]), "Proxy addresses (IPs or CIDR networks, `*` for any) trusted for `secure_scheme_headers` and `forwarder_headers`. Unix-socket peers are always trusted. The FORWARDED_ALLOW_IPS environment variable sets the default.",
            flags: ["--forwarded-allow-ips"], meta: "STRING", validate: Validators.IpList, comma: true, defaultText: "['127.0.0.1', '::1']",
            fromEnv: env => Env(env, "FORWARDED_ALLOW_IPS") is { } f ? SettingValues.SplitCommas(f) : new StringList(["127.0.0.1", "::1"]), envVars: ["FORWARDED_ALLOW_IPS"]),
        D("pythonpath", SecMechanics, Text, null, "Comma-separated directories searched for the app assembly (the counterpart of gunicorn's Python path).",
            flags: ["--pythonpath"], meta: "STRING"),
        D("paste", SecMechanics, Text, null, "gunicorn's PasteDeploy config.",
            flags: ["--paste", "--paster"], meta: "STRING", na: "PasteDeploy is a Python library"),
        D("proxy_protocol", SecMechanics, Text, "off", "Accept a PROXY protocol header before the first request: `off`, `v1`, `v2` or `auto`. The bare flag means `auto`. On the kestrel class the header is read before the TLS handshake (as HAProxy and nginx send it); the engine classes read it inside TLS, as gunicorn does.",
            flags: ["--proxy-protocol"], cli: CliKind.OptionalValue, meta: "MODE", validate: SettingChoices.ProxyProtocol.Validate, flagOnly: "auto"),
        D("proxy_allow_ips", SecMechanics, Strings, new StringList(["127.0.0.1", "::1"]), "Peers allowed to send a PROXY header (IPs, CIDR networks or `*`).",
            flags: ["--proxy-allow-from"], meta: "STRING", validate: Validators.IpList, comma: true),
        D("protocol", SecMechanics, Text, "http", "The wire protocol: `http`, or `uwsgi` for a front end's uWSGI packets (nginx's uwsgi_pass; sync, gthread and async classes).",
            flags: ["--protocol"], meta: "STRING", validate: SettingChoices.Protocol.Validate),
        D("uwsgi_allow_ips", SecMechanics, Strings, new StringList(["127.0.0.1", "::1"]), "Peers allowed to speak the uWSGI protocol (IPs or CIDR networks; Unix-socket peers always may; others get 403).",
            flags: ["--uwsgi-allow-from"], meta: "STRING", validate: Validators.IpList, comma: true),
        D("raw_paste_global_conf", SecMechanics, Strings, new StringList(), "gunicorn's PasteDeploy globals.",
            flags: ["--paste-global"], cli: CliKind.Append, meta: "CONF", na: "PasteDeploy is a Python library"),
        D("permit_obsolete_folding", SecMechanics, Bool, false, "Accept obsolete folded header lines (a line starting with a space continues the previous header).",
            flags: ["--permit-obsolete-folding"], cli: CliKind.SetTrue),
        D("strip_header_spaces", SecMechanics, Bool, false, "Strip spaces between a header name and its colon. Unsafe: it enables request smuggling behind some proxies.",
            flags: ["--strip-header-spaces"], cli: CliKind.SetTrue),
        D("permit_unconventional_http_method", SecMechanics, Bool, false, "Accept any token as a method, not only 3 to 20 upper-case characters without '#'.",
            flags: ["--permit-unconventional-http-method"], cli: CliKind.SetTrue),
        D("permit_unconventional_http_version", SecMechanics, Bool, false, "Accept HTTP versions other than 1.0 and 1.1.",
            flags: ["--permit-unconventional-http-version"], cli: CliKind.SetTrue),
        D("casefold_http_method", SecMechanics, Bool, false, "Upper-case request methods.",
            flags: ["--casefold-http-method"], cli: CliKind.SetTrue),
        D("forwarder_headers", SecMechanics, Strings, new StringList(["SCRIPT_NAME", "PATH_INFO"]), "Header names with underscores that a trusted proxy may set (`*` for any).",
            flags: ["--forwarder-headers"], meta: "STRING", comma: true),
        D("header_map", SecMechanics, Text, "drop", "What to do with header names that contain `_`: `drop` them, `refuse` the request (400), or keep them (`dangerous`).",
            flags: ["--header-map"], meta: "STRING", validate: SettingChoices.HeaderMap.Validate),
        D("root_path", SecMechanics, Text, "", "The path prefix the app is mounted under; it becomes HttpRequest.PathBase.",
            flags: ["--root-path"], meta: "STRING", defaultText: "''"),

        // Logging
        D("accesslog", SecLogging, Text, null, "The access log file, `-` for stdout. Off when unset.",
            flags: ["--access-logfile"], meta: "FILE"),
        D("disable_redirect_access_to_syslog", SecLogging, Bool, false, "Keep access lines out of syslog.",
            flags: ["--disable-redirect-access-to-syslog"], cli: CliKind.SetTrue),
        D("access_log_format", SecLogging, Text, "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"", "The access log line, with gunicorn's atoms (`%(h)s`, `%(r)s`, `%({header}i)s`, ...).",
            flags: ["--access-logformat"], meta: "STRING"),
        D("errorlog", SecLogging, Text, "-", "The error log file, `-` for stderr.",
            flags: ["--error-logfile", "--log-file"], meta: "FILE"),
        D("loglevel", SecLogging, Text, "info", "The error log's level: debug, info, warning, error or critical.",
            flags: ["--log-level"], meta: "LEVEL", validate: SettingChoices.LogLevel.Validate),
        D("capture_output", SecLogging, Bool, false, "Send the app's stdout and stderr to the error log file.",
            flags: ["--capture-output"], cli: CliKind.SetTrue),
        D("logger_class", SecLogging, Text, "unicornet.logging", "gunicorn's logger class.",
            flags: ["--logger-class"], meta: "STRING", na: "logging is Serilog; choose the format with log_json and access_log_json"),
        D("logconfig", SecLogging, Text, null, "gunicorn's logging ini file.",
            flags: ["--log-config"], meta: "FILE", na: "Python logging.fileConfig format"),
        D("logconfig_dict", SecLogging, ObjectMap, new Dictionary<string, object?>(), "gunicorn's dictConfig.",
            na: "Python logging.dictConfig format"),
        D("logconfig_json", SecLogging, Text, null, "gunicorn's dictConfig as JSON.",
            flags: ["--log-config-json"], meta: "FILE", na: "Python logging.dictConfig format"),
        D("syslog_addr", SecLogging, Text, "udp://localhost:514", "Where syslog lines go: `unix://PATH[#dgram|#stream]`, `udp://HOST:PORT` or `tcp://HOST:PORT`.",
            flags: ["--log-syslog-to"], meta: "SYSLOG_ADDR"),
        D("syslog", SecLogging, Bool, false, "Also send log lines to syslog.",
            flags: ["--log-syslog"], cli: CliKind.SetTrue),
        D("syslog_prefix", SecLogging, Text, null, "The syslog program name becomes `unicornet.PREFIX`.",
            flags: ["--log-syslog-prefix"], meta: "SYSLOG_PREFIX"),
        D("syslog_facility", SecLogging, Text, "user", "The syslog facility.",
            flags: ["--log-syslog-facility"], meta: "SYSLOG_FACILITY"),
        D("enable_stdio_inheritance", SecLogging, Bool, false, "Keep stdin, stdout and stderr open in daemon mode.",
            flags: ["-R", "--enable-stdio-inheritance"], cli: CliKind.SetTrue),
        D("statsd_host", SecLogging, Text, null, "Send StatsD metrics to `HOST:PORT` or `unix://PATH`.",
            flags: ["--statsd-host"], meta: "STATSD_ADDR"),
        D("dogstatsd_tags", SecLogging, Text, "", "DogStatsD tags (`k:v,k2:v2`) added to every metric.",
            flags: ["--dogstatsd-tags"], meta: "DOGSTATSD_TAGS", defaultText: "''"),
        D("statsd_prefix", SecLogging, Text, "", "A prefix for every StatsD metric name.",
            flags: ["--statsd-prefix"], meta: "STATSD_PREFIX", defaultText: "''"),
        D("enable_backlog_metric", SecLogging, Bool, false, "Report the listen queue length as a StatsD metric.",
            flags: ["--enable-backlog-metric"], cli: CliKind.SetTrue),

        // Process naming
        D("proc_name", SecNaming, Text, null, "The base of the process titles shown in ps (`master [NAME]`, `worker [NAME]`).",
            flags: ["-n", "--name"], meta: "STRING"),
        D("default_proc_name", SecNaming, Text, "unicornet", "The title base when proc_name is unset; unicornet sets it to the app reference."),

        // SSL
        D("keyfile", SecSsl, Text, null, "The TLS private key (PEM).",
            flags: ["--keyfile"], meta: "FILE"),
        D("certfile", SecSsl, Text, null, "The TLS certificate (PEM). TLS is on when certfile is set.",
            flags: ["--certfile"], meta: "FILE"),
        D("ssl_version", SecSsl, Int, 2, "gunicorn's deprecated TLS version switch.",
            flags: ["--ssl-version"], meta: "INT", na: "deprecated and ignored by gunicorn too; the OS picks TLS 1.2/1.3; use the ssl_context hook"),
        D("cert_reqs", SecSsl, Int, 0, "Client certificates: 0 not asked, 1 optional, 2 required.",
            flags: ["--cert-reqs"], meta: "INT", validate: Validators.CertReqs),
        D("ca_certs", SecSsl, Text, null, "CA bundle (PEM) for verifying client certificates.",
            flags: ["--ca-certs"], meta: "FILE"),
        D("suppress_ragged_eofs", SecSsl, Bool, true, "Treat a TLS connection closed without close_notify as a normal end.",
            flags: ["--suppress-ragged-eofs"], cli: CliKind.SetTrue),
        D("do_handshake_on_connect", SecSsl, Bool, false, "Accepted for gunicorn compatibility: unicornet always completes the TLS handshake right after accept, in the connection's own task, so no other connection waits on it.",
            flags: ["--do-handshake-on-connect"], cli: CliKind.SetTrue),
        D("ciphers", SecSsl, Text, null, "OpenSSL cipher list for TLS 1.2 (for example `ECDHE+AESGCM`).",
            flags: ["--ciphers"], meta: "CIPHERS", defaultText: "the OS default"),

        // HTTP/2
        D("http_protocols", SecHttp2, Strings, new StringList(["h1"]), "Protocols in order of preference: `h1`, `h2`. HTTP/2 needs the `kestrel` worker class; over TLS it is negotiated with ALPN.",
            flags: ["--http-protocols"], meta: "STRING", validate: Validators.HttpProtocols, comma: true),
        D("http2_cleartext", SecHttp2, Text, "off", "HTTP/2 without TLS: `off` or `prior-knowledge` (h2c); `upgrade` and `both` are accepted as in gunicorn.",
            flags: ["--http2-cleartext"], meta: "MODE", validate: SettingChoices.Http2Cleartext.Validate),
        D("http2_max_concurrent_streams", SecHttp2, Int, 100, "SETTINGS_MAX_CONCURRENT_STREAMS.",
            flags: ["--http2-max-concurrent-streams"], meta: "INT", validate: Validators.Min(1)),
        D("http2_initial_window_size", SecHttp2, Int, 65535, "The initial flow-control window in bytes.",
            flags: ["--http2-initial-window-size"], meta: "INT", validate: Validators.Range(65535, int.MaxValue)),
        D("http2_max_frame_size", SecHttp2, Int, 16384, "The largest frame payload accepted (16384 to 16777215).",
            flags: ["--http2-max-frame-size"], meta: "INT", validate: Validators.Range(16384, 16777215)),
        D("http2_max_header_list_size", SecHttp2, Int, 65536, "The largest decoded header list in bytes (0 = unlimited).",
            flags: ["--http2-max-header-list-size"], meta: "INT", validate: Validators.Min(0)),

        // Dirty arbiters
        D("dirty_apps", SecDirty, Strings, new StringList(), "Dirty apps, repeatable: `Assembly:Type`, or `Assembly:Type:N` to load the app in only N dirty workers.",
            flags: ["--dirty-app"], cli: CliKind.Append, meta: "STRING", validate: Validators.DirtyApps),
        D("dirty_workers", SecDirty, Int, 0, "Dirty worker processes. The dirty arbiter starts only when this is above 0 and dirty_apps is set.",
            flags: ["--dirty-workers"], meta: "INT", validate: Validators.Min(0)),
        D("dirty_timeout", SecDirty, Int, 300, "Seconds a dirty call or a silent dirty worker may take (0 = no limit).",
            flags: ["--dirty-timeout"], meta: "INT", validate: Validators.Min(0)),
        D("dirty_threads", SecDirty, Int, 1, "Calls one dirty worker runs at the same time.",
            flags: ["--dirty-threads"], meta: "INT", validate: Validators.Min(1)),
        D("dirty_graceful_timeout", SecDirty, Int, 30, "Seconds dirty workers get to finish at shutdown.",
            flags: ["--dirty-graceful-timeout"], meta: "INT", validate: Validators.Min(0)),

        // Control socket
        D("control_socket", SecControl, Text, null, "The control socket path for unicornetc. The default is unique to the instance: `$XDG_RUNTIME_DIR/unicornet/<master pid>.ctl` (or `~/.unicornet/<pid>.ctl`), with a `unicornet.ctl` link to the newest.",
            flags: ["--control-socket"], meta: "PATH", defaultText: "per-instance path"),
        D("control_socket_mode", SecControl, Octal, 384, "The control socket's file mode.",
            flags: ["--control-socket-mode"], meta: "INT", validate: Validators.Octal, defaultText: "0600"),
        D("control_socket_disable", SecControl, Bool, false, "Do not open a control socket.",
            flags: ["--no-control-socket"], cli: CliKind.SetTrue),

        // unicornet's own
        D("max_worker_memory", SecUnicornet, Int, 0, "Recycle a worker whose RSS, read by the master, exceeds this many MiB (0 = off). gunicorn has no such setting.",
            flags: ["--max-worker-memory"], meta: "MIB", validate: Validators.Min(0)),
        D("max_worker_memory_min_age", SecUnicornet, Int, 60, "Seconds a worker must have run before max_worker_memory may recycle it.",
            flags: ["--max-worker-memory-min-age"], meta: "INT", validate: Validators.Min(0)),
        D("boot_timeout", SecUnicornet, Int, 60, "Seconds a new worker may take to load the app and report ready; during a reload old workers are retired only once new ones are ready.",
            flags: ["--boot-timeout"], meta: "INT", validate: Validators.Min(1)),
        D("header_read_timeout", SecUnicornet, Int, 10, "Seconds a client has to send a complete request head, so a slow client cannot pin a worker.",
            flags: ["--header-read-timeout"], meta: "INT", validate: Validators.Min(1)),
        D("log_json", SecUnicornet, Bool, false, "Write the error log as JSON lines.",
            flags: ["--log-json"], cli: CliKind.SetTrue),
        D("access_log_json", SecUnicornet, Bool, false, "Write the access log as JSON lines with typed fields instead of access_log_format.",
            flags: ["--access-log-json"], cli: CliKind.SetTrue),
        D("metrics_bind", SecUnicornet, Text, null, "Serve `/metrics` (Prometheus text or OpenMetrics), `/healthz` and `/readyz` from the master on this address (`HOST:PORT`, `[v6]:PORT`, `unix:PATH` or `fd://FD`), apart from the app's port. Off when unset.",
            flags: ["--metrics-bind"], meta: "ADDRESS", validate: Validators.OptionalBind),
        D("metrics_meters", SecUnicornet, Strings, new StringList(), "System.Diagnostics.Metrics meters whose instruments the workers ship to `/metrics`, summed across workers; globs (`MyApp.*`), repeatable. Needs metrics_bind.",
            flags: ["--metrics-meter"], cli: CliKind.Append, meta: "GLOB"),
        D("config_cache_dir", SecUnicornet, Text, null, "Where compiled config scripts are cached. Default: $XDG_CACHE_HOME/unicornet, else ~/.cache/unicornet.",
            flags: ["--config-cache-dir"], meta: "DIR", defaultText: "~/.cache/unicornet"),
    ];
}
