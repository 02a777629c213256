using System.Net.Sockets;

namespace Unicornet.Http.Serving;

/// <summary>
/// A worker class's accept-and-serve loop on unicornet's HTTP/1.x engine (sync, gthread, async).
/// Create one with <see cref="HttpServingLoops.Create"/>.
/// </summary>
public interface IHttpServingLoop
{
    /// <summary>
    /// Accepts on <paramref name="listeners"/> (inherited, already listening) and serves until
    /// <paramref name="graceful"/> fires (stop accepting, finish in-flight requests within the
    /// graceful timeout, then return) or <paramref name="immediate"/> fires (drop everything, return).
    /// </summary>
    Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate);
}
