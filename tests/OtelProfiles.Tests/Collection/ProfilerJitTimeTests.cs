using System.Runtime.CompilerServices;
using OtelProfiles.Collection;
using OtelProfiles.Symbols;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// The JIT's time on the profiler's code, from the runtime's own events in this process: a compile on one of the
/// app's threads is timed and counted, the same compile on one of the profiler's threads is not (its thread's CPU
/// already holds it), and the rule that tells the profiler's code from the app's.
/// <para>
/// Not in parallel with other tests: a runtime events session is process-wide.
/// </para>
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ProfilerJitTimeTests
{
    [Fact]
    public void Compiles_on_the_app_s_threads_are_timed_and_those_on_the_profiler_s_are_not()
    {
        var threads = new ProfilerThreads();

        // Only the probes count as "the profiler's code" here: whatever else the test process compiles meanwhile
        // (the tiering thread optimizing what earlier tests ran) does not disturb the count.
        var jit = new ProfilerJitTime(
            threads.Contains,
            static (typeName, _, _) => typeName.StartsWith(typeof(JitProbe<>).FullName!, StringComparison.Ordinal),
            startUp: TimeSpan.Zero);
        WithRuntimeEvents(threads, jit, () =>
        {
            int warmUp = jit.CountedCompiles;
            jit.Take();

            // First on a profiler thread, then a second apart (the runtime flushes every 100 ms), on this one.
            Thread profilerThread = threads.Start("OtelProfiles.Test", Compile<OnProfilerThread>);
            profilerThread.Join();
            Thread.Sleep(1000);
            Compile<OnAppThread>();

            Assert.True(SpinWait.SpinUntil(() => jit.CountedCompiles > warmUp, TimeSpan.FromSeconds(20)), "the app thread's compile was not counted");
            Thread.Sleep(1000);
            Assert.Equal(warmUp + 1, jit.CountedCompiles);
            TimeSpan time = jit.Take();
            Assert.InRange(time, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(2));
            Assert.Equal(TimeSpan.Zero, jit.Take());
        });
    }

    [Fact]
    public void Recompiles_of_a_method_the_profiler_ran_first_are_charged_and_those_of_one_the_app_ran_first_are_not()
    {
        var threads = new ProfilerThreads();

        // Only the probes count here, and only by whether the profiler brought them into use (no name makes them
        // the profiler's): whatever else the test process recompiles meanwhile, the profiler's own reader thread's
        // code included, does not disturb the count. The predicate records every timed compile of a probe.
        var compiled = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var jit = new ProfilerJitTime(
            threads.Contains,
            (typeName, _, brought) =>
            {
                if (!typeName.StartsWith(typeof(JitProbe<>).FullName!, StringComparison.Ordinal))
                {
                    return false;
                }

                compiled.Enqueue(typeName.ToString());
                return brought;
            },
            startUp: TimeSpan.Zero);
        WithRuntimeEvents(threads, jit, () =>
        {
            int before = jit.CountedCompiles;

            // First runs: one probe on a profiler thread, the other on this (an app's) thread.
            threads.Start("OtelProfiles.Test", static () => JitProbe<BroughtByProfiler>.Work(1)).Join();
            JitProbe<RanByApp>.Work(1);

            // Then this thread calls both until the tiering thread has optimized each of them again.
            int Seen(string probe) => compiled.Count(name => name.Contains(probe, StringComparison.Ordinal));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((Seen(nameof(BroughtByProfiler)) < 1 || Seen(nameof(RanByApp)) < 2) && DateTime.UtcNow < deadline)
            {
                for (int i = 0; i < 200; i++)
                {
                    JitProbe<BroughtByProfiler>.Work(i);
                    JitProbe<RanByApp>.Work(i);
                }

                Thread.Sleep(50);
            }

            Thread.Sleep(1000);
            Assert.True(Seen(nameof(BroughtByProfiler)) >= 1, "the tiering thread never recompiled the probe the profiler ran first");
            Assert.True(Seen(nameof(RanByApp)) >= 2, "the tiering thread never recompiled the probe the app ran first");

            // Every recompile of the profiler's probe is charged, none of the app's (its first compile included).
            Assert.Equal(Seen(nameof(BroughtByProfiler)), jit.CountedCompiles - before);
            Assert.True(jit.BroughtMethods > 0);
        });
    }

    [Fact]
    public void Compiles_of_the_start_up_are_not_charged()
    {
        var jit = new ProfilerJitTime(static _ => false, static (_, _, _) => true, startUp: TimeSpan.FromSeconds(1));
        jit.SetTimestampFrequency(1_000_000_000);
        jit.OnJittingStarted(7, 1_000_000);
        jit.OnMethodLoaded(7, 3_000_000, 1, "Any", null);

        Assert.Equal(1, jit.CountedCompiles);
        Assert.Equal(TimeSpan.Zero, jit.Take());
        Thread.Sleep(1100);
        Assert.Equal(TimeSpan.Zero, jit.Take()); // what came in the start-up is not kept for later

        jit.OnJittingStarted(7, 5_000_000);
        jit.OnMethodLoaded(7, 7_000_000, 1, "Any", null);
        Assert.Equal(TimeSpan.FromMilliseconds(2), jit.Take());
    }

    [Theory]
    [InlineData("OtelProfiles.Symbols.MethodAddressMap", "/app/OtelProfiles.dll", true)]
    [InlineData("System.Collections.Generic.Dictionary`2[System.Int64,OtelProfiles.Tracing.ThreadContextHistory]", "/usr/share/dotnet/System.Private.CoreLib.dll", true)]
    [InlineData("System.Collections.Generic.List`1[OtelProfiles.Symbols.MethodSymbol]", null, true)]
    [InlineData("System.Collections.Generic.List`1[System.String]", "/usr/share/dotnet/System.Private.CoreLib.dll", false)]
    [InlineData("Shop.Inventory", "/app/Shop.dll", false)]
    [InlineData("Google.Protobuf.CodedOutputStream", "/app/Google.Protobuf.dll", false)]
    [InlineData("OtelProfilesFan.Widget", "/app/OtelProfilesFan.dll", false)]
    public void The_profiler_s_code_is_its_assembly_s_and_instantiations_over_its_types(string typeName, string? moduleFile, bool expected) =>
        Assert.Equal(expected, ProfilerJitTime.IsProfilerCode(typeName, moduleFile));

    [Fact]
    public void By_default_a_method_the_profiler_brought_into_use_is_charged_whatever_its_name()
    {
        var threads = new ProfilerThreads();
        long profilerThread = 0;
        threads.Start("OtelProfiles.Test", () => profilerThread = OsThreadId.Current()).Join();
        var jit = new ProfilerJitTime(threads.Contains, startUp: TimeSpan.Zero);
        jit.SetTimestampFrequency(1_000_000_000);

        // Google.Protobuf's writer, first run by the profiler's thread (precompiled), then optimized on another thread.
        jit.OnPrecompiledCodeUsed(profilerThread, 42);
        jit.OnJittingStarted(7, 1_000_000);
        jit.OnMethodLoaded(7, 2_000_000, 42, "Google.Protobuf.WritingPrimitives", "/app/Google.Protobuf.dll");

        // The same library's method the app ran first, optimized on the same thread: the app's.
        jit.OnJittingStarted(7, 3_000_000);
        jit.OnMethodLoaded(7, 5_000_000, 43, "Google.Protobuf.WritingPrimitives", "/app/Google.Protobuf.dll");

        Assert.Equal(1, jit.CountedCompiles);
        Assert.Equal(TimeSpan.FromMilliseconds(1), jit.Take());
    }

    // Runs body with a runtime events session feeding jit, once the session's first events have arrived.
    private static void WithRuntimeEvents(ProfilerThreads threads, ProfilerJitTime jit, Action body)
    {
        var sink = new MethodEventsSink(new MethodAddressMap(), new ModuleFileMap(), _ => null, jit);
        Exception? failure = null;
        using (new RuntimeEventsSession(EventPipeSessions.ForCurrentProcess(), sink, threads, ex => failure = ex))
        {
            // The session is on once its start returns; its events arrive within the runtime's flush.
            Compile<WarmUp>();
            Assert.True(SpinWait.SpinUntil(() => sink.MethodEvents > 0, TimeSpan.FromSeconds(20)), "no method event arrived");
            Thread.Sleep(500);
            body();
        }

        Assert.Null(failure);
    }

    private static void Compile<T>() => RuntimeHelpers.PrepareMethod(typeof(JitProbe<T>).GetMethod(nameof(JitProbe<T>.Work))!.MethodHandle);

    private struct WarmUp;

    private struct OnProfilerThread;

    private struct OnAppThread;

    private struct BroughtByProfiler;

    private struct RanByApp;
}

/// <summary>A method compiled anew for each value type it is instantiated over.</summary>
public static class JitProbe<T>
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Work(int x) => (x * 31) + typeof(T).Name.Length;
}
