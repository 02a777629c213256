// gthread: `threads` request threads per worker, keep-alive for `keepalive` seconds, and at most
// `worker_connections` open connections per worker (it stops accepting at the cap).
bind = "127.0.0.1:8000";
workers = Environment.ProcessorCount;
worker_class = "gthread";
threads = 8;
keepalive = 5;
worker_connections = 1000;
graceful_timeout = 30;
