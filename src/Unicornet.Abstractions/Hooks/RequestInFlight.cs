namespace Unicornet;

/// <summary>
/// A request a worker is running: what a <c>WORKER TIMEOUT</c> entry, <c>worker_abort</c> and
/// <c>unicornetc top</c> show of it.
/// </summary>
/// <param name="Method">The request method.</param>
/// <param name="Path">The request path, cut to a fixed length.</param>
/// <param name="Client">The client's address and port.</param>
/// <param name="Running">How long the request has run.</param>
public sealed record RequestInFlight(string Method, string Path, string Client, TimeSpan Running)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Method} {Path} from {Client}, running {Running.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} s";
}
