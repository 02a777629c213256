using Unicornet.Config.Options;
using Unicornet.Workers.Classes;

namespace Unicornet.Workers.Tests;

public sealed class WorkerClassRegistryTests
{
    public static TheoryData<WorkerClassKind, string> Kinds => new()
    {
        { WorkerClassKind.Sync, "sync" },
        { WorkerClassKind.Gthread, "gthread" },
        { WorkerClassKind.Async, "async" },
        { WorkerClassKind.Kestrel, "kestrel" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_maps_to_its_own_class_named_after_it(WorkerClassKind kind, string name)
    {
        IWorkerClass c = WorkerClassRegistry.Get(kind);
        c.Kind.ShouldBe(kind);
        c.Name.ShouldBe(name);

        // The type (and so its file, src/Unicornet.Workers/Classes/<Type>.cs) is named after the class.
        c.GetType().Name.ShouldBe(char.ToUpperInvariant(name[0]) + name[1..] + "WorkerClass");

        // And it is the name the settings parse worker_class into this kind from.
        ChoiceText.Of(kind).ShouldBe(name);
    }

    [Fact]
    public void Every_kind_has_exactly_one_class()
    {
        WorkerClassRegistry.All.Select(c => c.Kind).Order().ShouldBe(Enum.GetValues<WorkerClassKind>().Order());
        WorkerClassRegistry.All.Select(c => c.GetType()).Distinct().Count().ShouldBe(Enum.GetValues<WorkerClassKind>().Length);
    }

    [Fact]
    public void Only_kestrel_leaves_app_errors_to_the_server()
    {
        // Which classes report a busy worker as silent (BusyAt) is covered end to end by HungRequestNamingTests.
        WorkerClassRegistry.All.Where(c => !c.LogsAppErrors).Select(c => c.Kind).ShouldBe([WorkerClassKind.Kestrel]);
    }
}
