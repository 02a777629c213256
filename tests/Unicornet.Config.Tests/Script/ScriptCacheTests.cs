using Unicornet.Config.Compiler;
using Unicornet.Config.Script;

namespace Unicornet.Config.Tests.Script;

public sealed class ScriptCacheTests : IDisposable
{
    private readonly ScriptDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_directive_is_relative_to_the_script_and_positions_point_into_the_loaded_file()
    {
        _dir.Write("common.csx",
            "workers = 3;",
            "void post_fork(Arbiter server, Worker worker) { }");
        _dir.Write("main.csx",
            "#load \"common.csx\"",
            "timeout = workers * 10;");
        CompiledScript compiled = _dir.Compile();
        compiled.Assignments["workers"].ShouldBe([new SourceLocation(_dir.File("common.csx"), 1, 1)]);
        compiled.Assignments["timeout"].ShouldBe([new SourceLocation(_dir.Main, 2, 1)]);
        compiled.Hooks["post_fork"].ShouldBe(new SourceLocation(_dir.File("common.csx"), 2, 6));

        ScriptEvaluation run = new ConfigScriptRunner().Run(compiled, new Dictionary<string, string>());
        run.Assignments.Select(a => (a.Name, a.Value)).ShouldBe([("workers", (object?)3), ("timeout", 30)]);
        run.Hooks.Has("post_fork").ShouldBeTrue();
    }

    [Fact]
    public void Settings_read_their_defaults_and_last_assignment_wins()
    {
        _dir.Write("main.csx",
            "workers = workers * 2;",
            "timeout = 5;",
            "timeout = timeout + 1;",
            "bind.Add(\"unix:/tmp/x.sock\");");
        ScriptEvaluation run = _dir.Run(env: new Dictionary<string, string> { ["WEB_CONCURRENCY"] = "3" });
        run.Assignments.Single(a => a.Name == "workers").Value.ShouldBe(6);
        ScriptAssignment timeout = run.Assignments.Single(a => a.Name == "timeout");
        timeout.Value.ShouldBe(6);
        timeout.Location.ShouldBe(new SourceLocation(_dir.Main, 3, 1));
        ScriptAssignment bind = run.Assignments.Single(a => a.Name == "bind");
        ((StringList)bind.Value!).ShouldBe(["127.0.0.1:8000", "unix:/tmp/x.sock"]);
        bind.Location.ShouldBe(new SourceLocation(_dir.Main, 4, 1));
    }

    [Fact]
    public void Second_compile_is_a_cache_hit_that_does_not_recompile()
    {
        _dir.Write("main.csx", "workers = 2;");
        var compiler = new InProcessCompiler();
        CompiledScript first = compiler.Compile(_dir.Main, _dir.Cache);
        first.FromCache.ShouldBeFalse();
        compiler.LastCompileTime.ShouldBeGreaterThan(TimeSpan.Zero);
        DateTime written = File.GetLastWriteTimeUtc(first.AssemblyPath);

        // Poison the assembly in place: a recompile would replace it, a hit must not touch it.
        byte[] original = File.ReadAllBytes(first.AssemblyPath);
        File.SetLastWriteTimeUtc(first.AssemblyPath, written.AddMinutes(-5));
        CompiledScript second = compiler.Compile(_dir.Main, _dir.Cache);
        second.FromCache.ShouldBeTrue();
        compiler.LastCompileTime.ShouldBe(TimeSpan.Zero);
        second.Hash.ShouldBe(first.Hash);
        File.GetLastWriteTimeUtc(second.AssemblyPath).ShouldBe(written.AddMinutes(-5));
        File.ReadAllBytes(second.AssemblyPath).ShouldBe(original);

        // The hit is decided without Roslyn, in Unicornet.Config.
        ScriptCache.TryLoad(_dir.Main, _dir.Cache)!.Hash.ShouldBe(first.Hash);
    }

    [Fact]
    public void Changing_a_loaded_file_invalidates_the_cache()
    {
        _dir.Write("common.csx", "workers = 3;");
        _dir.Write("main.csx", "#load \"common.csx\"", "timeout = 7;");
        CompiledScript first = _dir.Compile();
        _dir.Compile().FromCache.ShouldBeTrue();

        _dir.Write("common.csx", "workers = 5;");
        ScriptCache.TryLoad(_dir.Main, _dir.Cache).ShouldBeNull();
        CompiledScript changed = _dir.Compile();
        changed.FromCache.ShouldBeFalse();
        changed.Hash.ShouldNotBe(first.Hash);
        new ConfigScriptRunner().Run(changed, new Dictionary<string, string>())
            .Assignments.Single(a => a.Name == "workers").Value.ShouldBe(5);
    }

    [Fact]
    public void Damaged_cache_is_a_miss_not_an_error()
    {
        _dir.Write("main.csx", "workers = 2;");
        CompiledScript first = _dir.Compile();
        File.WriteAllText(ScriptCache.MetadataPath(_dir.Cache, first.Hash), "{ not json");
        ScriptCache.TryLoad(_dir.Main, _dir.Cache).ShouldBeNull();
        CompiledScript again = _dir.Compile();
        again.FromCache.ShouldBeFalse();
        _dir.Compile().FromCache.ShouldBeTrue();
    }

    [Fact]
    public void Reference_directive_loads_a_dll_beside_the_script()
    {
        // Build a tiny library with Roslyn (the test process may), then #r it by relative path.
        string lib = _dir.File("Greeter.dll");
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Lib; public static class Greeter { public static int Workers() => 9; }");
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Greeter",
            [tree],
            [Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary));
        using (FileStream fs = File.Create(lib))
        {
            compilation.Emit(fs).Success.ShouldBeTrue();
        }

        _dir.Write("main.csx", "#r \"Greeter.dll\"", "workers = Lib.Greeter.Workers();");
        CompiledScript compiled = _dir.Compile();
        compiled.References.ShouldBe([lib]);
        new ConfigScriptRunner().Run(compiled, new Dictionary<string, string>())
            .Assignments.Single().Value.ShouldBe(9);
    }
}
