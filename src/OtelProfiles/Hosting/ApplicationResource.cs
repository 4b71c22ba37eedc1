using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OtelProfiles.Hosting;

/// <summary>
/// Finds the application's OpenTelemetry Resource so profiles carry the same service.name and attributes as its
/// traces, metrics and logs: the tracer provider's, else the meter provider's, else the logger provider's, else
/// the SDK default (which reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES).
/// </summary>
internal static class ApplicationResource
{
    public static Func<Resource> From(IServiceProvider services)
    {
        Resource? cached = null;
        return () => cached ??= Find(services);
    }

    private static Resource Find(IServiceProvider services)
    {
        if (services.GetService<TracerProvider>() is { } tracer && tracer.GetResource() is { } tracerResource && tracerResource != Resource.Empty)
        {
            return tracerResource;
        }

        if (services.GetService<MeterProvider>() is { } meter && meter.GetResource() is { } meterResource && meterResource != Resource.Empty)
        {
            return meterResource;
        }

        if (services.GetService<LoggerProvider>() is { } logger && logger.GetResource() is { } loggerResource && loggerResource != Resource.Empty)
        {
            return loggerResource;
        }

        return ResourceBuilder.CreateDefault().Build();
    }
}
