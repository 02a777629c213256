using System.Net;
using System.Text;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Forwarding;

/// <summary>
/// The proxy settings (<c>forwarded_allow_ips</c>, <c>secure_scheme_headers</c>, <c>forwarder_headers</c>,
/// <c>header_map</c>, <c>root_path</c>) normalised once, with the rules that give them their meaning. The engine's
/// parser and request and the kestrel class's middleware both decide through this one type, so the four worker
/// classes cannot drift apart.
/// </summary>
internal sealed class ForwardingPolicy
{
    /// <summary>The header whose hops <see cref="ClientFromForwardedFor"/> walks.</summary>
    public const string ForwardedForHeader = "X-Forwarded-For";

    public ForwardingPolicy(
        HeaderMapPolicy headerMap,
        IReadOnlyDictionary<string, string> secureSchemeHeaders,
        IReadOnlyList<string> forwardedAllowIps,
        IReadOnlyList<string> forwarderHeaders,
        string rootPath)
    {
        HeaderMap = headerMap;

        // Upper-cased and encoded once, so the engine compares wire bytes with HttpChars.EqualsUpper; the names stay
        // as strings too for header dictionaries, which compare without case.
        var scheme = new List<KeyValuePair<byte[], string>>();
        var schemeNames = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, string> pair in secureSchemeHeaders)
        {
            scheme.Add(new KeyValuePair<byte[], string>(Encoding.Latin1.GetBytes(pair.Key.ToUpperInvariant()), pair.Value));
            schemeNames.Add(pair);
        }

        SecureSchemeHeaders = scheme.ToArray();
        SecureSchemeHeaderNames = schemeNames.ToArray();
        var forwarders = new List<byte[]>();
        foreach (string name in forwarderHeaders)
        {
            if (name == "*")
            {
                AllForwarderHeaders = true;
            }

            forwarders.Add(Encoding.Latin1.GetBytes(name.ToUpperInvariant()));
        }

        ForwarderHeaders = forwarders.ToArray();
        ForwarderHeaderNames = [.. forwarderHeaders];
        ForwardedAllowIps = new IpAllowList(forwardedAllowIps);
        RootPath = rootPath.TrimEnd('/');
    }

    public HeaderMapPolicy HeaderMap { get; }

    /// <summary>Upper-cased header name → value meaning https.</summary>
    public KeyValuePair<byte[], string>[] SecureSchemeHeaders { get; }

    /// <summary>The same pairs with the names as configured.</summary>
    public KeyValuePair<string, string>[] SecureSchemeHeaderNames { get; }

    /// <summary>Upper-cased names.</summary>
    public byte[][] ForwarderHeaders { get; }

    /// <summary>The same names as configured.</summary>
    public string[] ForwarderHeaderNames { get; }

    public bool AllForwarderHeaders { get; }

    public IpAllowList ForwardedAllowIps { get; }

    /// <summary><c>root_path</c> without its trailing slash; empty when unset.</summary>
    public string RootPath { get; }

    /// <summary>
    /// One <c>secure_scheme_headers</c> field from a trusted peer: its scheme is merged into <paramref name="scheme"/>
    /// (null until a first one is seen). False when it disagrees with an earlier one: the request is refused
    /// (gunicorn's InvalidSchemeHeaders).
    /// </summary>
    public static bool MergeScheme(ref string? scheme, string value, string secureValue)
    {
        string mine = value == secureValue ? "https" : "http";
        if (scheme is null)
        {
            scheme = mine;
            return true;
        }

        return scheme == mine;
    }

    /// <summary>What <c>header_map</c> does with a field whose name has an underscore.</summary>
    public UnderscoreField ForUnderscoreField(bool trustedForwarder)
    {
        if (trustedForwarder || HeaderMap == HeaderMapPolicy.Dangerous)
        {
            return UnderscoreField.Keep;
        }

        return HeaderMap == HeaderMapPolicy.Drop ? UnderscoreField.Drop : UnderscoreField.Refuse;
    }

    /// <summary>Whether <paramref name="name"/> is one of <c>forwarder_headers</c> (wire bytes, any case).</summary>
    public bool IsForwarderHeader(ReadOnlySpan<byte> name)
    {
        if (AllForwarderHeaders)
        {
            return true;
        }

        foreach (byte[] candidate in ForwarderHeaders)
        {
            if (HttpChars.EqualsUpper(name, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> is one of <c>forwarder_headers</c> (any case).</summary>
    public bool IsForwarderHeader(string name)
    {
        if (AllForwarderHeaders)
        {
            return true;
        }

        foreach (string candidate in ForwarderHeaderNames)
        {
            if (string.Equals(name, candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The client named by a trusted peer's X-Forwarded-For (<paramref name="joined"/>: all its fields joined by
    /// commas), or null when it names none.
    /// </summary>
    public IPAddress? ClientFromForwardedFor(string joined)
    {
        // Walk from the nearest hop outwards; the first hop we do not trust is the client.
        IPAddress? chosen = null;
        string[] hops = joined.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (int i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out IPAddress? hop))
            {
                break;
            }

            chosen = hop;
            if (!ForwardedAllowIps.Allows(hop) || ForwardedAllowIps.AllowsAll)
            {
                break;
            }
        }

        return chosen;
    }

    /// <summary>
    /// Splits the mount point <paramref name="root"/> (<c>root_path</c>, or a uWSGI SCRIPT_NAME) off the decoded
    /// <paramref name="path"/>: true with PathBase and the rest when the path lies under it.
    /// </summary>
    public static bool SplitRoot(string root, string path, out string pathBase, out string rest)
    {
        if (root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal) && (path.Length == root.Length || path[root.Length] == '/'))
        {
            pathBase = root;
            rest = path[root.Length..];
            return true;
        }

        pathBase = "";
        rest = path;
        return false;
    }
}

/// <summary>What happens to one field whose name has an underscore.</summary>
internal enum UnderscoreField
{
    Keep,
    Drop,
    Refuse,
}
