using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// Which ready workers hold each configured app: what ROUTE answers and what relayed calls pick from.
/// Each app's array is swapped as a whole when it changes, so readers on the socket threads take no lock.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<string, AppSlot> _slots = new(StringComparer.Ordinal);
    private readonly AppDirectory _directory;
    private readonly SessionSet _sessions;
    private readonly string _socketDirectory;
    private readonly ILog _log;

    public RouteTable(AppDirectory directory, SessionSet sessions, string socketDirectory, ILog log)
    {
        _directory = directory;
        _sessions = sessions;
        _socketDirectory = socketDirectory;
        _log = log;
    }

    /// <summary>Every configured app with its worker limit; fixed once <see cref="Load"/> ran.</summary>
    public IReadOnlyCollection<AppSlot> Slots => _slots.Values;

    /// <summary>Reads each app's worker limit (its spec's, else the one its assembly declares). Runs before any connection.</summary>
    public void Load()
    {
        _slots.Clear();
        foreach (DirtyAppSpec spec in _directory.Specs)
        {
            _slots[spec.Id] = new AppSlot(spec, spec.Workers ?? DeclaredWorkers(spec));
        }
    }

    private int? DeclaredWorkers(DirtyAppSpec spec)
    {
        try
        {
            string? path = AppAssemblyResolver.Locate(spec.Assembly);
            if (path is null)
            {
                DirtyLog.AppAssemblyNotFound(_log, spec.Assembly, Environment.CurrentDirectory);
                return null;
            }

            return AppMetadata.DeclaredWorkers(path, spec.TypeName);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
            DirtyLog.AppAssemblyUnreadable(_log, spec.Assembly, e.Message);
            return null;
        }
    }

    /// <summary>The fewest workers that give every limited app its count (at least one).</summary>
    public int MinimumWorkers()
    {
        int min = 1;
        foreach (AppSlot s in _slots.Values)
        {
            if (s.Limit is { } n)
            {
                min = Math.Max(min, n);
            }
        }

        return min;
    }

    /// <summary>How many workers must keep holding <paramref name="spec"/>.</summary>
    public int Need(DirtyAppSpec spec) => _slots[spec.Id].Limit ?? 1;

    /// <summary>Rebuilds every app's ready-worker array and tells clients (under the pool's lock).</summary>
    public void Rebuild(IReadOnlyList<WorkerHandle> workers)
    {
        foreach (AppSlot slot in _slots.Values)
        {
            var ready = new List<WorkerHandle>();
            foreach (WorkerHandle w in workers)
            {
                if (w.Ready && !w.Retiring && w.Connection is not null && w.Holds(slot.Spec))
                {
                    ready.Add(w);
                }
            }

            Volatile.Write(ref slot.Ready, ready.ToArray());
        }

        _sessions.AnnounceRoutesChanged();
    }

    /// <summary>The ready workers holding the app a frame names, or null after answering the client with the reason.</summary>
    public WorkerHandle[]? ReadyWorkersFor(ClientSession session, Frame frame)
    {
        string appName = frame.Reader().ReadString();
        if (_directory.Resolve(appName) is not { } spec || !_slots.TryGetValue(spec.Id, out AppSlot? slot))
        {
            session.Connection.Send(DirtyError.Frame(frame.RequestId, new DirtyError(ErrorKinds.AppNotFound, $"no dirty app is called '{appName}'", appName)));
            return null;
        }

        WorkerHandle[] ready = Volatile.Read(ref slot.Ready);
        if (ready.Length == 0)
        {
            session.Connection.Send(DirtyError.Frame(frame.RequestId, new DirtyError(ErrorKinds.NoWorkers, $"no dirty worker has '{spec.Id}' loaded right now", appName)));
            return null;
        }

        return ready;
    }

    /// <summary>
    /// ROUTE: the ready workers holding an app and the sockets they take calls on, so the client can call
    /// them without a relay through this process (one socket round trip instead of two).
    /// </summary>
    public void AnswerRouteQuery(ClientSession session, Frame frame)
    {
        if (ReadyWorkersFor(session, frame) is not { } ready)
        {
            return;
        }

        var answer = new FrameBuilder(MessageType.Response, frame.RequestId, 64 + (ready.Length * 96));
        answer.WriteListHeader(ready.Length);
        foreach (WorkerHandle w in ready)
        {
            answer.WriteListHeader(2);
            answer.WriteInt64(w.Pid);
            answer.WriteString(UnixSockets.WorkerCallSocket(_socketDirectory, w.Pid));
        }

        session.Connection.Send(answer);
    }

    /// <summary>One app's routing state: the ready workers holding it, swapped as a whole when it changes.</summary>
    internal sealed class AppSlot
    {
        public AppSlot(DirtyAppSpec spec, int? limit)
        {
            Spec = spec;
            Limit = limit;
        }

        public DirtyAppSpec Spec { get; }

        public int? Limit { get; }

        public WorkerHandle[] Ready = [];
    }
}
