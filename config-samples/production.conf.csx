// production.conf.csx: the settings docs/production.md builds on (systemd, nginx in front, Kubernetes).
// The numbers here and in kubernetes/deployment.yaml agree (a test checks it):
//     terminationGracePeriodSeconds >= shutdown_delay + graceful_timeout + a margin.

// systemd passes the listening socket (LISTEN_FDS); bind is used only when started without it.
bind = "127.0.0.1:8000";
workers = Environment.ProcessorCount * 2 + 1;
worker_class = "async";
keepalive = 75;              // longer than nginx's upstream keepalive_timeout (60 s), so nginx closes first
timeout = 30;
graceful_timeout = 25;       // in-flight requests (and the accept queue) get this long after the delay
shutdown_delay = 5;          // TERM: readiness fails at once, the app keeps serving 5 s, then the graceful stop
max_requests = 10_000;
max_requests_jitter = 1000;
forwarded_allow_ips = "127.0.0.1";   // nginx on the same host sets X-Forwarded-*
accesslog = "-";
