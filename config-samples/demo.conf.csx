// The README's demo: the hello app on 127.0.0.1:8000 with 2 workers.
bind = Environment.GetEnvironmentVariable("DEMO_BIND") ?? "127.0.0.1:8000";
workers = 2;
worker_class = "async";
accesslog = "-";
proc_name = "unicornet-demo";

void when_ready(Arbiter server) =>
    server.Log.Info("demo ready: curl http://{Bind}/", server.Cfg.Get<StringList>("bind")[0]);
