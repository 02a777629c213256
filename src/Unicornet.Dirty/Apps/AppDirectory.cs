using Unicornet.Config;

namespace Unicornet.Dirty.Apps;

/// <summary>
/// Resolves the name a caller uses to a configured app: the entry id (<c>Assembly:Type</c>), the
/// type's full name, or its short name. A name two apps share resolves to neither.
/// </summary>
internal sealed class AppDirectory
{
    private readonly Dictionary<string, DirtyAppSpec> _byName = new(StringComparer.Ordinal);

    public AppDirectory(IEnumerable<DirtyAppSpec> specs)
    {
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        var list = specs.ToList();
        foreach (DirtyAppSpec spec in list)
        {
            _byName[spec.Id] = spec;
        }

        foreach (DirtyAppSpec spec in list)
        {
            foreach (string alias in new[] { spec.TypeName, spec.ShortName })
            {
                if (_byName.TryGetValue(alias, out DirtyAppSpec? other) && other.Id != spec.Id && other.Id != alias)
                {
                    ambiguous.Add(alias);
                }
                else if (!_byName.ContainsKey(alias))
                {
                    _byName[alias] = spec;
                }
            }
        }

        foreach (string a in ambiguous)
        {
            _byName.Remove(a);
        }

        Specs = list;
    }

    public IReadOnlyList<DirtyAppSpec> Specs { get; }

    public DirtyAppSpec? Resolve(string name) => _byName.GetValueOrDefault(name);

    public static AppDirectory FromConfig(UnicornetConfig config) =>
        new(config.Options.Dirty.Apps.Select(DirtyAppSpec.Parse).DistinctBy(s => s.Id));
}
