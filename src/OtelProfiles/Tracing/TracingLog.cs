using Microsoft.Extensions.Logging;

namespace OtelProfiles.Diagnostics;

/// <summary>The log lines of span links and request-scoped tags (ids from 40 on).</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 40,
        EventName = "ProfileTagLimitReached",
        Level = LogLevel.Warning,
        Message = "OpenTelemetry profiling: {Limit}")]
    public static partial void ProfileTagLimitReached(ILogger logger, string limit);
}
