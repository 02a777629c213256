using System.Runtime;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// Gives back what starting an app left behind. Building a host (configuration, DI, endpoint tables, JSON
/// metadata) allocates megabytes that are garbage once it serves; with the workstation GC they stay in the
/// young generations until enough requests trigger a collection, so an idle worker keeps them as private
/// memory, once per worker. One compacting collection when the app is ready returns them to the OS.
/// </summary>
internal static class StartupMemory
{
    public static void Release()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
