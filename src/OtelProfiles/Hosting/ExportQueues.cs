using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Diagnostics;
using OtelProfiles.Export;

namespace OtelProfiles.Hosting;

/// <summary>
/// The export queues of one run, one per exporter the options enable (OTLP, file): every request goes to each.
/// Created at start, flushed and disposed at stop.
/// </summary>
internal sealed class ExportQueues
{
    private readonly List<ExportQueue> _queues;
    private readonly ProfilerFailures _failures;

    private ExportQueues(List<ExportQueue> queues, ProfilerFailures failures)
    {
        _queues = queues;
        _failures = failures;
    }

    /// <summary>The queues the options ask for; throws <see cref="ArgumentException"/> for an invalid endpoint or directory.</summary>
    public static ExportQueues Create(OtlpProfilesOptions options, ILogger logger, ProfilerFailures failures)
    {
        var queues = new List<ExportQueue>();
        var queueOptions = new ExportQueueOptions { Capacity = options.MaxQueueSize, ShutdownTimeout = options.ShutdownTimeout };
        if (options.Exporters.HasFlag(ProfileExporters.Otlp))
        {
            queues.Add(ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = options.Protocol == OtlpProfilesProtocol.Grpc ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf,
                    Endpoint = options.GetExportEndpoint(),
                    Headers = options.Headers,
                    Timeout = options.Timeout,
                    Compression = options.Compression == OtlpProfilesCompression.Gzip,
                    Queue = queueOptions,
                },
                logger));
        }

        if (options.Exporters.HasFlag(ProfileExporters.File))
        {
            queues.Add(ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = ProfilesExportProtocol.File,
                    FileDirectory = options.ResolveFileDirectory(),
                    Queue = queueOptions,
                },
                logger));
        }

        return new ExportQueues(queues, failures);
    }

    /// <summary>Hands <paramref name="request"/> to every queue; never waits (a full queue drops its oldest).</summary>
    public void Enqueue(ExportProfilesServiceRequest request)
    {
        foreach (ExportQueue queue in _queues)
        {
            queue.Enqueue(request);
        }
    }

    /// <summary>Waits until every queue has sent what it holds; false when that did not finish by <paramref name="deadline"/>.</summary>
    public bool Flush(DateTime deadline)
    {
        bool flushed = true;
        foreach (ExportQueue queue in _queues)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            flushed &= left > TimeSpan.Zero && queue.FlushAsync(left).GetAwaiter().GetResult();
        }

        return flushed;
    }

    /// <summary>Flushes each queue for up to <paramref name="timeout"/> (none when zero), then disposes it.</summary>
    public void Dispose(TimeSpan timeout)
    {
        foreach (ExportQueue queue in _queues)
        {
            try
            {
                if (timeout > TimeSpan.Zero)
                {
                    queue.FlushAsync(timeout).GetAwaiter().GetResult();
                }

                queue.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _failures.Report("flushing the export queue", ex);
            }
        }

        _queues.Clear();
    }
}
