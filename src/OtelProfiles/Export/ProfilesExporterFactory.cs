using Microsoft.Extensions.Logging;
using OtelProfiles.Collection;

namespace OtelProfiles.Export;

/// <summary>Builds the export pipeline from resolved settings: exporter, retries for the network ones, and the queue.</summary>
internal static class ProfilesExporterFactory
{
    /// <summary>
    /// The exporter for <paramref name="settings"/>: OTLP exporters wrapped in a <see cref="RetryingExporter"/>,
    /// the file exporter as is (a disk error does not heal in seconds). Throws <see cref="ArgumentException"/> for
    /// an invalid endpoint, header or directory, naming the setting but never a header value.
    /// </summary>
    public static IProfilesExporter CreateExporter(
        ProfilesExporterSettings settings,
        ILogger? logger = null,
        ExportDelay? delay = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Protocol switch
        {
            ProfilesExportProtocol.Grpc => new RetryingExporter(
                new OtlpGrpcProfilesExporter(RequireEndpoint(settings), settings.Headers, settings.Timeout, settings.Compression),
                settings.Retry,
                delay,
                timeProvider,
                logger: logger),
            ProfilesExportProtocol.HttpProtobuf => new RetryingExporter(
                new OtlpHttpProfilesExporter(RequireEndpoint(settings), settings.Headers, settings.Timeout, settings.Compression, timeProvider),
                settings.Retry,
                delay,
                timeProvider,
                logger: logger),
            ProfilesExportProtocol.File => new FileProfilesExporter(
                settings.FileDirectory ?? throw new ArgumentException("The file exporter needs a directory.", nameof(settings)),
                settings.MaxFiles,
                timeProvider),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Protocol, "Unknown profiles export protocol."),
        };
    }

    /// <summary>
    /// The exporter for <paramref name="settings"/> behind a bounded <see cref="ExportQueue"/>, which owns it; the
    /// queue's sending thread joins <paramref name="threads"/>, the profiler's registry of its own threads.
    /// </summary>
    public static ExportQueue CreateQueue(
        ProfilesExporterSettings settings,
        ILogger logger,
        TimeProvider? timeProvider = null,
        ProfilerThreads? threads = null) =>
        new(CreateExporter(settings, logger, timeProvider: timeProvider), logger, settings.Queue, timeProvider, threads);

    private static Uri RequireEndpoint(ProfilesExporterSettings settings) =>
        settings.Endpoint ?? throw new ArgumentException($"The {settings.Protocol} profiles exporter needs an endpoint.", nameof(settings));
}
