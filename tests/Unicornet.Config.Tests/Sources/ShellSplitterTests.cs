using Unicornet.Config.Sources;

namespace Unicornet.Config.Tests.Sources;

public class ShellSplitterTests
{
    [Theory]
    [InlineData("-w 3 -b 0.0.0.0:9000", new[] { "-w", "3", "-b", "0.0.0.0:9000" })]
    [InlineData("  --name 'my app'  ", new[] { "--name", "my app" })]
    [InlineData("--access-logformat \"%(h)s \\\"%(r)s\\\"\"", new[] { "--access-logformat", "%(h)s \"%(r)s\"" })]
    [InlineData("a\\ b c", new[] { "a b", "c" })]
    [InlineData("x''y \"\"", new[] { "xy", "" })]
    [InlineData("", new string[0])]
    public void Splits_like_a_posix_shell(string input, string[] expected)
    {
        ShellSplitter.Split(input).ShouldBe(expected);
    }

    [Theory]
    [InlineData("--name 'unterminated")]
    [InlineData("--name \"unterminated")]
    [InlineData("--name trailing\\")]
    public void Unterminated_quotes_are_config_errors(string input)
    {
        Should.Throw<ConfigException>(() => ShellSplitter.Split(input)).Subject.ShouldBe("UNICORNET_CMD_ARGS");
    }
}
