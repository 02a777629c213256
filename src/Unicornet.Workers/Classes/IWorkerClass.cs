using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// A worker class: how a worker accepts on the inherited listeners and runs the app. Pick one with
/// <see cref="EngineWorkerClass"/> or <see cref="KestrelWorkerClass"/>.
/// </summary>
internal interface IWorkerClass
{
    /// <summary>Serves until <paramref name="graceful"/> (drain, then return) or <paramref name="immediate"/> (return now).</summary>
    Task RunAsync(RequestDelegate app, IReadOnlyList<Socket> listeners, IHttpServingEvents events, CancellationToken graceful, CancellationToken immediate);
}
