using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Arbiter;

namespace Unicornet.Dirty.Tests.Protocol;

public sealed class GlobTests
{
    [Theory]
    [InlineData("user:1", "user:*", true)]
    [InlineData("user:1", "user:?", true)]
    [InlineData("user:10", "user:?", false)]
    [InlineData("abc", "a[bx]c", true)]
    [InlineData("abc", "a[!b]c", false)]
    [InlineData("a5", "a[0-9]", true)]
    [InlineData("x", "*", true)]
    [InlineData("", "*", true)]
    [InlineData("abc", "*c", true)]
    [InlineData("abc", "*b", false)]
    [InlineData("a[", "a[", true)]
    public void Matches_like_fnmatch(string text, string pattern, bool expected) =>
        Glob.IsMatch(text, pattern).ShouldBe(expected);

    [Fact]
    public void App_names_resolve_by_id_full_and_short_name_and_ambiguity_resolves_to_none()
    {
        var dir = new AppDirectory([DirtyAppSpec.Parse("A:N1.Model:2"), DirtyAppSpec.Parse("B:N2.Model"), DirtyAppSpec.Parse("B:N2.Other")]);
        dir.Resolve("A:N1.Model")!.Workers.ShouldBe(2);
        dir.Resolve("N1.Model")!.Id.ShouldBe("A:N1.Model");
        dir.Resolve("Model").ShouldBeNull();
        dir.Resolve("Other")!.Id.ShouldBe("B:N2.Other");
        Should.Throw<FormatException>(() => DirtyAppSpec.Parse("A:T:0"));
        Should.Throw<FormatException>(() => DirtyAppSpec.Parse("nocolon"));
    }

    [Fact]
    public void Worker_count_attribute_is_read_from_metadata_without_loading()
    {
        string path = typeof(Tests.Apps.LimitedApp).Assembly.Location;
        AppMetadata.DeclaredWorkers(path, typeof(Tests.Apps.LimitedApp).FullName!).ShouldBe(1);
        AppMetadata.DeclaredWorkers(path, typeof(Tests.Apps.EchoApp).FullName!).ShouldBeNull();
    }
}
