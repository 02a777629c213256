namespace Unicornet.Dirty.Protocol;

/// <summary>
/// The content of an ERROR frame: a map <c>{kind, message, app?, action?, type?, stack?}</c>. It is
/// rebuilt into the matching typed exception on the receiving side.
/// </summary>
internal sealed record DirtyError(string Kind, string Message, string? App = null, string? Action = null, string? RemoteType = null, string? RemoteStack = null)
{
    public void WriteTo(FrameBuilder frame)
    {
        int count = 2 + (App is null ? 0 : 1) + (Action is null ? 0 : 1) + (RemoteType is null ? 0 : 1) + (RemoteStack is null ? 0 : 1);
        frame.WriteMapHeader(count);
        frame.WriteString("kind");
        frame.WriteString(Kind);
        frame.WriteString("message");
        frame.WriteString(Message);
        Optional(frame, "app", App);
        Optional(frame, "action", Action);
        Optional(frame, "type", RemoteType);
        Optional(frame, "stack", RemoteStack);
    }

    /// <summary>The answer to a call that ran past <c>dirty_timeout</c>, whichever process enforced it.</summary>
    public static DirtyError CallTimedOut(long timeoutTicks) => new(
        ErrorKinds.Timeout,
        $"the dirty call did not answer within dirty_timeout ({(timeoutTicks / System.Diagnostics.Stopwatch.Frequency).ToString(System.Globalization.CultureInfo.InvariantCulture)}s)");

    public static FrameBuilder Frame(ulong requestId, DirtyError error)
    {
        var frame = new FrameBuilder(MessageType.Error, requestId);
        error.WriteTo(frame);
        return frame;
    }

    public static DirtyError Parse(byte[] payload)
    {
        var reader = new TlvReader(payload);
        if (reader.ReadValue() is not Dictionary<string, object?> map)
        {
            throw new DirtyProtocolException("ERROR payload is not a map");
        }

        return new DirtyError(
            map.GetValueOrDefault("kind") as string ?? "unknown",
            map.GetValueOrDefault("message") as string ?? "",
            map.GetValueOrDefault("app") as string,
            map.GetValueOrDefault("action") as string,
            map.GetValueOrDefault("type") as string,
            map.GetValueOrDefault("stack") as string);
    }

    public Exception ToException() => Kind switch
    {
        ErrorKinds.AppNotFound => new DirtyAppNotFoundException(App ?? "", Message),
        ErrorKinds.ActionNotFound => new DirtyActionNotFoundException(App ?? "", Action ?? "", Message),
        ErrorKinds.NoWorkers => new DirtyNoWorkersAvailableException(App ?? "", Message),
        ErrorKinds.Timeout => new DirtyTimeoutException(Message),
        ErrorKinds.AppError => new DirtyAppException(App, Action, RemoteType, Message, RemoteStack),
        ErrorKinds.WorkerLost => new DirtyWorkerLostException(Message),
        ErrorKinds.StashKeyNotFound => new StashKeyNotFoundException(Message),
        ErrorKinds.StashError => new StashException(Message),
        ErrorKinds.Protocol => new DirtyProtocolException(Message),
        _ => new DirtyException(Kind + ": " + Message),
    };

    private static void Optional(FrameBuilder frame, string key, string? value)
    {
        if (value is not null)
        {
            frame.WriteString(key);
            frame.WriteString(value);
        }
    }
}
