using System.Collections;

namespace Unicornet;

/// <summary>
/// A list-valued setting (<c>bind</c>, <c>raw_env</c>, <c>reload_extra_files</c>, ...). A script may
/// assign a single string, an array or a collection expression:
/// <c>bind = "0.0.0.0:8000";</c> or <c>bind = ["127.0.0.1:8000", "unix:/run/app.sock"];</c>.
/// </summary>
public sealed class StringList : IReadOnlyList<string>
{
    private readonly List<string> _items = new();

    /// <summary>Creates an empty list.</summary>
    public StringList()
    {
    }

    /// <summary>Creates a list holding <paramref name="items"/>.</summary>
    public StringList(IEnumerable<string> items)
    {
        _items.AddRange(items);
    }

    /// <inheritdoc />
    public string this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <summary>Adds an item; this also makes collection expressions work in scripts.</summary>
    public void Add(string item) => _items.Add(item);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A single string is a one-item list.</summary>
    public static implicit operator StringList(string value) => new([value]);

    /// <summary>An array becomes a list.</summary>
    public static implicit operator StringList(string[] values) => new(values);

    /// <summary>A <see cref="List{T}"/> becomes a list.</summary>
    public static implicit operator StringList(List<string> values) => new(values);

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _items.Select(i => "'" + i + "'")) + "]";
}
