namespace Unicornet.Arbitration;

/// <summary>
/// A dictionary's values in ordinal key order, the order the exposition lists series in. Used instead of
/// SortedDictionary, whose enumerator over KeyValuePair is generic code ReadyToRun does not precompile: every
/// scrape would JIT it into the master.
/// </summary>
internal static class OrdinalOrder
{
    public static T[] Values<T>(Dictionary<string, T> map)
        where T : class
    {
        string[] keys = new string[map.Count];
        map.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        var values = new T[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            values[i] = map[keys[i]];
        }

        return values;
    }
}
