using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary>Encodes a REQUEST: app, action, the positional arguments as a list, the named ones as a map (or null).</summary>
internal static class RequestFrame
{
    public static FrameBuilder Build(ulong id, string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named)
    {
        ArgumentException.ThrowIfNullOrEmpty(app);
        ArgumentException.ThrowIfNullOrEmpty(action);
        var frame = new FrameBuilder(MessageType.Request, id);
        try
        {
            frame.WriteString(app);
            frame.WriteString(action);
            args ??= [];
            frame.WriteListHeader(args.Length);
            foreach (object? a in args)
            {
                frame.WriteValue(a);
            }

            if (named is null)
            {
                frame.WriteNull();
            }
            else
            {
                frame.WriteMapHeader(named.Count);
                foreach (KeyValuePair<string, object?> kv in named)
                {
                    frame.WriteString(kv.Key);
                    frame.WriteValue(kv.Value);
                }
            }
        }
        catch
        {
            frame.Discard();
            throw;
        }

        return frame;
    }
}
