namespace Unicornet.Control;

/// <summary>One listening socket the master holds.</summary>
/// <param name="Address">The address as configured (<c>127.0.0.1:8000</c>, <c>unix:/run/app.sock</c>).</param>
/// <param name="Fd">The descriptor number workers inherit.</param>
/// <param name="Type"><c>unix</c>, <c>tcp</c> or <c>tcp6</c>.</param>
public sealed record ListenerInfo(string Address, int Fd, string Type);

/// <summary>The reply to <c>show listeners</c>.</summary>
/// <param name="Listeners">The master's listening sockets.</param>
public sealed record ListenersData(IReadOnlyList<ListenerInfo> Listeners)
{
    /// <summary>How many listeners are listed.</summary>
    public int Count => Listeners.Count;
}
