using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// A real sampler stream for the reader benchmark: one second of the runtime's SampleProfiler on this process with
/// a few busy threads in nested calls and a dozen blocked ones, recorded once by the host process into a file that
/// every benchmark process reads (so all of them, and the per-sample column, see the same bytes).
/// </summary>
internal static class RecordedSamplerStream
{
    public const string PathVariable = "OTELPROFILES_BENCH_NETTRACE";

    /// <summary>ThreadSample events in the recorded stream (host process only; 0 before <see cref="Prepare"/>).</summary>
    public static int SampleCount { get; private set; }

    /// <summary>Records the stream into <paramref name="directory"/> and publishes its path to child processes.</summary>
    public static void Prepare(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "sampler.nettrace");
        byte[] bytes = Record(TimeSpan.FromSeconds(1));
        File.WriteAllBytes(path, bytes);
        SampleCount = CountSamples(bytes);
        Environment.SetEnvironmentVariable(PathVariable, path);
    }

    /// <summary>The recorded bytes (recorded on the spot when the host did not prepare a file).</summary>
    public static byte[] Load() =>
        Environment.GetEnvironmentVariable(PathVariable) is { } path && File.Exists(path) ? File.ReadAllBytes(path) : Record(TimeSpan.FromSeconds(1));

    public static int CountSamples(byte[] bytes)
    {
        var sink = new CountingSink();
        new NetTraceReader().ReadToEnd(new MemoryStream(bytes), sink);
        return sink.Samples;
    }

    private static byte[] Record(TimeSpan length)
    {
        using var stop = new CancellationTokenSource();
        var threads = new List<Thread>();
        for (int i = 0; i < 16; i++)
        {
            bool busy = i < 3;
            var thread = new Thread(() => Run(busy, stop.Token)) { IsBackground = true, Name = (busy ? "busy-" : "idle-") + i };
            thread.Start();
            threads.Add(thread);
        }

        var client = new DiagnosticsClient(Environment.ProcessId);
        using EventPipeSession session = client.StartEventPipeSession(
            [new EventPipeProvider(RuntimeEvents.SampleProfilerProvider, EventLevel.Informational)], requestRundown: false, circularBufferMB: 16);
        using var buffer = new MemoryStream();
        Task copy = Task.Run(() => session.EventStream.CopyTo(buffer));
        Thread.Sleep(length);
        session.Stop();
        copy.Wait(TimeSpan.FromSeconds(30));
        stop.Cancel();
        threads.ForEach(t => t.Join());
        return buffer.ToArray();
    }

    private static void Run(bool busy, CancellationToken token)
    {
        if (!busy)
        {
            token.WaitHandle.WaitOne();
            return;
        }

        while (!token.IsCancellationRequested)
        {
            _ = Nested(12, 1.0);
        }
    }

    // A few levels of real frames so the recorded stacks are not one frame deep.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Nested(int depth, double x)
    {
        if (depth == 0)
        {
            for (int i = 0; i < 2_000; i++)
            {
                x = Math.Sqrt(x + i);
            }

            return x;
        }

        return Nested(depth - 1, x) + 1;
    }

    internal sealed class CountingSink : INetTraceEventSink
    {
        public int Samples { get; private set; }

        public void OnHeader(NetTraceHeader header)
        {
        }

        public void OnEvent(in NetTraceEvent traceEvent)
        {
            if (traceEvent.Metadata.EventId == RuntimeEvents.ThreadSample && traceEvent.Metadata.ProviderName == RuntimeEvents.SampleProfilerProvider)
            {
                Samples++;
            }
        }
    }
}
