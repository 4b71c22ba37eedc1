using OtelProfiles.Tags;

namespace OtelProfiles.Generators.Tests.EndToEnd;

/// <summary>
/// The other half of the package's ReadyToRun check (PackAndConsumeTests asserts the packed dll has native code):
/// the check rejects IL-only assemblies, and an ordinary build does not pay for crossgen (only `dotnet pack` does).
/// </summary>
public sealed class ReadyToRunImageTests
{
    [Fact]
    public void Library_built_for_tests_is_il_only()
    {
        using var image = File.OpenRead(typeof(ProfileTagAttribute).Assembly.Location);

        Assert.False(ReadyToRunImage.HasReadyToRunHeader(image));
    }
}
