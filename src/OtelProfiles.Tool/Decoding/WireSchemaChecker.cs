using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace OtelProfiles.Tool.Decoding;

/// <summary>
/// Walks a protobuf payload at the wire level against the compiled v1.11 descriptors and reports a field whose wire
/// type does not match the schema. Protobuf parsers silently move such fields to "unknown fields", so without this
/// check a payload encoded with an older OTLP profiles layout (for example the pre-v1.10 Sample, whose field 3 was a
/// packed list of values and is now the int32 link_index) would parse "successfully" into garbage. Unknown field
/// numbers with any wire type stay allowed: that is how newer producers add fields.
/// </summary>
internal static class WireSchemaChecker
{
    private const int MaxDepth = 64;

    /// <summary>Returns null when the payload fits <paramref name="descriptor"/>, otherwise what does not fit.</summary>
    public static string? Check(ReadOnlySpan<byte> payload, MessageDescriptor descriptor)
    {
        try
        {
            return CheckMessage(ByteString.CopyFrom(payload), descriptor, descriptor.Name, 0);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"the payload is not a valid protobuf message ({ex.Message})";
        }
    }

    private static string? CheckMessage(ByteString bytes, MessageDescriptor descriptor, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return $"{path}: messages nested deeper than {MaxDepth} levels";
        }

        var input = new CodedInputStream(bytes.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            var field = descriptor.FindFieldByNumber(number);
            if (field is null)
            {
                input.SkipLastField();
                continue;
            }

            if (!WireTypeFits(field, wireType))
            {
                return $"{path}.{field.Name} (field {number}) arrived with wire type {wireType}, but OTLP profiles v1.11 " +
                       $"declares it as {Describe(field)}; the sender probably uses another version of the OTLP profiles protocol";
            }

            if (field.FieldType == FieldType.Message)
            {
                var nested = input.ReadBytes();
                var error = CheckMessage(nested, field.MessageType, $"{path}.{field.Name}", depth + 1);
                if (error is not null)
                {
                    return error;
                }
            }
            else
            {
                input.SkipLastField();
            }
        }

        return null;
    }

    private static bool WireTypeFits(FieldDescriptor field, WireFormat.WireType wireType)
    {
        var expected = ScalarWireType(field.FieldType);
        if (wireType == expected)
        {
            return true;
        }

        // Repeated scalars may arrive packed (length-delimited) or one by one.
        return field.IsRepeated && wireType == WireFormat.WireType.LengthDelimited && expected != WireFormat.WireType.LengthDelimited;
    }

    private static WireFormat.WireType ScalarWireType(FieldType type) => type switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireFormat.WireType.LengthDelimited,
        FieldType.Group => WireFormat.WireType.StartGroup,
        _ => WireFormat.WireType.Varint,
    };

    private static string Describe(FieldDescriptor field) =>
        (field.IsRepeated ? "repeated " : "") + (field.FieldType == FieldType.Message ? field.MessageType.Name : field.FieldType.ToString().ToLowerInvariant());
}
