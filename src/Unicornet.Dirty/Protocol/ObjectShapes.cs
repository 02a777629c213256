using System.Collections.Concurrent;
using System.Reflection;

namespace Unicornet.Dirty.Protocol;

/// <summary>Cached public property lists of the objects that travel as maps.</summary>
internal static class ObjectShapes
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_readable = new();

    public static PropertyInfo[] Readable(Type type) => s_readable.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToArray());
}
