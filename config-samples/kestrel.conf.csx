// kestrel: Kestrel on the master's inherited sockets, for HTTP/2 and TLS. The master still owns
// the sockets, heartbeats, timeouts, recycling, hooks and signals.
bind = "0.0.0.0:8443";
workers = Environment.ProcessorCount;
worker_class = "kestrel";
http_protocols = "h2,h1";     // ALPN preference order over TLS
certfile = Environment.GetEnvironmentVariable("TLS_CERT") ?? "/etc/ssl/certs/app.pem";
keyfile = Environment.GetEnvironmentVariable("TLS_KEY") ?? "/etc/ssl/private/app.key";
http2_max_concurrent_streams = 100;
http2_initial_window_size = 1_048_576;

// Cleartext HTTP/2 (h2c prior knowledge) behind a proxy that speaks it instead:
// bind = "127.0.0.1:8000"; certfile = null; keyfile = null;
// http_protocols = "h2"; http2_cleartext = "prior-knowledge";
