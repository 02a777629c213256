using Unicornet.Config.Options;

namespace Unicornet.Config.Sources;

/// <summary>
/// Combinations of settings that are each valid alone but cannot work together, refused at resolution (so at
/// <c>--check-config</c> and on HUP) with the setting named and, when a script set it, its place.
/// </summary>
internal static class SettingConflicts
{
    public static void Check(IReadOnlyDictionary<string, ResolvedSetting> values)
    {
        if (SettingChoices.Protocol.Parse((string?)values["protocol"].Value) != WireProtocol.Uwsgi)
        {
            return;
        }

        if (SettingChoices.WorkerClass.Parse((string?)values["worker_class"].Value) == WorkerClassKind.Kestrel)
        {
            throw Conflict(values, "protocol", "worker_class", "'uwsgi' is not available on the kestrel worker class (Kestrel has no uWSGI transport); use sync, gthread or async, or protocol = \"http\"");
        }

        if (SettingChoices.ProxyProtocol.Parse((string?)values["proxy_protocol"].Value) != ProxyProtocolMode.Off)
        {
            throw Conflict(values, "proxy_protocol", "protocol", "cannot be combined with protocol = \"uwsgi\": a uWSGI front end passes the client's address in REMOTE_ADDR");
        }
    }

    /// <summary>The error names <paramref name="setting"/> where it was set; the other side of the conflict is named in the message.</summary>
    private static ConfigException Conflict(IReadOnlyDictionary<string, ResolvedSetting> values, string setting, string other, string message)
    {
        ResolvedSetting mine = values[setting];
        ResolvedSetting theirs = values[other];

        // Point at whichever of the two a script set, so the location is the line to change.
        SourceLocation? location = mine.Location ?? theirs.Location;
        return new ConfigException(message + $" ({setting} from {Describe(mine)}, {other} from {Describe(theirs)})", location, setting);
    }

    private static string Describe(ResolvedSetting s) => s.Location is { } l ? l.ToString() : s.Origin switch
    {
        SettingOrigin.CommandLine => "the command line",
        SettingOrigin.CmdArgsEnvironment => "$" + ConfigRequest.CmdArgsVariable,
        SettingOrigin.Environment => "the environment",
        SettingOrigin.File => "the config file",
        _ => "the default",
    };
}
