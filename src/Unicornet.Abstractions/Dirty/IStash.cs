namespace Unicornet;

/// <summary>
/// Named tables of key to value kept in the dirty arbiter's memory and shared by every HTTP worker
/// and dirty worker. Values are anything the dirty wire format carries. Nothing is persisted: the
/// stash is empty again after the dirty arbiter restarts. There is no atomic read-modify-write.
/// </summary>
public interface IStash
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; creates the table if needed.</summary>
    Task PutAsync(string table, string key, object? value, CancellationToken cancellationToken = default);

    /// <summary>The value stored under <paramref name="key"/>.</summary>
    /// <exception cref="StashKeyNotFoundException">The key (or its table) does not exist.</exception>
    Task<T?> GetAsync<T>(string table, string key, CancellationToken cancellationToken = default);

    /// <summary>The value stored under <paramref name="key"/>, or <paramref name="defaultValue"/> when the key or table does not exist.</summary>
    Task<T?> GetOrDefaultAsync<T>(string table, string key, T? defaultValue, CancellationToken cancellationToken = default);

    /// <summary>Removes a key; false when it was not there.</summary>
    Task<bool> DeleteAsync(string table, string key, CancellationToken cancellationToken = default);

    /// <summary>The keys of a table, optionally filtered by a glob pattern (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[!a-z]</c>); empty for a missing table.</summary>
    Task<IReadOnlyList<string>> KeysAsync(string table, string? pattern = null, CancellationToken cancellationToken = default);

    /// <summary>Removes every key of a table (the table stays).</summary>
    Task ClearAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>The number of keys in a table; 0 for a missing table.</summary>
    Task<int> CountAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Creates a table if it does not exist.</summary>
    Task EnsureAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>True when the table exists, or, with <paramref name="key"/>, when the key exists in it.</summary>
    Task<bool> ExistsAsync(string table, string? key = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a table and its keys; false when it did not exist.</summary>
    Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>The names of every table.</summary>
    Task<IReadOnlyList<string>> TablesAsync(CancellationToken cancellationToken = default);

    /// <summary>A dictionary-like view of one table.</summary>
    StashTable Table(string name);
}
