using System.Net.Sockets;
using Unicornet.Config.Settings;

namespace Unicornet.Arbitration;

/// <summary>A bound, listening socket the master owns for its whole life and lends to workers by fd number.</summary>
internal sealed class Listener : IDisposable
{
    public Listener(BindAddress address, Socket socket, bool inherited)
    {
        Address = address;
        Socket = socket;
        Inherited = inherited;
    }

    public BindAddress Address { get; }

    public Socket Socket { get; }

    /// <summary>True when it came from a previous master (USR2) or systemd rather than our own bind.</summary>
    public bool Inherited { get; }

    public int Fd => (int)Socket.Handle;

    public override string ToString() => Address.Kind switch
    {
        BindKind.Unix => "unix:" + Address.Path,
        BindKind.FileDescriptor => "fd://" + Address.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Socket.LocalEndPoint is System.Net.IPEndPoint ep
            ? (ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"http://[{ep.Address}]:{ep.Port}" : $"http://{ep.Address}:{ep.Port}")
            : Address.ToString(),
    };

    public void Dispose() => Socket.Dispose();
}
