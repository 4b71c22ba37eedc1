using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Proto.Common.V1;

namespace OtelProfiles.Otlp;

/// <summary>
/// Walks a protobuf payload at the wire level against the compiled v1.11 descriptors and reports a field whose wire
/// type does not match the schema. Protobuf parsers silently move such fields to "unknown fields", so without this
/// check a payload encoded with an older OTLP profiles layout (for example the pre-v1.10 Sample, whose field 3 was a
/// packed list of values and is now the int32 link_index) would parse "successfully" into garbage. Unknown field
/// numbers with any wire type stay allowed: that is how newer producers add fields.
/// </summary>
/// <remarks>
/// The walk reads slices of the one payload buffer and never copies a nested message: a request that nests many
/// levels around a large string must cost its own size once, not once per level. It also bounds how deep attribute
/// values (<c>AnyValue</c> inside arrays and key-value lists) nest, because rendering and storing such values costs
/// memory per level too, and no real producer nests attribute values more than a few levels.
/// </remarks>
internal static class WireSchemaChecker
{
    /// <summary>Deepest message nesting accepted (the OTLP profiles schema itself needs fewer than 10 levels).</summary>
    public const int MaxDepth = 64;

    /// <summary>Deepest nesting of attribute values (<c>AnyValue</c> within <c>AnyValue</c>) accepted.</summary>
    public const int MaxAnyValueDepth = 8;

    /// <summary>Returns null when the payload fits <paramref name="descriptor"/>, otherwise what does not fit.</summary>
    public static string? Check(ReadOnlySpan<byte> payload, MessageDescriptor descriptor)
    {
        try
        {
            return CheckMessage(payload, descriptor, descriptor.Name, 0, 0);
        }
        catch (MalformedWireException ex)
        {
            return $"the payload is not a valid protobuf message ({ex.Message})";
        }
    }

    private static string? CheckMessage(ReadOnlySpan<byte> bytes, MessageDescriptor descriptor, string path, int depth, int anyValueDepth)
    {
        if (depth > MaxDepth)
        {
            return $"{path}: messages nested deeper than {MaxDepth} levels";
        }

        if (descriptor == AnyValue.Descriptor && ++anyValueDepth > MaxAnyValueDepth)
        {
            return $"{path}: attribute values (AnyValue) nested deeper than {MaxAnyValueDepth} levels";
        }

        var position = 0;
        while (position < bytes.Length)
        {
            var tag = ReadVarint(bytes, ref position);
            if (tag > uint.MaxValue)
            {
                throw new MalformedWireException("a field tag does not fit 32 bits");
            }

            var number = WireFormat.GetTagFieldNumber((uint)tag);
            var wireType = WireFormat.GetTagWireType((uint)tag);
            if (number == 0)
            {
                throw new MalformedWireException("a field has the invalid number 0");
            }

            var field = descriptor.FindFieldByNumber(number);
            if (field is not null && !WireTypeFits(field, wireType))
            {
                return $"{path}.{field.Name} (field {number}) arrived with wire type {wireType}, but OTLP profiles v1.11 " +
                       $"declares it as {Describe(field)}; the sender probably uses another version of the OTLP profiles protocol";
            }

            if (field is not null && field.FieldType == FieldType.Message)
            {
                var nested = ReadLengthDelimited(bytes, ref position);
                var error = CheckMessage(nested, field.MessageType, $"{path}.{field.Name}", depth + 1, anyValueDepth);
                if (error is not null)
                {
                    return error;
                }
            }
            else
            {
                SkipField(bytes, ref position, wireType, number, depth);
            }
        }

        return null;
    }

    private static void SkipField(ReadOnlySpan<byte> bytes, ref int position, WireFormat.WireType wireType, int number, int depth)
    {
        switch (wireType)
        {
            case WireFormat.WireType.Varint:
                ReadVarint(bytes, ref position);
                break;
            case WireFormat.WireType.Fixed64:
                Advance(bytes, ref position, 8);
                break;
            case WireFormat.WireType.Fixed32:
                Advance(bytes, ref position, 4);
                break;
            case WireFormat.WireType.LengthDelimited:
                ReadLengthDelimited(bytes, ref position);
                break;
            case WireFormat.WireType.StartGroup:
                SkipGroup(bytes, ref position, number, depth + 1);
                break;
            default:
                throw new MalformedWireException($"field {number} has the invalid wire type {(int)wireType}");
        }
    }

    private static void SkipGroup(ReadOnlySpan<byte> bytes, ref int position, int groupNumber, int depth)
    {
        // Groups are deprecated, but an unknown field may still be one; skipping it is part of reading protobuf.
        if (depth > MaxDepth)
        {
            throw new MalformedWireException($"groups nested deeper than {MaxDepth} levels");
        }

        while (position < bytes.Length)
        {
            var tag = ReadVarint(bytes, ref position);
            var number = (int)(tag >> 3);
            var wireType = (WireFormat.WireType)(tag & 7);
            if (wireType == WireFormat.WireType.EndGroup)
            {
                if (number != groupNumber)
                {
                    throw new MalformedWireException($"group {groupNumber} ends with the end tag of group {number}");
                }

                return;
            }

            SkipField(bytes, ref position, wireType, number, depth);
        }

        throw new MalformedWireException($"group {groupNumber} has no end tag");
    }

    private static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> bytes, ref int position)
    {
        var length = ReadVarint(bytes, ref position);
        if (length > (ulong)(bytes.Length - position))
        {
            throw new MalformedWireException("a length-delimited field runs past the end of its message (truncated?)");
        }

        var slice = bytes.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    private static void Advance(ReadOnlySpan<byte> bytes, ref int position, int count)
    {
        if (bytes.Length - position < count)
        {
            throw new MalformedWireException("a fixed-size field runs past the end of its message (truncated?)");
        }

        position += count;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new MalformedWireException("a varint runs past the end of its message (truncated?)");
            }

            var b = bytes[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new MalformedWireException("a varint is longer than 10 bytes");
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

    private sealed class MalformedWireException(string message) : Exception(message);
}
