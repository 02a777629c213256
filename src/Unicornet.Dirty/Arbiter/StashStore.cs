using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The stash tables, in the dirty arbiter's memory. Values stay in their encoded form: a PUT stores
/// the bytes it received and a GET sends them back, so the arbiter never decodes user data.
/// </summary>
internal sealed class StashStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, byte[]>> _tables = new(StringComparer.Ordinal);

    public int TableCount
    {
        get
        {
            lock (_gate)
            {
                return _tables.Count;
            }
        }
    }

    /// <summary>Keys over every table (the metrics' stash size).</summary>
    public int KeyCount
    {
        get
        {
            lock (_gate)
            {
                return _tables.Values.Sum(t => t.Count);
            }
        }
    }

    /// <summary>Runs one STASH frame and builds the answer (RESPONSE or ERROR).</summary>
    public FrameBuilder Handle(ulong requestId, byte[] payload)
    {
        var reader = new TlvReader(payload);
        var op = (StashOp)reader.ReadInt64();
        string? table = reader.ReadNullableString();
        if (op != StashOp.Tables && string.IsNullOrEmpty(table))
        {
            return DirtyError.Frame(requestId, new DirtyError(ErrorKinds.StashError, "a stash table name is required"));
        }

        var response = new FrameBuilder(MessageType.Response, requestId);
        lock (_gate)
        {
            if (Run(op, table, ref reader, response) is { } error)
            {
                response.Discard();
                return DirtyError.Frame(requestId, error);
            }
        }

        return response;
    }

    /// <summary>Runs one operation (under the lock), writing its value into <paramref name="response"/>; the error instead when it fails.</summary>
    private DirtyError? Run(StashOp op, string? table, ref TlvReader reader, FrameBuilder response)
    {
        Dictionary<string, byte[]>? t = table is null ? null : _tables.GetValueOrDefault(table);
        switch (op)
        {
            case StashOp.Put:
                string key = reader.ReadString();
                byte[] value = reader.ReadRaw().ToArray();
                if (t is null)
                {
                    t = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    _tables[table!] = t;
                }

                t[key] = value;
                response.WriteNull();
                return null;
            case StashOp.Get:
                return Get(t, table!, reader.ReadString(), response);
            case StashOp.Delete:
                response.WriteBool(t is not null && t.Remove(reader.ReadString()));
                return null;
            case StashOp.Keys:
                WriteKeys(t, reader.End ? null : reader.ReadNullableString(), response);
                return null;
            case StashOp.Clear:
                t?.Clear();
                response.WriteNull();
                return null;
            case StashOp.Count:
                response.WriteInt64(t?.Count ?? 0);
                return null;
            case StashOp.Ensure:
                if (t is null)
                {
                    _tables[table!] = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                }

                response.WriteNull();
                return null;
            default:
                return RunOnTables(op, t, table, ref reader, response);
        }
    }

    /// <summary>The operations on the set of tables, and EXISTS.</summary>
    private DirtyError? RunOnTables(StashOp op, Dictionary<string, byte[]>? t, string? table, ref TlvReader reader, FrameBuilder response)
    {
        switch (op)
        {
            case StashOp.DeleteTable:
                response.WriteBool(_tables.Remove(table!));
                return null;
            case StashOp.Tables:
                response.WriteListHeader(_tables.Count);
                foreach (string name in _tables.Keys)
                {
                    response.WriteString(name);
                }

                return null;
            case StashOp.Exists:
                string? key = reader.End ? null : reader.ReadNullableString();
                response.WriteBool(t is not null && (key is null || t.ContainsKey(key)));
                return null;
            default:
                return new DirtyError(ErrorKinds.StashError, $"unknown stash operation {(int)op}");
        }
    }

    private static DirtyError? Get(Dictionary<string, byte[]>? t, string table, string key, FrameBuilder response)
    {
        if (t is null || !t.TryGetValue(key, out byte[]? value))
        {
            string what = t is null ? $"stash table '{table}' does not exist" : $"key '{key}' is not in stash table '{table}'";
            return new DirtyError(ErrorKinds.StashKeyNotFound, what);
        }

        response.WriteRaw(value);
        return null;
    }

    private static void WriteKeys(Dictionary<string, byte[]>? t, string? pattern, FrameBuilder response)
    {
        var keys = new List<string>();
        if (t is not null)
        {
            foreach (string k in t.Keys)
            {
                if (pattern is null || Glob.IsMatch(k, pattern))
                {
                    keys.Add(k);
                }
            }
        }

        response.WriteListHeader(keys.Count);
        foreach (string k in keys)
        {
            response.WriteString(k);
        }
    }
}
