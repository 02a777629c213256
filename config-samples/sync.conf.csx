// sync: one connection at a time per worker, no keep-alive (every response closes the connection).
// A busy worker does not accept, so the kernel hands new connections to idle workers. Put a
// buffering proxy (nginx) in front: a slow client holds a whole worker.
bind = "127.0.0.1:8000";
workers = Environment.ProcessorCount * 2 + 1;
worker_class = "sync";
timeout = 30;                 // also bounds a request: a worker stuck longer is killed
header_read_timeout = 10;     // a slowloris client cannot pin the worker longer than this
max_requests = 5000;
max_requests_jitter = 500;
