using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;
using Xunit.Abstractions;

namespace OtelProfiles.Tests.Integration;

/// <summary>
/// A socket-heavy child process (loopback echo over TCP) spends its time in the framework's precompiled code. Its
/// CPU and wall profiles name those frames by method, not by file: a frame shown as <c>[System.Net.Sockets.dll]</c>
/// is precompiled code no method event described, and the image itself now names it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PrecompiledFrameNamesTests
{
    private readonly ITestOutputHelper _output;

    public PrecompiledFrameNamesTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Socket_workload_frames_in_framework_images_are_named_by_method()
    {
        string directory = Path.Combine(Path.GetTempPath(), "otelprofiles-r2r-" + Guid.NewGuid().ToString("N"));
        try
        {
            WorkloadResult run = await WorkloadProcess.RunAsync(10, "sockets", new Dictionary<string, string>
            {
                ["OTEL_PROFILES_EXPORTER"] = "file",
                ["OTEL_PROFILES_FILE_DIRECTORY"] = directory,
                ["OTEL_PROFILES_EXPORT_INTERVAL"] = "2000",
                ["OTEL_PROFILES_SAMPLING_OVERHEAD"] = "100",
            });

            Assert.True(run.Completed, run.Output);
            var profiles = Directory.GetFiles(directory, "*.pb")
                .Select(f => ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f)))
                .SelectMany(OtlpDecoder.Decode)
                .Where(p => p.PeriodType is "cpu/nanoseconds" or "wall/nanoseconds")
                .ToList();
            var samples = profiles.SelectMany(p => p.Samples).ToList();

            // Frames named after a managed image, not a method: "[System.Net.Sockets.dll]". Shares are of the sample
            // values (a sample stands for as many ticks, or as much time, as its value says).
            static bool Unnamed(Frame frame) => frame.Name.StartsWith('[') && frame.Name.EndsWith(".dll]", StringComparison.OrdinalIgnoreCase);
            double total = samples.Sum(s => (double)s.Value);
            double unnamed = samples.Where(s => s.Frames.Any(Unnamed)).Sum(s => (double)s.Value);
            double sockets = samples.Where(s => s.Frames.Any(f => f.FileName == "System.Net.Sockets.dll")).Sum(s => (double)s.Value);
            double share = total > 0 ? unnamed / total : 1;
            _output.WriteLine($"{samples.Count} stacks, {sockets / total:P1} of samples through System.Net.Sockets.dll, {share:P2} with a frame named by file only");
            foreach (var group in samples.SelectMany(s => s.Frames).Where(Unnamed).GroupBy(f => f.Name).OrderByDescending(g => g.Count()).Take(10))
            {
                _output.WriteLine($"  {group.Key}: {group.Count()} stacks");
            }

            Assert.True(samples.Count >= 50, $"{samples.Count} stacks\n{run.Output}");
            Assert.True(sockets >= total / 20, $"only {sockets / total:P1} of samples in socket code");
            Assert.True(share < 0.005, $"{share:P2} of samples have a frame named by file only");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
