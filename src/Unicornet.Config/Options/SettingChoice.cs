using System.Runtime.CompilerServices;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Options;

/// <summary>
/// One enumerated setting: its canonical spellings, the aliases gunicorn accepts, and the enum they
/// mean. The registry's validator and the options binder both read this table, so a value is
/// checked, normalised and turned into the enum by the same rule.
/// </summary>
/// <remarks>
/// The table is plain arrays scanned in order, not dictionaries: a framework collection instantiated over
/// one of these enums cannot be precompiled (ReadyToRun), and these tables are built at start-up in every
/// process, where the frozen dictionaries they once used cost about 600 JIT compilations, 200 ms of start-up
/// and 2 MB of private memory per worker. A handful of names needs no hashing.
/// </remarks>
internal sealed class SettingChoice<T>
    where T : struct, Enum
{
    private readonly string[] _texts;
    private readonly T[] _values;
    private readonly string[] _names;
    private readonly T[] _canonical;
    private readonly string _expected;

    public SettingChoice(T? whenUnset, (string Name, T Value)[] canonical, (string Alias, T Value)[]? aliases = null, string? expected = null)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        WhenUnset = whenUnset;
        aliases ??= [];
        _names = new string[canonical.Length];
        _canonical = new T[canonical.Length];
        _texts = new string[canonical.Length + aliases.Length];
        _values = new T[canonical.Length + aliases.Length];
        for (int i = 0; i < canonical.Length; i++)
        {
            _names[i] = _texts[i] = canonical[i].Name;
            _canonical[i] = _values[i] = canonical[i].Value;
        }

        for (int i = 0; i < aliases.Length; i++)
        {
            _texts[canonical.Length + i] = aliases[i].Alias;
            _values[canonical.Length + i] = aliases[i].Value;
        }

        _expected = expected ?? "must be one of " + string.Join(", ", _names);
    }

    /// <summary>What an unset (null) value means; null when unset is an error.</summary>
    public T? WhenUnset { get; }

    /// <summary>The enum <paramref name="text"/> names; throws <see cref="SettingValueException"/>.</summary>
    public T Parse(string? text)
    {
        if (text is null && WhenUnset is { } unset)
        {
            return unset;
        }

        if (text is not null)
        {
            string trimmed = text.Trim();
            for (int i = 0; i < _texts.Length; i++)
            {
                if (string.Equals(_texts[i], trimmed, StringComparison.OrdinalIgnoreCase))
                {
                    return _values[i];
                }
            }
        }

        throw new SettingValueException($"{_expected}, got '{text}'");
    }

    /// <summary>The canonical spelling of <paramref name="value"/>.</summary>
    public string Name(T value)
    {
        for (int i = 0; i < _canonical.Length; i++)
        {
            // The enums here are int-backed; comparing the ints avoids EqualityComparer<T>, which would be JIT'd.
            if (Unsafe.As<T, int>(ref _canonical[i]) == Unsafe.As<T, int>(ref value))
            {
                return _names[i];
            }
        }

        throw new KeyNotFoundException($"{typeof(T).Name}.{value} has no canonical spelling");
    }

    /// <summary>The registry validator: the canonical spelling of whatever alias was given.</summary>
    public object? Validate(object? value) => Name(Parse((string?)value));
}
