// unicornet.conf.csx: a commented sample that sets most settings and defines every hook.
// A gunicorn.conf.py translates line by line: each setting keeps gunicorn's name, and a hook is a
// top-level method with gunicorn's name and typed parameters. Check it with:
//     unicornet -c config-samples/unicornet.conf.csx --check-config
// Any BCL API and the environment are available; `#load "other.csx"` pulls in another script.

#load "common.csx"

// ---- Server socket ----------------------------------------------------------------------------
bind = ["127.0.0.1:8000", "unix:/tmp/unicornet-sample.sock"];   // a single string works too
backlog = 2048;

// ---- Worker processes -------------------------------------------------------------------------
workers = Math.Min(Environment.ProcessorCount * 2 + 1, 8);
worker_class = "gthread";        // sync | gthread | async | kestrel
threads = 4;
worker_connections = 1000;
max_requests = 10_000;           // recycle a worker after this many requests...
max_requests_jitter = 500;       // ...plus a random 0..500 so they do not all restart at once
timeout = 30;                    // a silent worker is killed after this (its stack traces are logged)
graceful_timeout = 30;
keepalive = 5;

// ---- Security limits --------------------------------------------------------------------------
limit_request_line = 4094;
limit_request_fields = 100;
limit_request_field_size = 8190;

// ---- Server mechanics -------------------------------------------------------------------------
preload_app = false;
reuse_port = false;
daemon = false;
raw_env = ["ASPNETCORE_ENVIRONMENT=Production", $"SAMPLE_STARTED={DateTime.UtcNow:O}"];
pidfile = null;
umask = 0x12;                    // same as 0022
worker_tmp_dir = Directory.Exists("/dev/shm") ? "/dev/shm" : null;
forwarded_allow_ips = "127.0.0.1, ::1";
secure_scheme_headers = new() { ["X-FORWARDED-PROTO"] = "https", ["X-FORWARDED-SSL"] = "on" };
proxy_protocol = "off";
proxy_allow_ips = "127.0.0.1";
header_map = "drop";
root_path = "";

// ---- Logging ----------------------------------------------------------------------------------
errorlog = "-";
loglevel = Environment.GetEnvironmentVariable("LOG_LEVEL") ?? "info";
accesslog = null;                // "-" for stdout
access_log_format = "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\" %(M)sms";
capture_output = false;
log_json = false;

// ---- Process naming ---------------------------------------------------------------------------
proc_name = SampleName;          // defined in common.csx

// ---- Dirty arbiters (off unless dirty_workers > 0 and dirty_apps is set) ----------------------
dirty_workers = 0;
dirty_timeout = 300;
dirty_threads = 2;

// ---- unicornet extensions ---------------------------------------------------------------------
max_worker_memory = 512;         // MiB of RSS before a worker is recycled (0 = off)
boot_timeout = 60;
header_read_timeout = 10;

// ---- Server hooks (master) --------------------------------------------------------------------
void on_starting(Arbiter server) => server.Log.Info("starting {Name}", server.ProcName);

void on_reload(Arbiter server) => server.Log.Info("reloading the configuration");

void when_ready(Arbiter server) => server.Log.Info("ready with {Count} workers", server.NumWorkers);

void pre_fork(Arbiter server, Worker worker) { }

void pre_exec(Arbiter server) => server.Log.Info("starting a new master (USR2)");

void child_exit(Arbiter server, Worker worker) => server.Log.Info("worker {Pid} exited", worker.Pid);

void nworkers_changed(Arbiter server, int new_value, int? old_value) =>
    server.Log.Info("workers: {Old} -> {New}", old_value, new_value);

void on_exit(Arbiter server) => server.Log.Info("bye");

// ---- Server hooks (worker) --------------------------------------------------------------------
void post_fork(Arbiter server, Worker worker) => worker.Log.Info("worker {Pid} spawned", worker.Pid);

void post_worker_init(Worker worker) => worker.Log.Debug("app loaded in {Pid}", worker.Pid);

void worker_int(Worker worker) => worker.Log.Info("worker {Pid} interrupted", worker.Pid);

void worker_abort(Worker worker) => worker.Log.Warning("worker {Pid} aborted (timeout)", worker.Pid);

void worker_exit(Arbiter server, Worker worker) => worker.Log.Info("worker {Pid} exiting", worker.Pid);

void pre_request(Worker worker, Request req) => worker.Log.Debug("{Method} {Path}", req.Method, req.Path);

void post_request(Worker worker, Request req, Response resp)
{
    if (resp.Duration > TimeSpan.FromSeconds(1))
    {
        worker.Log.Warning("slow request {Method} {Path}: {Ms} ms", req.Method, req.Path, resp.Duration.TotalMilliseconds);
    }
}

SslServerAuthenticationOptions ssl_context(ISettings config, Func<SslServerAuthenticationOptions> default_ssl_context_factory)
{
    SslServerAuthenticationOptions options = default_ssl_context_factory();
    options.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
    return options;
}

// ---- Dirty hooks ------------------------------------------------------------------------------
void on_dirty_starting(DirtyArbiter arbiter) => arbiter.Log.Info("dirty arbiter starting");

void dirty_post_fork(DirtyArbiter arbiter, DirtyWorker worker) { }

void dirty_worker_init(DirtyWorker worker) => worker.Log.Info("dirty worker {Pid} loaded {Apps}", worker.Pid, worker.Apps);

void dirty_worker_exit(DirtyArbiter arbiter, DirtyWorker worker) => arbiter.Log.Info("dirty worker {Pid} exited", worker.Pid);
