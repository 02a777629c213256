using System.Diagnostics;
using System.Text.Json;
using Unicornet.Config.Compiler;
using Unicornet.Config.Script;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Script;

/// <summary>The real unicornet executable in its compile and config-probe roles.</summary>
public sealed class CompileProcessTests : IDisposable
{
    private readonly ScriptDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Cli()
    {
        string cli = RepoPaths.CliAssembly() ?? throw new InvalidOperationException(
            "unicornet.dll not found: build src/Unicornet.Cli with the same --artifacts-path (or set UNICORNET_CLI_DLL)");

        // The cache key includes the Abstractions build; a unicornet.dll built from other sources
        // than this test would (rightly) never hit this process's cache.
        string theirs = Path.Combine(Path.GetDirectoryName(cli)!, "Unicornet.Abstractions.dll");
        Mvid(theirs).ShouldBe(typeof(ConfigScriptGlobals).Assembly.ManifestModule.ModuleVersionId, $"{cli} is stale against this test build: rebuild src/Unicornet.Cli");
        return cli;
    }

    private static Guid Mvid(string path)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(path));
        System.Reflection.Metadata.MetadataReader reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.GetGuid(reader.GetModuleDefinition().Mvid);
    }

    private static ProcessStartInfo Unicornet(string role, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Cli());
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["UNICORNET_ROLE"] = role;
        return psi;
    }

    private static (int Exit, string Out, string Err) RunToEnd(ProcessStartInfo psi)
    {
        using var p = Process.Start(psi)!;
        try
        {
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit(60_000).ShouldBeTrue("the unicornet process did not exit within 60 s");
            return (p.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            ProcessTree.Kill(p);
        }
    }

    [Fact]
    public void Probe_loads_the_cached_config_without_roslyn_and_binds_hooks()
    {
        _dir.Write("main.csx",
            "workers = 3;",
            "void post_fork(Arbiter server, Worker worker) => worker.Log.Info(\"hi\");",
            "void on_starting(Arbiter server) { }");
        new InProcessCompiler().Compile(_dir.Main, _dir.Cache).FromCache.ShouldBeFalse();

        (int exit, string output, string error) = RunToEnd(Unicornet("config-probe", _dir.Main, _dir.Cache));
        exit.ShouldBe(0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        string[] assemblies = report.RootElement.GetProperty("assemblies").EnumerateArray().Select(a => a.GetString()!).ToArray();
        assemblies.ShouldContain("Unicornet.Config");
        assemblies.ShouldContain("Unicornet.Abstractions");
        assemblies.ShouldNotContain(a => a.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal), string.Join(", ", assemblies));
        report.RootElement.GetProperty("hooks").EnumerateArray().Select(h => h.GetString()).Order().ShouldBe(["on_starting", "post_fork"]);
        report.RootElement.GetProperty("assignments").GetProperty("workers").GetString().ShouldBe("3");
        report.RootElement.GetProperty("rss_bytes").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Probe_refuses_a_stale_cache()
    {
        _dir.Write("main.csx", "workers = 3;");
        new InProcessCompiler().Compile(_dir.Main, _dir.Cache);
        _dir.Write("main.csx", "workers = 4;");
        (int exit, _, string error) = RunToEnd(Unicornet("config-probe", _dir.Main, _dir.Cache));
        exit.ShouldBe(2);
        error.ShouldContain("no current cached build");
    }

    [Fact]
    public void Child_process_compiler_compiles_then_hits_the_cache_without_a_process()
    {
        _dir.Write("main.csx", "workers = 5;", "void post_fork(Arbiter server, Worker worker) { }");
        var compiler = new ChildProcessCompiler(args => Unicornet("compile", args), TimeSpan.FromSeconds(90));
        CompiledScript first = compiler.Compile(_dir.Main, _dir.Cache);
        first.FromCache.ShouldBeFalse();
        compiler.LastProcess.ShouldNotBeNull();
        compiler.LastProcess.PeakRssBytes!.Value.ShouldBeGreaterThan(0);
        first.Hooks["post_fork"].ShouldBe(new SourceLocation(_dir.Main, 2, 6));
        File.Exists(first.AssemblyPath).ShouldBeTrue();

        CompiledScript second = compiler.Compile(_dir.Main, _dir.Cache);
        second.FromCache.ShouldBeTrue();
        compiler.LastProcess.ShouldBeNull();
        second.Hash.ShouldBe(first.Hash);
        new ConfigScriptRunner().Run(second, new Dictionary<string, string>()).Assignments.Single().Value.ShouldBe(5);
    }

    [Fact]
    public void Child_process_compiler_rebuilds_every_error_with_its_location()
    {
        _dir.Write("main.csx",
            "wokers = 4;",
            "void post_frok(Arbiter server, Worker worker) { }");
        var compiler = new ChildProcessCompiler(args => Unicornet("compile", args), TimeSpan.FromSeconds(90));
        ConfigException e = Should.Throw<ConfigException>(() => compiler.Compile(_dir.Main, _dir.Cache));
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 1, 1));
        e.Subject.ShouldBe("wokers");
        e.Message.ShouldBe("unknown setting 'wokers' (did you mean 'workers'?)");
        ConfigException other = e.Others.ShouldHaveSingleItem();
        other.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 6));
        other.Subject.ShouldBe("post_frok");
    }
}
