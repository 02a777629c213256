using System.Net;
using System.Net.Sockets;

namespace Unicornet.Http.Parsing;

/// <summary>forwarded_allow_ips / proxy_allow_ips: addresses, CIDR networks or <c>*</c>.</summary>
internal sealed class IpAllowList
{
    private readonly IPNetwork[] _networks;

    public IpAllowList(IReadOnlyList<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (string raw in entries)
        {
            string entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            if (entry == "*")
            {
                AllowsAll = true;
                continue;
            }

            if (IPNetwork.TryParse(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out IPAddress? address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
        }

        _networks = networks.ToArray();
    }

    public bool AllowsAll { get; }

    /// <summary>A peer without an IP address (Unix socket, or none at all) is trusted, as in gunicorn.</summary>
    public bool Allows(IPAddress? peer)
    {
        if (AllowsAll || peer is null)
        {
            return true;
        }

        if (peer.IsIPv4MappedToIPv6)
        {
            IPAddress v4 = peer.MapToIPv4();
            foreach (IPNetwork network in _networks)
            {
                if (network.Contains(v4) || network.Contains(peer))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }

        return false;
    }
}
