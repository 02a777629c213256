// unicornet -c unicornet.conf.csx DirtyModel:Http.App   (run from this folder after `dotnet build`)
bind = "127.0.0.1:8000";
workers = 2;

// The model loads in ONE of the three dirty workers (":1"); drop the suffix to load it in all three
// and compare their memory with `unicornetc show dirty` or ps.
dirty_apps = ["DirtyModel:DirtyModel.ModelApp:1"];
dirty_workers = 3;
dirty_threads = 4;
dirty_timeout = 30;

void dirty_post_fork(DirtyArbiter arbiter, DirtyWorker worker) =>
    worker.Log.Info("dirty worker {Pid} starting with {Apps}", worker.Pid, string.Join(", ", worker.Apps));

void dirty_worker_init(DirtyWorker worker) =>
    worker.Log.Info("dirty worker {Pid} loaded its apps", worker.Pid);
