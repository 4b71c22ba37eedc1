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
            static (typeName, _) => typeName.StartsWith(typeof(JitProbe<>).FullName!, StringComparison.Ordinal),
            startUp: TimeSpan.Zero);
        var sink = new MethodEventsSink(new MethodAddressMap(), new ModuleFileMap(), _ => null, jit);
        Exception? failure = null;
        using (new RuntimeEventsSession(EventPipeSessions.ForCurrentProcess(), sink, threads, ex => failure = ex))
        {
            // The session is on once its start returns; its events arrive within the runtime's flush.
            Compile<WarmUp>();
            Assert.True(SpinWait.SpinUntil(() => sink.MethodEvents > 0, TimeSpan.FromSeconds(20)), "no method event arrived");
            Thread.Sleep(500);
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
        }

        Assert.Null(failure);
    }

    [Fact]
    public void Compiles_of_the_start_up_are_not_charged()
    {
        var jit = new ProfilerJitTime(static _ => false, static (_, _) => true, startUp: TimeSpan.FromSeconds(1));
        jit.SetTimestampFrequency(1_000_000_000);
        jit.OnJittingStarted(7, 1_000_000);
        jit.OnMethodLoaded(7, 3_000_000, "Any", null);

        Assert.Equal(1, jit.CountedCompiles);
        Assert.Equal(TimeSpan.Zero, jit.Take());
        Thread.Sleep(1100);
        Assert.Equal(TimeSpan.Zero, jit.Take()); // what came in the start-up is not kept for later

        jit.OnJittingStarted(7, 5_000_000);
        jit.OnMethodLoaded(7, 7_000_000, "Any", null);
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

    private static void Compile<T>() => RuntimeHelpers.PrepareMethod(typeof(JitProbe<T>).GetMethod(nameof(JitProbe<T>.Work))!.MethodHandle);

    private struct WarmUp;

    private struct OnProfilerThread;

    private struct OnAppThread;
}

/// <summary>A method compiled anew for each value type it is instantiated over.</summary>
public static class JitProbe<T>
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Work(int x) => (x * 31) + typeof(T).Name.Length;
}
