using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Otlp;

/// <summary>
/// The single entry point from untrusted bytes to a request the tool may store or render: wire-level schema check,
/// protobuf parse, then the data-model rules. The receiver and the file reader both go through here, so a file and a
/// network payload are judged the same way.
/// </summary>
internal static class OtlpPayload
{
    /// <summary>Parses and validates <paramref name="payload"/> (uncompressed protobuf bytes).</summary>
    /// <returns>The request, or null with <paramref name="error"/> saying what is wrong.</returns>
    public static ExportProfilesServiceRequest? TryParse(ReadOnlySpan<byte> payload, out string? error)
    {
        var wireError = WireSchemaChecker.Check(payload, ExportProfilesServiceRequest.Descriptor);
        if (wireError is not null)
        {
            error = wireError;
            return null;
        }

        ExportProfilesServiceRequest request;
        try
        {
            request = ExportProfilesServiceRequest.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = $"the payload is not a valid ExportProfilesServiceRequest protobuf message ({ex.Message})";
            return null;
        }

        var problems = OtlpRequestValidator.Validate(request);
        if (problems.Count > 0)
        {
            error = "invalid OTLP profiles data: " + string.Join("; ", problems);
            return null;
        }

        error = null;
        return request;
    }
}
