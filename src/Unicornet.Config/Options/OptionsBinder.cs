using Unicornet.Config.Settings;

namespace Unicornet.Config.Options;

/// <summary>
/// Binds a resolved config into <see cref="UnicornetOptions"/>, once. This is the only place that
/// reads the server's settings by name; each setting is read here and turned into its final type
/// (enums, split lists, "empty means unset") by one rule.
/// </summary>
internal static class OptionsBinder
{
    public static UnicornetOptions Bind(UnicornetConfig c) => new()
    {
        Arbiter = new ArbiterOptions
        {
            ProcName = c.Get<string?>("proc_name") ?? c.Get<string?>("default_proc_name") ?? RegistryDefault("default_proc_name"),
            Daemon = c.Get<bool>("daemon"),
            Pidfile = c.Get<string?>("pidfile"),
            PreloadApp = c.Get<bool>("preload_app"),
            Reload = c.Get<bool>("reload"),
            ReloadEngine = Choice(c, "reload_engine", SettingChoices.ReloadEngine),
            ReloadExtraFiles = c.Get<StringList>("reload_extra_files"),
            CheckConfig = c.Get<bool>("check_config"),
            PrintConfig = c.Get<bool>("print_config"),
            BootTimeout = c.Get<int>("boot_timeout"),
            MaxWorkerMemoryMiB = c.Get<int>("max_worker_memory"),
            MaxWorkerMemoryMinAge = c.Get<int>("max_worker_memory_min_age"),
            WorkerTmpDir = c.Get<string?>("worker_tmp_dir"),
        },
        Listeners = new ListenerOptions
        {
            Bind = c.Get<StringList>("bind").Select(BindAddress.Parse).ToArray(),
            Backlog = c.Get<int>("backlog"),
            ReusePort = c.Get<bool>("reuse_port"),
        },
        Worker = Worker(c),
        Http = new HttpOptions
        {
            HeaderReadTimeout = c.Get<int>("header_read_timeout"),
            LimitRequestLine = c.Get<int>("limit_request_line"),
            LimitRequestFields = c.Get<int>("limit_request_fields"),
            LimitRequestFieldSize = c.Get<int>("limit_request_field_size"),
            PermitObsoleteFolding = c.Get<bool>("permit_obsolete_folding"),
            StripHeaderSpaces = c.Get<bool>("strip_header_spaces"),
            PermitUnconventionalHttpMethod = c.Get<bool>("permit_unconventional_http_method"),
            PermitUnconventionalHttpVersion = c.Get<bool>("permit_unconventional_http_version"),
            CasefoldHttpMethod = c.Get<bool>("casefold_http_method"),
            HeaderMap = Choice(c, "header_map", SettingChoices.HeaderMap),
            SecureSchemeHeaders = c.Get<Dictionary<string, string>>("secure_scheme_headers"),
            ForwardedAllowIps = c.Get<StringList>("forwarded_allow_ips"),
            ForwarderHeaders = c.Get<StringList>("forwarder_headers"),
            ProxyProtocol = Choice(c, "proxy_protocol", SettingChoices.ProxyProtocol),
            ProxyAllowIps = c.Get<StringList>("proxy_allow_ips"),
            Protocol = Choice(c, "protocol", SettingChoices.Protocol),
            UwsgiAllowIps = c.Get<StringList>("uwsgi_allow_ips"),
            RootPath = c.Get<string?>("root_path") ?? RegistryDefault("root_path"),
            SendFile = c["sendfile"] is not false,
        },
        Ssl = new SslOptions
        {
            CertFile = NonEmpty(c.Get<string?>("certfile")),
            KeyFile = NonEmpty(c.Get<string?>("keyfile")),
            CaCerts = NonEmpty(c.Get<string?>("ca_certs")),
            CertReqs = (ClientCertificateRequirement)c.Get<int>("cert_reqs"),
            Ciphers = NonEmpty(c.Get<string?>("ciphers")),
            DoHandshakeOnConnect = c.Get<bool>("do_handshake_on_connect"),
            SuppressRaggedEofs = c.Get<bool>("suppress_ragged_eofs"),
        },
        Kestrel = new KestrelOptions
        {
            HttpProtocols = c.Get<StringList>("http_protocols"),
            Http2Cleartext = Choice(c, "http2_cleartext", SettingChoices.Http2Cleartext),
            Http2MaxConcurrentStreams = c.Get<int>("http2_max_concurrent_streams"),
            Http2InitialWindowSize = c.Get<int>("http2_initial_window_size"),
            Http2MaxFrameSize = c.Get<int>("http2_max_frame_size"),
            Http2MaxHeaderListSize = c.Get<int>("http2_max_header_list_size"),
        },
        Logging = new LoggingOptions
        {
            ErrorLog = c.Get<string?>("errorlog") ?? RegistryDefault("errorlog"),
            LogLevel = Choice(c, "loglevel", SettingChoices.LogLevel),
            LogJson = c.Get<bool>("log_json"),
            CaptureOutput = c.Get<bool>("capture_output"),
            AccessLog = c.Get<string?>("accesslog"),
            AccessLogFormat = c.Get<string?>("access_log_format"),
            AccessLogJson = c.Get<bool>("access_log_json"),
            DisableRedirectAccessToSyslog = c.Get<bool>("disable_redirect_access_to_syslog"),
            Syslog = c.Get<bool>("syslog"),
            SyslogAddress = c.Get<string?>("syslog_addr") ?? RegistryDefault("syslog_addr"),
            SyslogFacility = c.Get<string?>("syslog_facility") ?? RegistryDefault("syslog_facility"),
            SyslogPrefix = c.Get<string?>("syslog_prefix"),
            EnableStdioInheritance = c.Get<bool>("enable_stdio_inheritance"),
        },
        Metrics = new MetricsOptions
        {
            StatsdHost = NonEmpty(c.Get<string?>("statsd_host")),
            StatsdPrefix = c.Get<string?>("statsd_prefix"),
            DogstatsdTags = c.Get<string?>("dogstatsd_tags"),
            EnableBacklogMetric = c.Get<bool>("enable_backlog_metric"),
            Bind = NonEmpty(c.Get<string?>("metrics_bind")),
            Meters = c.Get<StringList>("metrics_meters"),
        },
        Dirty = new DirtyOptions
        {
            Apps = c.Get<StringList>("dirty_apps"),
            Workers = Math.Max(c.Get<int>("dirty_workers"), 0),
            Timeout = c.Get<int>("dirty_timeout"),
            Threads = c.Get<int>("dirty_threads"),
            GracefulTimeout = c.Get<int>("dirty_graceful_timeout"),
        },
        Control = new ControlOptions
        {
            Disabled = c.Get<bool>("control_socket_disable"),
            SocketPath = c.Get<string?>("control_socket"),
            Mode = c.Get<int>("control_socket_mode"),
        },
    };

    private static WorkerProcessOptions Worker(UnicornetConfig c)
    {
        int threads = c.Get<int>("threads");
        WorkerClassKind kind = Choice(c, "worker_class", SettingChoices.WorkerClass);
        return new WorkerProcessOptions
        {
            // gunicorn's rule: sync with more than one thread is gthread.
            WorkerClass = kind == WorkerClassKind.Sync && threads > 1 ? WorkerClassKind.Gthread : kind,
            Workers = c.Get<int>("workers"),
            Threads = threads,
            WorkerConnections = c.Get<int>("worker_connections"),
            MaxRequests = c.Get<int>("max_requests"),
            MaxRequestsJitter = c.Get<int>("max_requests_jitter"),
            Timeout = c.Get<int>("timeout"),
            GracefulTimeout = c.Get<int>("graceful_timeout"),
            ShutdownDelay = c.Get<int>("shutdown_delay"),
            Keepalive = c.Get<int>("keepalive"),
            User = c.Get<string?>("user"),
            Group = c.Get<string?>("group"),
            InitGroups = c.Get<bool>("initgroups"),
            Umask = c.Get<int>("umask"),
            Chdir = NonEmpty(c.Get<string?>("chdir")),
            PythonPath = SplitPythonPath(c.Get<string?>("pythonpath")),
            Environment = c.Get<StringList>("raw_env").Select(Pair).OfType<KeyValuePair<string, string>>().ToArray(),
        };
    }

    /// <summary><c>pythonpath</c>'s one reading: comma-separated, entries trimmed, empty ones dropped.</summary>
    internal static IReadOnlyList<string> SplitPythonPath(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static KeyValuePair<string, string>? Pair(string entry)
    {
        int eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? new KeyValuePair<string, string>(entry[..eq], entry[(eq + 1)..]) : null;
    }

    // A script may assign null to a setting whose consumers need text; the registry's default stands in.
    private static string RegistryDefault(string name) => (string)SettingsRegistry.Get(name).Default(new Dictionary<string, string>())!;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// The enum a choice setting names. Values were normalised when resolved, so this fails only for a
    /// value that bypassed validation (a hand-edited snapshot); the error then names the setting and,
    /// for script values, the place it was assigned, like every other config error.
    /// </summary>
    private static T Choice<T>(UnicornetConfig c, string name, SettingChoice<T> choice)
        where T : struct, Enum
    {
        ResolvedSetting resolved = c.Resolved(name);
        try
        {
            return choice.Parse(resolved.Value as string);
        }
        catch (SettingValueException e)
        {
            throw new ConfigException(e.Message, resolved.Location, name);
        }
    }
}
