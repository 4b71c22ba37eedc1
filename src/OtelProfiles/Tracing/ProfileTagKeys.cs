namespace OtelProfiles.Tracing;

/// <summary>
/// The rules a <see cref="ProfileTags"/> key follows, the same as a <c>[ProfileTag]</c> key's (which the analyzers
/// check at compile time): OpenTelemetry attribute naming, lowercase ASCII letters, digits and '_', namespaces
/// separated by '.', a letter first, and nothing in the <c>otel.</c> namespace the spec reserves.
/// </summary>
internal static class ProfileTagKeys
{
    public const string Rules = "lowercase ASCII letters, digits and '_', namespaces separated by '.', a letter first, not in the reserved 'otel.' namespace";

    public static bool IsValid(string key)
    {
        if (key.Length == 0 || key[0] is < 'a' or > 'z' || key.StartsWith("otel.", StringComparison.Ordinal))
        {
            return false;
        }

        int segmentLength = 0;
        foreach (char c in key)
        {
            if (c == '.')
            {
                if (segmentLength == 0)
                {
                    return false;
                }

                segmentLength = 0;
            }
            else if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            {
                segmentLength++;
            }
            else
            {
                return false;
            }
        }

        return segmentLength > 0;
    }
}
