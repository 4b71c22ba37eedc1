using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OtelProfiles.Tracing;

namespace OtelProfiles.Benchmarks.Micro;

/// <summary>
/// What span links cost the app's threads (nothing is measured on the profiler's side here): per execution-context
/// switch into and out of a span's context, which is what every continuation of an <c>await</c> does on the thread
/// it resumes on; per real <c>await Task.Yield()</c> inside a span; and per span started and stopped. Three setups:
/// no ActivityListener at all (no spans are created), spans but no profiler running, and the profiler's tracker on.
/// </summary>
public class SpanLinkBenchmarks
{
    private const int AwaitsPerInvoke = 200;

    private static readonly ContextCallback Nothing = static _ => { };

    private ActivitySource _source = null!;
    private ActivityListener? _listener;
    private ExecutionContext _requestContext = null!;
    private Activity? _span;

    public enum Setup
    {
        NoListener,
        ProfilingOff,
        ProfilingOn,
    }

    [Params(Setup.NoListener, Setup.ProfilingOff, Setup.ProfilingOn)]
    public Setup Mode { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _source = new ActivitySource("OtelProfiles.Benchmarks.SpanLinks");
        if (Mode != Setup.NoListener)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source == _source,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        if (Mode == Setup.ProfilingOn)
        {
            SampleContextTracker.Start(ProfileSpanLinks.All);
        }

        // The context a request's continuations run in: its span current (none without a listener).
        var thread = new Thread(() =>
        {
            _span = _source.StartActivity("GET /checkout");
            _requestContext = ExecutionContext.Capture()!;
        });
        thread.Start();
        thread.Join();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        SampleContextTracker.Stop();
        _span?.Stop();
        _listener?.Dispose();
        _source.Dispose();
    }

    /// <summary>One continuation's context switch: into the request's context and back out (two callbacks when on).</summary>
    [Benchmark]
    public void ContextSwitch() => ExecutionContext.Run(_requestContext, Nothing, null);

    /// <summary>A real await that resumes on the thread pool, inside the request's span.</summary>
    [Benchmark(OperationsPerInvoke = AwaitsPerInvoke)]
    public async Task AwaitYield()
    {
        Activity.Current = _span;
        for (int i = 0; i < AwaitsPerInvoke; i++)
        {
            await Task.Yield();
        }

        Activity.Current = null;
    }

    /// <summary>A span started and stopped (null without a listener).</summary>
    [Benchmark]
    public void StartStopSpan()
    {
        using Activity? span = _source.StartActivity("child");
    }
}
