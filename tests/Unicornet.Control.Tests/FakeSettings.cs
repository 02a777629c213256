namespace Unicornet.Control.Tests;

internal sealed class FakeSettings : ISettings
{
    private readonly Dictionary<string, object?> _values = new();
    private readonly List<string> _names = new();

    public object? this[string name]
    {
        get => _values.TryGetValue(name, out object? v) ? v : throw new KeyNotFoundException(name);
        set
        {
            if (!_values.ContainsKey(name))
            {
                _names.Add(name);
            }

            _values[name] = value;
        }
    }

    public IReadOnlyList<string> Names => _names;

    public T Get<T>(string name) => (T)this[name]!;

    public string OriginOf(string name) => name == "workers" ? "command line" : "default";
}
