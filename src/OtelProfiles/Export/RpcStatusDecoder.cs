using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace OtelProfiles.Export;

/// <summary>What an OTLP receiver said in a <c>google.rpc.Status</c>: its code, message and any RetryInfo delay.</summary>
internal readonly record struct RpcStatusInfo(int Code, string Message, TimeSpan? RetryDelay);

/// <summary>
/// Decodes <c>google.rpc.Status</c> (the gRPC <c>grpc-status-details-bin</c> trailer and OTLP/HTTP error bodies) and
/// the <c>google.rpc.RetryInfo</c> detail by hand from the protobuf wire format, so the library does not need the
/// googleapis common protos package for three fields.
/// </summary>
internal static class RpcStatusDecoder
{
    // google.rpc.Status: int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3;
    private const int StatusCodeField = 1;
    private const int StatusMessageField = 2;
    private const int StatusDetailsField = 3;

    // google.rpc.RetryInfo: google.protobuf.Duration retry_delay = 1;
    private const int RetryDelayField = 1;
    private const string RetryInfoTypeName = "google.rpc.RetryInfo";

    /// <summary>Decodes <paramref name="bytes"/>; null when they are not a well-formed Status.</summary>
    public static RpcStatusInfo? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Decode(bytes.ToArray());
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static RpcStatusInfo Decode(byte[] bytes)
    {
        var code = 0;
        var message = string.Empty;
        TimeSpan? retryDelay = null;

        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (StatusCodeField, WireFormat.WireType.Varint):
                    code = input.ReadInt32();
                    break;
                case (StatusMessageField, WireFormat.WireType.LengthDelimited):
                    message = input.ReadString();
                    break;
                case (StatusDetailsField, WireFormat.WireType.LengthDelimited):
                    var detail = Any.Parser.ParseFrom(input.ReadBytes());
                    if (Any.GetTypeName(detail.TypeUrl) == RetryInfoTypeName)
                    {
                        retryDelay = DecodeRetryDelay(detail.Value) ?? retryDelay;
                    }

                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return new RpcStatusInfo(code, message, retryDelay);
    }

    private static TimeSpan? DecodeRetryDelay(ByteString retryInfo)
    {
        TimeSpan? delay = null;
        var input = retryInfo.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == RetryDelayField
                && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var duration = Duration.Parser.ParseFrom(input.ReadBytes());

                // A negative or absurd delay is a server bug; treat it as "no advice" rather than throwing.
                if (duration.Seconds >= 0 && duration.Nanos >= 0 && duration.Seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
                {
                    delay = TimeSpan.FromSeconds(duration.Seconds) + TimeSpan.FromTicks(duration.Nanos / 100);
                }
            }
            else
            {
                input.SkipLastField();
            }
        }

        return delay;
    }
}
