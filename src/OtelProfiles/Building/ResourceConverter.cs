using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Resources;
using ProtoResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace OtelProfiles.Building;

/// <summary>Copies the application's OpenTelemetry <see cref="Resource"/> (service.name and the rest) into OTLP form.</summary>
internal static class ResourceConverter
{
    public static ProtoResource ToProto(Resource resource)
    {
        var proto = new ProtoResource();
        foreach (KeyValuePair<string, object> attribute in resource.Attributes)
        {
            if (ToAnyValue(attribute.Value) is { } value)
            {
                proto.Attributes.Add(new KeyValue { Key = attribute.Key, Value = value });
            }
            else
            {
                proto.DroppedAttributesCount++;
            }
        }

        return proto;
    }

    internal static AnyValue? ToAnyValue(object? value) => value switch
    {
        null => null,
        string s => new AnyValue { StringValue = s },
        bool b => new AnyValue { BoolValue = b },
        long l => new AnyValue { IntValue = l },
        int i => new AnyValue { IntValue = i },
        short s => new AnyValue { IntValue = s },
        byte b => new AnyValue { IntValue = b },
        uint u => new AnyValue { IntValue = u },
        double d => new AnyValue { DoubleValue = d },
        float f => new AnyValue { DoubleValue = f },
        System.Collections.IEnumerable items => ToArray(items),
        _ => new AnyValue { StringValue = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty },
    };

    private static AnyValue ToArray(System.Collections.IEnumerable items)
    {
        var array = new ArrayValue();
        foreach (object? item in items)
        {
            if (ToAnyValue(item) is { } value)
            {
                array.Values.Add(value);
            }
        }

        return new AnyValue { ArrayValue = array };
    }
}
