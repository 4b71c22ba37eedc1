using System.Diagnostics.Tracing;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Diagnostics;

namespace OtelProfiles.Export;

/// <summary>
/// Writes the export's self-diagnostics to <see cref="OtelProfilesEventSource"/> where they happen: every outcome
/// and every request dropped, with the samples it took along. Counting walks the request, so it is done only while a
/// listener is attached.
/// </summary>
internal static class ExportEvents
{
    /// <summary>One request settled: exported (maybe partially) or given up on, whose samples are then lost.</summary>
    public static void Settled(string target, ExportProfilesServiceRequest request, ExportOutcome outcome)
    {
        var log = OtelProfilesEventSource.Log;
        if (!log.IsEnabled())
        {
            return;
        }

        if (!outcome.Success)
        {
            log.ExportFailed(target, outcome.Error ?? outcome.FailureKind ?? "error");
            SamplesDropped(request, $"export failed ({outcome.FailureKind ?? "error"})");
            return;
        }

        if (outcome.IsPartialSuccess)
        {
            log.ExportPartialSuccess(target, outcome.RejectedProfiles, outcome.PartialSuccessMessage ?? string.Empty);
        }

        if (log.IsEnabled(EventLevel.Verbose, EventKeywords.All))
        {
            log.ExportSucceeded(ProfileCount(request), request.CalculateSize());
        }
    }

    /// <summary>One request dropped without being sent (queue full, shutdown).</summary>
    public static void Dropped(string target, ExportProfilesServiceRequest request, string reason)
    {
        var log = OtelProfilesEventSource.Log;
        if (!log.IsEnabled())
        {
            return;
        }

        log.QueueDropped(target, 1, reason);
        SamplesDropped(request, reason);
    }

    private static void SamplesDropped(ExportProfilesServiceRequest request, string reason)
    {
        var samples = SampleCount(request);
        if (samples > 0)
        {
            OtelProfilesEventSource.Log.SamplesDropped(samples, reason);
        }
    }

    private static long ProfileCount(ExportProfilesServiceRequest request)
    {
        long count = 0;
        foreach (var resource in request.ResourceProfiles)
        {
            foreach (var scope in resource.ScopeProfiles)
            {
                count += scope.Profiles.Count;
            }
        }

        return count;
    }

    private static long SampleCount(ExportProfilesServiceRequest request)
    {
        long count = 0;
        foreach (var resource in request.ResourceProfiles)
        {
            foreach (var scope in resource.ScopeProfiles)
            {
                foreach (var profile in scope.Profiles)
                {
                    count += profile.Samples.Count;
                }
            }
        }

        return count;
    }
}
