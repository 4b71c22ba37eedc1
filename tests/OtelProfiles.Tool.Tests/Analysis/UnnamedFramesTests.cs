using OtelProfiles.Otlp.Model;
using OtelProfiles.Tool.Analysis;
using Xunit;

namespace OtelProfiles.Tool.Tests.Analysis;

public sealed class UnnamedFramesTests
{
    [Fact]
    public void Counts_the_value_of_samples_that_pass_through_a_file_placeholder_or_unknown_code()
    {
        var profile = new DecodedProfile
        {
            ServiceName = "svc",
            ProfileType = "cpu:samples/count",
            Samples =
            [
                Sample(6, "Shop.Checkout.PayAsync", "System.Net.Sockets.SocketAsyncEngine.EventLoop"),
                Sample(2, "Shop.Checkout.PayAsync", "[System.Net.Sockets.dll]"),
                Sample(1, "[unknown]", "Shop.Catalog.ComputePrices"),
                Sample(1, "[stub] call resolution thunk (System.Private.CoreLib.dll)", "[libcoreclr.so]", "[truncated 12 frames]"),
            ],
        };

        Assert.Equal(0.3, UnnamedFrames.ShareOfSamples([profile]), 6);
    }

    [Theory]
    [InlineData("[System.Net.Sockets.dll]", true)]
    [InlineData("[unknown]", true)]
    [InlineData("[libcoreclr.so]", false)]
    [InlineData("[stub] call resolution thunk (X.dll)", false)]
    [InlineData("[truncated 3 frames]", false)]
    [InlineData("System.Threading.Thread.Sleep", false)]
    public void Tells_placeholders_from_names(string name, bool unnamed) => Assert.Equal(unnamed, UnnamedFrames.IsUnnamed(name));

    private static DecodedSample Sample(long value, params string[] frames) =>
        new() { Value = value, Frames = [.. frames.Select(f => new Frame(f))] };
}
