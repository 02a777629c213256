// async: fully non-blocking on the .NET thread pool; thousands of idle keep-alive connections stay
// cheap. `worker_connections` is enforced. The counterpart of gunicorn's gevent/asgi workers.
bind = "127.0.0.1:8000";
workers = Environment.ProcessorCount;
worker_class = "async";
worker_connections = 10_000;
keepalive = 75;               // behind a load balancer, keep this above its idle timeout
