using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Hosting;

namespace OtelProfiles.Benchmarks.Workloads;

/// <summary>
/// Base of the service-like workloads: the profiler starts with the host before the first warmup iteration and
/// stops after the last measured one, like in an application that runs for days. Each derived class has exactly
/// one [Benchmark], one operation of a service (a batch of requests, of serializations, ...), which calls
/// <see cref="CountOperation"/> so the whole-run allocation per operation can be reported.
/// <para>
/// Before BenchmarkDotNet's warmup, Setup runs the operation for <see cref="BenchEnvironment.Settle"/> seconds (45 by
/// default) in every job, the baseline too. The profiler's start is not steady state: sessions, rundown, the first
/// exports, and the JIT and tier-up of ~2,000 of its own and its libraries' methods keep the runtime's tiered
/// compilation thread busy for 30–45 s (per-thread CPU, measured), which a 30 s run would count as overhead. The
/// A/B harness reports that start cost apart (bench/README.md).
/// </para>
/// </summary>
public abstract class ProfiledWorkload
{
    private IHost? _host;
    private long _operations;
    private long _allocatedAtStart;

    [GlobalSetup]
    public void Setup()
    {
        SetUpWorkload();
        _host = StartHost();
        WorkloadOperation.RunFor(WorkloadOperation.For(this), BenchEnvironment.Settle);
        Interlocked.Exchange(ref _operations, 0);
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart;
        new RunCounters(Interlocked.Read(ref _operations), allocated).Write(BenchEnvironment.CountersPathFor(Environment.ProcessId));

        // Stopping the host stops the profiler, which writes its last interval: the export size includes it.
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
        TearDownWorkload();
    }

    protected void CountOperation() => Interlocked.Increment(ref _operations);

    /// <summary>The host that carries the profiler; web workloads override it to add Kestrel.</summary>
    protected virtual IHost StartHost() => ProfiledHost.StartGeneric();

    protected virtual void SetUpWorkload()
    {
    }

    protected virtual void TearDownWorkload()
    {
    }
}
