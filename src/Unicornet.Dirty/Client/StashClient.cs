using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary><see cref="IStash"/> over a <see cref="DirtyClient"/>'s connection (STASH frames).</summary>
internal sealed class StashClient : IStash
{
    private readonly DirtyClient _client;

    public StashClient(DirtyClient client)
    {
        _client = client;
    }

    public async Task PutAsync(string table, string key, object? value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        FrameBuilder f = Start(StashOp.Put, table);
        try
        {
            f.WriteString(key);
            f.WriteValue(value);
        }
        catch
        {
            f.Discard();
            throw;
        }

        await Call(f, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T?> GetAsync<T>(string table, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        FrameBuilder f = Start(StashOp.Get, table);
        f.WriteString(key);
        return TlvConverter.To<T>(await Call(f, cancellationToken).ConfigureAwait(false));
    }

    public async Task<T?> GetOrDefaultAsync<T>(string table, string key, T? defaultValue, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync<T>(table, key, cancellationToken).ConfigureAwait(false);
        }
        catch (StashKeyNotFoundException)
        {
            return defaultValue;
        }
    }

    public async Task<bool> DeleteAsync(string table, string key, CancellationToken cancellationToken = default)
    {
        FrameBuilder f = Start(StashOp.Delete, table);
        f.WriteString(key);
        return await Call(f, cancellationToken).ConfigureAwait(false) is true;
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string table, string? pattern = null, CancellationToken cancellationToken = default)
    {
        FrameBuilder f = Start(StashOp.Keys, table);
        f.WriteNullableString(pattern);
        return TlvConverter.To<List<string>>(await Call(f, cancellationToken).ConfigureAwait(false)) ?? [];
    }

    public Task ClearAsync(string table, CancellationToken cancellationToken = default) => Call(Start(StashOp.Clear, table), cancellationToken);

    public async Task<int> CountAsync(string table, CancellationToken cancellationToken = default) =>
        TlvConverter.To<int>(await Call(Start(StashOp.Count, table), cancellationToken).ConfigureAwait(false));

    public Task EnsureAsync(string table, CancellationToken cancellationToken = default) => Call(Start(StashOp.Ensure, table), cancellationToken);

    public async Task<bool> ExistsAsync(string table, string? key = null, CancellationToken cancellationToken = default)
    {
        FrameBuilder f = Start(StashOp.Exists, table);
        f.WriteNullableString(key);
        return await Call(f, cancellationToken).ConfigureAwait(false) is true;
    }

    public async Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken = default) =>
        await Call(Start(StashOp.DeleteTable, table), cancellationToken).ConfigureAwait(false) is true;

    public async Task<IReadOnlyList<string>> TablesAsync(CancellationToken cancellationToken = default)
    {
        var f = new FrameBuilder(MessageType.Stash, _client.NextId(), 32);
        f.WriteInt64((long)StashOp.Tables);
        f.WriteNull();
        return TlvConverter.To<List<string>>(await Call(f, cancellationToken).ConfigureAwait(false)) ?? [];
    }

    public StashTable Table(string name) => new(this, name);

    private FrameBuilder Start(StashOp op, string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var f = new FrameBuilder(MessageType.Stash, _client.NextId());
        f.WriteInt64((long)op);
        f.WriteString(table);
        return f;
    }

    private async Task<object?> Call(FrameBuilder frame, CancellationToken cancellationToken)
    {
        Frame reply = await _client.CallAsync(frame, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        return new TlvReader(reply.Payload).ReadValue();
    }
}
