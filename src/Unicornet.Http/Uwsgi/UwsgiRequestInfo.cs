using System.Net;

namespace Unicornet.Http.Uwsgi;

/// <summary>
/// What a uWSGI packet says about its request beyond the HTTP head: the addresses the front end saw and the split
/// of the path into SCRIPT_NAME and the rest. Reused per request (one per connection).
/// </summary>
internal sealed class UwsgiRequestInfo
{
    /// <summary>SCRIPT_NAME: the mount point the front end serves the app under ("" when not sent).</summary>
    public string ScriptName { get; set; } = "";

    /// <summary>
    /// The already decoded path (SCRIPT_NAME + PATH_INFO) when the packet had no REQUEST_URI to decode the path
    /// from, as an HTTP request's would be; null when the head's raw path is to be decoded.
    /// </summary>
    public string? DecodedPath { get; set; }

    /// <summary>REMOTE_ADDR (null when absent or not an address, e.g. a front end's own Unix-socket client).</summary>
    public IPAddress? RemoteAddress { get; set; }

    public int RemotePort { get; set; }

    /// <summary>SERVER_ADDR; null = the socket's own local address.</summary>
    public IPAddress? LocalAddress { get; set; }

    /// <summary>SERVER_PORT; -1 = the socket's own local port.</summary>
    public int LocalPort { get; set; } = -1;

    public void Reset()
    {
        ScriptName = "";
        DecodedPath = null;
        RemoteAddress = null;
        RemotePort = 0;
        LocalAddress = null;
        LocalPort = -1;
    }
}
