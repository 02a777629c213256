using Unicornet.Config.Compiler;
using Unicornet.Config.Script;

namespace Unicornet.Config.Tests.Script;

/// <summary>A temporary directory holding config scripts and their compile cache.</summary>
internal sealed class ScriptDir : IDisposable
{
    public ScriptDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "unicornet-script-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Cache => System.IO.Path.Combine(Path, "cache");

    public string Main => File("main.csx");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a script; lines are joined with \n so tests can count lines and columns.</summary>
    public string Write(string name, params string[] lines)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    public CompiledScript Compile(string name = "main.csx") => new InProcessCompiler().Compile(File(name), Cache);

    public ConfigException CompileFails(string name = "main.csx") => Should.Throw<ConfigException>(() => Compile(name));

    public ScriptEvaluation Run(string name = "main.csx", IReadOnlyDictionary<string, string>? env = null) =>
        new ConfigScriptRunner().Run(Compile(name), env ?? new Dictionary<string, string>());

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

/// <summary>An ILog that records what it was given.</summary>
internal sealed class FakeLog : ILog
{
    public List<(string Level, string Template, object?[] Args, Exception? Error)> Entries { get; } = [];

    public void Debug(string messageTemplate, params object?[] args) => Entries.Add(("debug", messageTemplate, args, null));

    public void Info(string messageTemplate, params object?[] args) => Entries.Add(("info", messageTemplate, args, null));

    public void Warning(string messageTemplate, params object?[] args) => Entries.Add(("warning", messageTemplate, args, null));

    public void Error(string messageTemplate, params object?[] args) => Entries.Add(("error", messageTemplate, args, null));

    public void Critical(string messageTemplate, params object?[] args) => Entries.Add(("critical", messageTemplate, args, null));

    public void Exception(Exception exception, string messageTemplate, params object?[] args) => Entries.Add(("exception", messageTemplate, args, exception));

    public void Reopen()
    {
    }
}

internal sealed class FakeSettings : ISettings
{
    public object? this[string name] => name == "workers" ? 2 : null;

    public IReadOnlyList<string> Names => ["workers"];

    public T Get<T>(string name) => (T)this[name]!;

    public string OriginOf(string name) => "default";
}

internal sealed class FakeArbiter(ILog log) : Arbiter
{
    public override int Pid => 4242;

    public override ISettings Cfg { get; } = new FakeSettings();

    public override ILog Log => log;

    public override int NumWorkers => 2;

    public override IReadOnlyList<Worker> Workers => [];

    public override string? AppUri => "App.dll:App";

    public override string ProcName => "test";
}

internal sealed class FakeWorker(ILog log, int pid) : Worker
{
    public override int Pid => pid;

    public override int Ppid => 4242;

    public override int Age => 1;

    public override bool Alive => true;

    public override bool Booted => true;

    public override bool Aborted => false;

    public override ISettings Cfg { get; } = new FakeSettings();

    public override ILog Log => log;

    public override string WorkerClass => "sync";

    public override long RequestCount => 0;

    public override void Notify()
    {
    }
}

internal sealed class FakeRequest : Request
{
    public override string Method => "GET";

    public override string Uri => "/hello?x=1";

    public override string Path => "/hello";

    public override string Query => "x=1";

    public override string Version => "HTTP/1.1";

    public override string Scheme => "http";

    public override IReadOnlyList<KeyValuePair<string, string>> Headers => [new("User-Agent", "t")];

    public override string? RemoteAddress => "127.0.0.1";

    public override Microsoft.AspNetCore.Http.HttpContext? HttpContext => null;
}

internal sealed class FakeResponse : Response
{
    public override int Status => 204;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers => [];

    public override long BytesSent => 0;

    public override TimeSpan Duration => TimeSpan.FromMilliseconds(3);

    public override Microsoft.AspNetCore.Http.HttpContext? HttpContext => null;
}
