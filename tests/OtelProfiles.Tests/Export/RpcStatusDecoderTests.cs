using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OtelProfiles.Export;
using OtelProfiles.Tests.Receivers.GoogleRpc;

namespace OtelProfiles.Tests.Export;

public sealed class RpcStatusDecoderTests
{
    [Fact]
    public void Decodes_code_message_and_RetryInfo_written_by_generated_googleapis_code()
    {
        var status = new Status { Code = 14, Message = "try later" };
        status.Details.Add(Any.Pack(new Duration { Seconds = 99 }));  // an unrelated detail comes first
        status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = new Duration { Seconds = 2, Nanos = 500_000_000 } }));

        var decoded = RpcStatusDecoder.TryDecode(status.ToByteArray());

        Assert.Equal(new RpcStatusInfo(14, "try later", TimeSpan.FromSeconds(2.5)), decoded);
    }

    [Fact]
    public void A_status_without_RetryInfo_has_no_delay()
    {
        var decoded = RpcStatusDecoder.TryDecode(new Status { Code = 8, Message = "too big" }.ToByteArray());

        Assert.Equal(new RpcStatusInfo(8, "too big", null), decoded);
    }

    [Fact]
    public void Bytes_that_are_not_a_status_give_null()
    {
        Assert.Null(RpcStatusDecoder.TryDecode("<html>502 Bad Gateway</html>"u8));
    }
}
