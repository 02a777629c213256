using System.Collections;

namespace Unicornet;

/// <summary>
/// A dictionary-like view of one stash table: <c>table["k"] = v</c>, <c>table["k"]</c>,
/// <c>ContainsKey</c>, <c>Remove</c>, <c>Keys</c>, <c>Count</c>, enumeration. Every member is one
/// round trip to the dirty arbiter (blocking for the synchronous ones); enumeration reads the keys
/// first and then each value, so entries removed meanwhile are skipped.
/// </summary>
public sealed class StashTable : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly IStash _stash;

    /// <summary>Creates a view of table <paramref name="name"/> in <paramref name="stash"/>.</summary>
    public StashTable(IStash stash, string name)
    {
        ArgumentNullException.ThrowIfNull(stash);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _stash = stash;
        Name = name;
    }

    /// <summary>The table's name.</summary>
    public string Name { get; }

    /// <summary>Gets or stores a value.</summary>
    /// <exception cref="StashKeyNotFoundException">Reading a key that does not exist.</exception>
    public object? this[string key]
    {
        get => _stash.GetAsync<object>(Name, key).GetAwaiter().GetResult();
        set => _stash.PutAsync(Name, key, value).GetAwaiter().GetResult();
    }

    /// <summary>The number of keys.</summary>
    public int Count => _stash.CountAsync(Name).GetAwaiter().GetResult();

    /// <summary>The keys, in no particular order.</summary>
    public IReadOnlyList<string> Keys => _stash.KeysAsync(Name).GetAwaiter().GetResult();

    /// <summary>The value of <paramref name="key"/> converted to <typeparamref name="T"/>.</summary>
    /// <exception cref="StashKeyNotFoundException">The key does not exist.</exception>
    public T? Get<T>(string key) => _stash.GetAsync<T>(Name, key).GetAwaiter().GetResult();

    /// <summary>The value of <paramref name="key"/>, or <paramref name="defaultValue"/>.</summary>
    public T? GetOrDefault<T>(string key, T? defaultValue = default) => _stash.GetOrDefaultAsync(Name, key, defaultValue).GetAwaiter().GetResult();

    /// <summary>Tries to read a value.</summary>
    public bool TryGetValue(string key, out object? value)
    {
        try
        {
            value = _stash.GetAsync<object>(Name, key).GetAwaiter().GetResult();
            return true;
        }
        catch (StashKeyNotFoundException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>True when the key exists.</summary>
    public bool ContainsKey(string key) => _stash.ExistsAsync(Name, key).GetAwaiter().GetResult();

    /// <summary>Removes a key; false when it was not there.</summary>
    public bool Remove(string key) => _stash.DeleteAsync(Name, key).GetAwaiter().GetResult();

    /// <summary>Removes every key.</summary>
    public void Clear() => _stash.ClearAsync(Name).GetAwaiter().GetResult();

    /// <summary>The keys matching a glob pattern.</summary>
    public IReadOnlyList<string> KeysMatching(string pattern) => _stash.KeysAsync(Name, pattern).GetAwaiter().GetResult();

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (string key in Keys)
        {
            if (TryGetValue(key, out object? value))
            {
                yield return new KeyValuePair<string, object?>(key, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
