using Unicornet.Config;
using Unicornet.Platform;

namespace Unicornet.Workers.Boot;

/// <summary>Takes on <c>user</c>, <c>group</c> and (with <c>initgroups</c>) the user's groups, after post_fork.</summary>
internal static class PrivilegeDrop
{
    /// <summary>Switches; throws <see cref="PrivilegeSwitchException"/> when the system refuses.</summary>
    public static void Apply(UnicornetConfig config)
    {
        string? user = config.Options.Worker.User;
        string? group = config.Options.Worker.Group;
        if (user is null && group is null)
        {
            return;
        }

        uint? uid = user is null ? null : Privileges.ResolveUser(user);
        uint? gid = group is not null ? Privileges.ResolveGroup(group) : user is null ? null : Privileges.PrimaryGroupOf(user);
        if (uid == ProcessInfo.EffectiveUid && group is null)
        {
            return;
        }

        try
        {
            Privileges.Switch(uid, gid, config.Options.Worker.InitGroups && user is not null ? user : null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // The usual cause is a master that is not root: say so instead of printing a stack.
            throw new PrivilegeSwitchException($"cannot run as user {user ?? "(unchanged)"} group {group ?? "(primary)"}: {e.Message}: {e.NativeErrorCode switch { 1 => "EPERM, only root can switch users", _ => "errno " + e.NativeErrorCode }}");
        }
    }
}
