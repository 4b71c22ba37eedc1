using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Collection;
using OtelProfiles.Diagnostics;
using OtelProfiles.Export;
using OtelProfiles.Health;

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
    /// <remarks>Each queue sends on a thread of its own, registered in <paramref name="threads"/> (charged to the budget, kept out of the app's profiles).</remarks>
    public static ExportQueues Create(OtlpProfilesOptions options, ILogger logger, ProfilerFailures failures, ProfilerThreads threads)
    {
        var queues = new List<ExportQueue>();
        var queueOptions = new ExportQueueOptions { Capacity = options.MaxQueueSize, ShutdownTimeout = options.ShutdownTimeout };
        if (options.Exporters.HasFlag(ProfileExporters.Otlp))
        {
            queues.Add(Counted("otlp", ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = options.Protocol == OtlpProfilesProtocol.Grpc ? ProfilesExportProtocol.Grpc : ProfilesExportProtocol.HttpProtobuf,
                    Endpoint = options.GetExportEndpoint(),
                    Headers = options.Headers,
                    Timeout = options.Timeout,
                    Compression = options.Compression == OtlpProfilesCompression.Gzip,
                    Queue = queueOptions,
                },
                logger,
                threads: threads)));
        }

        if (options.Exporters.HasFlag(ProfileExporters.File))
        {
            queues.Add(Counted("file", ProfilesExporterFactory.CreateQueue(
                new ProfilesExporterSettings
                {
                    Protocol = ProfilesExportProtocol.File,
                    FileDirectory = options.ResolveFileDirectory(),
                    Queue = queueOptions,
                },
                logger,
                threads: threads)));
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
            flushed &= left > TimeSpan.Zero && queue.Flush(left);
        }

        return flushed;
    }

    /// <summary>
    /// Shuts every queue down within one <paramref name="timeout"/> for all of them together (not a flush with the
    /// timeout and then another on dispose), dropping what cannot be sent by then.
    /// </summary>
    public void Dispose(TimeSpan timeout)
    {
        ExportQueue.ShutdownAll(_queues, timeout, _failures.Report);
        foreach (ExportQueue queue in _queues)
        {
            ProfilerHealth.Shared.RetireQueue(queue);
        }

        _queues.Clear();
    }

    // The health metrics count each queue under its exporter's name (otlp, file) from its creation on.
    private static ExportQueue Counted(string exporter, ExportQueue queue)
    {
        ProfilerHealth.Shared.AddQueue(exporter, queue);
        return queue;
    }
}
