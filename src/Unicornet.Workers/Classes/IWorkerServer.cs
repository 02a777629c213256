using System.Net.Sockets;
using Unicornet.Hosting.AppLoading;

namespace Unicornet.Workers.Classes;

/// <summary>A loaded app bound to its worker class's server, ready to serve.</summary>
internal interface IWorkerServer
{
    /// <summary>The app (what to stop at worker exit).</summary>
    LoadedApp App { get; }

    /// <summary>Serves until <paramref name="graceful"/> (drain, then return) or <paramref name="immediate"/> (return now).</summary>
    Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate);
}
