using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// The receiver's log messages, source-generated so that a disabled level costs no formatting or boxing (the debug
/// line is written for every stored request). Event ids are stable: people filter on them.
/// </summary>
internal static partial class ReceiverLog
{
    [LoggerMessage(
        EventId = 1,
        EventName = "ProfilesRejected",
        Level = LogLevel.Warning,
        Message = "Rejected an OTLP profiles request over {Transport} ({Bytes} bytes): {Error}")]
    public static partial void ProfilesRejected(ILogger logger, string transport, int bytes, string? error);

    [LoggerMessage(
        EventId = 2,
        EventName = "ProfilesNotStored",
        Level = LogLevel.Warning,
        Message = "Could not store an OTLP profiles request over {Transport} ({Bytes} bytes): {Error}")]
    public static partial void ProfilesNotStored(ILogger logger, string transport, int bytes, string error);

    [LoggerMessage(
        EventId = 3,
        EventName = "ProfilesStored",
        Level = LogLevel.Debug,
        Message = "Stored {Profiles} profiles received over {Transport} ({Bytes} bytes)")]
    public static partial void ProfilesStored(ILogger logger, int profiles, string transport, int bytes);

    [LoggerMessage(
        EventId = 4,
        EventName = "SpansRejected",
        Level = LogLevel.Warning,
        Message = "Rejected an OTLP trace request over {Transport} ({Bytes} bytes): {Error}")]
    public static partial void SpansRejected(ILogger logger, string transport, int bytes, string? error);

    [LoggerMessage(
        EventId = 5,
        EventName = "SpansNotStored",
        Level = LogLevel.Warning,
        Message = "Could not store an OTLP trace request over {Transport} ({Bytes} bytes): {Error}")]
    public static partial void SpansNotStored(ILogger logger, string transport, int bytes, string error);

    [LoggerMessage(
        EventId = 6,
        EventName = "SpansStored",
        Level = LogLevel.Debug,
        Message = "Stored {Spans} spans received over {Transport} ({Bytes} bytes)")]
    public static partial void SpansStored(ILogger logger, int spans, string transport, int bytes);
}
