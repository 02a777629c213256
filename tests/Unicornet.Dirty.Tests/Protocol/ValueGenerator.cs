using System.Text;

namespace Unicornet.Dirty.Tests.Protocol;

/// <summary>Seeded random nested wire values, and deep equality for them.</summary>
internal sealed class ValueGenerator
{
    private readonly Random _random;

    public ValueGenerator(int seed)
    {
        _random = new Random(seed);
    }

    public object? Next(int depth = 0)
    {
        int kind = _random.Next(depth >= 4 ? 6 : 8);
        switch (kind)
        {
            case 0:
                return null;
            case 1:
                return _random.Next(2) == 0;
            case 2:
                return _random.Next(4) switch
                {
                    0 => long.MinValue,
                    1 => long.MaxValue,
                    2 => 0L,
                    _ => _random.NextInt64(long.MinValue, long.MaxValue),
                };
            case 3:
                return _random.Next(5) switch
                {
                    0 => double.NaN,
                    1 => double.NegativeInfinity,
                    2 => -0.0,
                    _ => (_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-300, 300)),
                };
            case 4:
            {
                byte[] bytes = new byte[_random.Next(0, 300)];
                _random.NextBytes(bytes);
                return bytes;
            }

            case 5:
                return RandomString();
            case 6:
            {
                int n = _random.Next(0, 8);
                var list = new List<object?>(n);
                for (int i = 0; i < n; i++)
                {
                    list.Add(Next(depth + 1));
                }

                return list;
            }

            default:
            {
                int n = _random.Next(0, 8);
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = 0; i < n; i++)
                {
                    map[RandomString()] = Next(depth + 1);
                }

                return map;
            }
        }
    }

    private string RandomString()
    {
        int n = _random.Next(0, 40);
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            int pick = _random.Next(10);
            sb.Append(pick switch
            {
                0 => "é",
                1 => "日本",
                2 => "😀",
                3 => "\0",
                _ => ((char)_random.Next(32, 127)).ToString(),
            });
        }

        return sb.ToString();
    }

    public static bool DeepEqual(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case double da when b is double db:
                return BitConverter.DoubleToInt64Bits(da) == BitConverter.DoubleToInt64Bits(db);
            case byte[] ba when b is byte[] bb:
                return ba.AsSpan().SequenceEqual(bb);
            case List<object?> la when b is List<object?> lb:
                return la.Count == lb.Count && la.Zip(lb).All(p => DeepEqual(p.First, p.Second));
            case Dictionary<string, object?> ma when b is Dictionary<string, object?> mb:
                return ma.Count == mb.Count && ma.All(kv => mb.TryGetValue(kv.Key, out object? v) && DeepEqual(kv.Value, v));
            default:
                return a.Equals(b);
        }
    }
}
