using Google.Protobuf;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// Encodes <c>google.rpc.Status</c> (code = 1, message = 2), the body OTLP/HTTP prescribes for errors. Written by
/// hand because it is two fields and the repository does not compile the googleapis protos.
/// </summary>
internal static class RpcStatusCodec
{
    public static byte[] Encode(Grpc.Core.StatusCode code, string message)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32((int)code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.Flush();
        return buffer.ToArray();
    }

    public static (int Code, string Message) Decode(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        int code = 0;
        var message = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: code = input.ReadInt32(); break;
                case 2: message = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (code, message);
    }
}
