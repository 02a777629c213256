using System.Globalization;
using System.Runtime.InteropServices;

namespace Unicornet.Platform;

/// <summary>
/// Switching a worker to another user and group before it loads the app (gunicorn's
/// <c>user</c>, <c>group</c> and <c>initgroups</c>). Names are looked up in /etc/passwd and
/// /etc/group, which is what NSS "files" does; numeric ids are taken as they are.
/// </summary>
public static class Privileges
{
    /// <summary>Resolves a user name or numeric uid; throws <see cref="ArgumentException"/> when unknown.</summary>
    public static uint ResolveUser(string user) => ResolveUserEntry(user).Uid;

    /// <summary>The primary gid of <paramref name="user"/> (name or uid), or null when it is not in /etc/passwd.</summary>
    public static uint? PrimaryGroupOf(string user)
    {
        try
        {
            return ResolveUserEntry(user).Gid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Resolves a group name or numeric gid; throws <see cref="ArgumentException"/> when unknown.</summary>
    public static uint ResolveGroup(string group)
    {
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
        {
            return gid;
        }

        foreach (string[] f in Entries("/etc/group"))
        {
            if (f.Length >= 3 && f[0] == group && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                return gid;
            }
        }

        throw new ArgumentException($"no such group: '{group}'");
    }

    /// <summary>
    /// Sets the group (and supplementary groups when <paramref name="initGroupsFor"/> is given), then
    /// the user. Order matters: once the uid changed the process may no longer change its groups.
    /// </summary>
    public static unsafe void Switch(uint? uid, uint? gid, string? initGroupsFor)
    {
        if (gid is uint g)
        {
            if (initGroupsFor is not null)
            {
                Check(Native.initgroups(initGroupsFor, g), "initgroups");
            }
            else if (uid is not null && Native.geteuid() == 0)
            {
                // Drop root's supplementary groups; otherwise the worker keeps group 0 access.
                uint only = g;
                Check(Native.setgroups(1, &only), "setgroups");
            }

            if (Native.getgid() != g)
            {
                Check(Native.setgid(g), "setgid");
            }
        }

        if (uid is uint u && Native.geteuid() != u)
        {
            Check(Native.setuid(u), "setuid");
        }
    }

    private static (uint Uid, uint Gid) ResolveUserEntry(string user)
    {
        bool numeric = uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uint uid);
        foreach (string[] f in Entries("/etc/passwd"))
        {
            if (f.Length >= 4 && (numeric ? f[2] == user : f[0] == user)
                && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint u)
                && uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint g))
            {
                return (u, g);
            }
        }

        if (numeric)
        {
            return (uid, Native.getgid());
        }

        throw new ArgumentException($"no such user: '{user}'");
    }

    private static IEnumerable<string[]> Entries(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                yield return line.Split(':');
            }
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), what + " failed");
        }
    }
}
