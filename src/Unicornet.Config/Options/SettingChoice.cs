using System.Collections.Frozen;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Options;

/// <summary>
/// One enumerated setting: its canonical spellings, the aliases gunicorn accepts, and the enum they
/// mean. The registry's validator and the options binder both read this table, so a value is
/// checked, normalised and turned into the enum by the same rule.
/// </summary>
internal sealed class SettingChoice<T>
    where T : struct, Enum
{
    private readonly FrozenDictionary<string, T> _byText;
    private readonly FrozenDictionary<T, string> _names;
    private readonly string _expected;

    public SettingChoice(T? whenUnset, (string Name, T Value)[] canonical, (string Alias, T Value)[]? aliases = null, string? expected = null)
    {
        WhenUnset = whenUnset;
        _names = canonical.ToFrozenDictionary(c => c.Value, c => c.Name);
        _byText = canonical.Concat(aliases ?? []).ToFrozenDictionary(c => c.Item1, c => c.Item2, StringComparer.OrdinalIgnoreCase);
        _expected = expected ?? "must be one of " + string.Join(", ", canonical.Select(c => c.Name));
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

        return text is not null && _byText.TryGetValue(text.Trim(), out T value)
            ? value
            : throw new SettingValueException($"{_expected}, got '{text}'");
    }

    /// <summary>The canonical spelling of <paramref name="value"/>.</summary>
    public string Name(T value) => _names[value];

    /// <summary>The registry validator: the canonical spelling of whatever alias was given.</summary>
    public object? Validate(object? value) => Name(Parse((string?)value));
}
