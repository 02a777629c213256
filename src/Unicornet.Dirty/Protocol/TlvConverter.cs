using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Unicornet.Dirty.Protocol;

/// <summary>
/// Turns a decoded wire value (null, bool, long, double, byte[], string, List, Dictionary) into the
/// .NET type a caller or an action parameter asks for.
/// </summary>
internal static class TlvConverter
{
    private static readonly ConcurrentDictionary<Type, Func<Dictionary<string, object?>, object>> s_objectFactories = new();

    public static T? To<T>(object? value) => (T?)To(value, typeof(T));

    public static object? To(object? value, Type target)
    {
        if (value is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }

        if (target == typeof(object) || target.IsInstanceOfType(value))
        {
            return value;
        }

        Type? underlying = Nullable.GetUnderlyingType(target);
        if (underlying is not null)
        {
            return To(value, underlying);
        }

        if (target.IsEnum)
        {
            return value is string name ? Enum.Parse(target, name, ignoreCase: true) : Enum.ToObject(target, Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }

        if (target.IsPrimitive || target == typeof(decimal))
        {
            return ToPrimitive(value, target);
        }

        if (value is string s && FromString(s, target) is { } parsed)
        {
            return parsed;
        }

        if (value is byte[] bytes && FromBytes(bytes, target) is { } wrapped)
        {
            return wrapped;
        }

        if (target == typeof(string))
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        if (value is List<object?> list)
        {
            return FromList(list, target);
        }

        if (value is Dictionary<string, object?> map)
        {
            return FromMap(map, target);
        }

        throw new InvalidCastException($"cannot convert {value.GetType().Name} to {target.Name}");
    }

    private static object ToPrimitive(object value, Type target)
    {
        if (target == typeof(char) && value is string { Length: 1 } c)
        {
            return c[0];
        }

        if (value is double d && IsIntegral(target) && d != Math.Floor(d))
        {
            throw new InvalidCastException($"{d} is not an integer ({target.Name} expected)");
        }

        return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    /// <summary>The types that travel as their round-trip text; null for any other target.</summary>
    private static object? FromString(string s, Type target)
    {
        if (target == typeof(Guid))
        {
            return Guid.Parse(s);
        }

        if (target == typeof(DateTime))
        {
            return DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (target == typeof(DateTimeOffset))
        {
            return DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        }

        if (target == typeof(TimeSpan))
        {
            return TimeSpan.Parse(s, CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>The byte-span types a bytes value can be wrapped in; null for any other target.</summary>
    private static object? FromBytes(byte[] bytes, Type target)
    {
        if (target == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>(bytes);
        }

        if (target == typeof(Memory<byte>))
        {
            return new Memory<byte>(bytes);
        }

        if (target == typeof(ArraySegment<byte>))
        {
            return new ArraySegment<byte>(bytes);
        }

        return null;
    }

    private static bool IsIntegral(Type t) => t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte)
        || t == typeof(sbyte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

    private static object FromList(List<object?> list, Type target)
    {
        if (target.IsArray)
        {
            Type element = target.GetElementType()!;
            var array = Array.CreateInstance(element, list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                array.SetValue(To(list[i], element), i);
            }

            return array;
        }

        Type? item = EnumerableElement(target);
        if (item is not null)
        {
            Type listType = typeof(List<>).MakeGenericType(item);
            if (target.IsAssignableFrom(listType))
            {
                var result = (IList)Activator.CreateInstance(listType, list.Count)!;
                foreach (object? v in list)
                {
                    result.Add(To(v, item));
                }

                return result;
            }

            // A concrete collection with Add (HashSet<T>, ...).
            object collection = Activator.CreateInstance(target)!;
            MethodInfo add = target.GetMethod("Add", [item]) ?? throw new InvalidCastException($"cannot fill {target.Name} from a list");
            foreach (object? v in list)
            {
                add.Invoke(collection, [To(v, item)]);
            }

            return collection;
        }

        throw new InvalidCastException($"cannot convert a list to {target.Name}");
    }

    private static Type? EnumerableElement(Type target)
    {
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            return target.GetGenericArguments()[0];
        }

        foreach (Type i in target.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return i.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static object FromMap(Dictionary<string, object?> map, Type target)
    {
        Type? valueType = DictionaryValue(target);
        if (valueType is not null)
        {
            Type dictType = typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType);
            if (target.IsAssignableFrom(dictType))
            {
                var dict = (IDictionary)Activator.CreateInstance(dictType, map.Count)!;
                foreach (KeyValuePair<string, object?> kv in map)
                {
                    dict[kv.Key] = To(kv.Value, valueType);
                }

                return dict;
            }
        }

        return s_objectFactories.GetOrAdd(target, BuildFactory)(map);
    }

    private static Type? DictionaryValue(Type target)
    {
        IEnumerable<Type> candidates = target.IsInterface ? target.GetInterfaces().Append(target) : target.GetInterfaces();
        foreach (Type i in candidates)
        {
            if (i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
                && i.GetGenericArguments()[0] == typeof(string))
            {
                return i.GetGenericArguments()[1];
            }
        }

        return null;
    }

    // Records and DTOs: the public constructor with the most parameters that all match map keys by
    // name, then settable properties for whatever is left.
    private static Func<Dictionary<string, object?>, object> BuildFactory(Type target)
    {
        if (target.IsAbstract || target.IsInterface)
        {
            throw new InvalidCastException($"cannot create {target.Name} from a map");
        }

        ConstructorInfo? ctor = target.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        ParameterInfo[] parameters = ctor?.GetParameters() ?? [];
        PropertyInfo[] settable = target.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0).ToArray();
        return map =>
        {
            var byName = new Dictionary<string, object?>(map, StringComparer.OrdinalIgnoreCase);
            object instance;
            if (ctor is null)
            {
                instance = Activator.CreateInstance(target)!;
            }
            else
            {
                object?[] args = new object?[parameters.Length];
                for (int i = 0; i < parameters.Length; i++)
                {
                    ParameterInfo p = parameters[i];
                    if (byName.TryGetValue(p.Name!, out object? v))
                    {
                        args[i] = To(v, p.ParameterType);
                        byName.Remove(p.Name!);
                    }
                    else
                    {
                        args[i] = p.HasDefaultValue ? p.DefaultValue : (p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null);
                    }
                }

                instance = ctor.Invoke(args);
            }

            foreach (PropertyInfo prop in settable)
            {
                if (byName.TryGetValue(prop.Name, out object? v))
                {
                    prop.SetValue(instance, To(v, prop.PropertyType));
                }
            }

            return instance;
        };
    }
}
