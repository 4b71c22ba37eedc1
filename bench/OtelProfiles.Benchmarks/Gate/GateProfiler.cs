using Microsoft.Extensions.Hosting;
using OtelProfiles.Benchmarks.Workloads;

namespace OtelProfiles.Benchmarks.Gate;

/// <summary>
/// The profiler as the gate starts and stops it: a host that runs only the profiler, at the defaults but for a 4 s
/// export interval, so that every on phase pays for at least one export (the default is 15 s).
/// </summary>
internal static class GateProfiler
{
    public static IHost Start()
    {
        Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "true");
        Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", "4000");
        try
        {
            return ProfiledHost.StartGeneric();
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_PROFILES_ENABLED", "false");
            Environment.SetEnvironmentVariable("OTEL_PROFILES_EXPORT_INTERVAL", null);
        }
    }

    public static void Stop(IHost profiler)
    {
        profiler.StopAsync().GetAwaiter().GetResult();
        profiler.Dispose();
    }
}
