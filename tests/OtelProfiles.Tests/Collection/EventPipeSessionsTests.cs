using System.Reflection.Emit;
using Microsoft.Diagnostics.NETCore.Client;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// Which events of the profiler's own sessions carry a stack, on this test process's real sessions: only what a sample
/// is made of. The runtime walks the raising thread's stack for every other event of a session that asks for walks:
/// inside a collection's pause for the GC events the sampler uses to measure its pauses, and on the compiling thread
/// for every method event.
/// </summary>
public sealed class EventPipeSessionsTests
{
    [Fact]
    public void A_sampler_window_carries_the_thread_samples_stacks_and_none_for_its_gc_events()
    {
        StackCounts sink = Record(sessions => sessions.StartSampler(), () =>
        {
            GC.Collect(0); // each collection raises its GC events on this thread, whose stack could be walked
            Thread.Sleep(20);
        });

        Assert.True(sink.SamplesWithStack > 0, "no thread sample carried a stack");
        Assert.True(sink.RuntimeProviderEvents >= 5, $"{sink.RuntimeProviderEvents} GC events for five collections");
        Assert.True(sink.RuntimeProviderEventsWithStack == 0, $"{sink.RuntimeProviderEventsWithStack} of {sink.RuntimeProviderEvents} GC events carried a stack");
    }

    [Fact]
    public void The_method_events_session_carries_no_stacks()
    {
        int seed = 0;
        StackCounts sink = Record(sessions => sessions.StartRuntimeEvents(), () => CompileAndRunANewMethod(seed++)); // raised on this thread

        Assert.True(sink.RuntimeProviderEvents >= 5, $"{sink.RuntimeProviderEvents} method events for five new methods");
        Assert.True(sink.RuntimeProviderEventsWithStack == 0, $"{sink.RuntimeProviderEventsWithStack} of {sink.RuntimeProviderEvents} method events carried a stack");
    }

    /// <summary>Opens a session of this process, does <paramref name="provoke"/> five times inside it, and counts its events' stacks.</summary>
    private static StackCounts Record(Func<EventPipeSessions, EventPipeSession> start, Action provoke)
    {
        var sink = new StackCounts();
        using EventPipeSession session = start(EventPipeSessions.ForCurrentProcess());
        Thread reader = StartReading(session, sink);
        Thread.Sleep(200);
        for (int i = 0; i < 5; i++)
        {
            provoke();
        }

        Thread.Sleep(200); // the runtime flushes every 100 ms
        session.Stop();
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "the session's stream did not end");
        return sink;
    }

    private static Thread StartReading(EventPipeSession session, StackCounts sink)
    {
        var reader = new Thread(() =>
        {
            try
            {
                new NetTraceReader().ReadToEnd(session.EventStream, sink);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
            {
                // Stopping the session may cut the stream short.
            }
        });
        reader.Start();
        return reader;
    }

    private static int CompileAndRunANewMethod(int seed)
    {
        var method = new DynamicMethod($"EventPipeSessionsTests_{seed}_{Guid.NewGuid():N}", typeof(int), [typeof(int)]);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4, seed + 1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ret);
        return ((Func<int, int>)method.CreateDelegate(typeof(Func<int, int>)))(seed);
    }

    private sealed class StackCounts : INetTraceEventSink
    {
        public int SamplesWithStack { get; private set; }

        public int RuntimeProviderEvents { get; private set; }

        public int RuntimeProviderEventsWithStack { get; private set; }

        public void OnHeader(NetTraceHeader header)
        {
        }

        public void OnEvent(in NetTraceEvent traceEvent)
        {
            if (traceEvent.Metadata.ProviderName == RuntimeEvents.SampleProfilerProvider)
            {
                SamplesWithStack += traceEvent.Stack.IsEmpty ? 0 : 1;
            }
            else if (traceEvent.Metadata.ProviderName == RuntimeEvents.RuntimeProvider)
            {
                RuntimeProviderEvents++;
                RuntimeProviderEventsWithStack += traceEvent.Stack.IsEmpty ? 0 : 1;
            }
        }
    }
}
