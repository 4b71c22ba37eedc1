using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Signals;
using OtelProfiles.Tests.Integration;

namespace OtelProfiles.Tests.Collection.Events;

/// <summary>
/// The payload layouts our sinks decode, checked on real events of this process: the same recorded stream is read
/// by our sinks and by TraceEvent's CLR parser, and what both saw must agree.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EventPayloadTests
{
    private static readonly object Gate = new();

    [Fact]
    public void Allocation_lock_and_exception_payloads_decode_as_TraceEvent_reads_them()
    {
        byte[] bytes = Record(
            ProfileEvents.AllocationSamplingKeyword | ProfileEvents.ContentionKeyword | ProfileEvents.ExceptionKeyword,
            EventLevel.Informational,
            () =>
            {
                _ = Allocate();
                Throw();
                Contend();
            });

        var types = new LabelTable();
        var allocations = new AllocationRecorder();
        var memory = new MemoryEventsSink(types, new ProfilerThreads(), allocations, null);
        new NetTraceReader().ReadToEnd(new MemoryStream(bytes), memory);
        var exceptionTypes = new LabelTable();
        var contention = new ContentionRecorder();
        var exceptions = new ExceptionRecorder();
        new NetTraceReader().ReadToEnd(new MemoryStream(bytes), new SignalEventsSink(exceptionTypes, new ProfilerThreads(), contention, exceptions));

        double referenceBytes = 0;
        int referenceAllocations = 0;
        var referenceTypes = new HashSet<string>();
        var referenceExceptions = new List<string>();
        double referenceWaitNs = 0;
        int referenceStops = 0;
        using (var source = new EventPipeEventSource(new MemoryStream(bytes)))
        {
            // TraceEvent parses AllocationSampled but offers no typed callback for it: read it by field name.
            source.Clr.All += e =>
            {
                if ((int)e.ID == ProfileEvents.AllocationSampled)
                {
                    referenceAllocations++;
                    referenceBytes += AllocationWeights.Bytes(Convert.ToUInt64(e.PayloadByName("ObjectSize"), System.Globalization.CultureInfo.InvariantCulture));
                    referenceTypes.Add((string)e.PayloadByName("TypeName"));
                }
            };
            source.Clr.ExceptionStart += e => referenceExceptions.Add(e.ExceptionType);
            source.Clr.ContentionStop += e =>
            {
                referenceStops++;
                referenceWaitNs += e.DurationNs;
            };
            source.Process();
        }

        EventSampleTable allocated = allocations.TakeInterval();
        Assert.True(referenceAllocations > 100, $"{referenceAllocations} allocation samples");
        Assert.Equal(referenceAllocations, memory.AllocationEvents);
        Assert.Equal(referenceBytes, allocated.Rows.Sum(r => r.Value.Second), 3);
        Assert.Equal(referenceTypes.Order(), allocated.Rows.Select(r => types.Name(r.Key.Label)).Distinct().Order());
        Assert.Contains(referenceTypes, t => t.EndsWith("Payload[]", StringComparison.Ordinal));

        EventSampleTable thrown = exceptions.TakeInterval();
        Assert.Equal(
            referenceExceptions.GroupBy(t => t).ToDictionary(g => g.Key, g => (double)g.Count()),
            thrown.Rows.GroupBy(r => exceptionTypes.Name(r.Key.Label)).ToDictionary(g => g.Key, g => g.Sum(r => r.Value.First)));
        Assert.Contains("System.InvalidOperationException", referenceExceptions);

        EventSampleTable waits = contention.TakeInterval();
        Assert.True(referenceStops > 0, "no contention recorded");
        Assert.Equal(referenceStops, waits.Rows.Sum(r => r.Value.First));
        Assert.Equal(referenceWaitNs, waits.Rows.Sum(r => r.Value.Second), 1);
    }

    [Fact]
    public void Gc_survival_and_movement_payloads_decode_as_TraceEvent_reads_them()
    {
        byte[] bytes = Record(
            ProfileEvents.GCKeyword | ProfileEvents.GCHeapSurvivalAndMovementKeyword | ProfileEvents.AllocationSamplingKeyword,
            EventLevel.Informational,
            () =>
            {
                _ = Allocate();
                GC.Collect(0);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            });

        var tracker = new LiveHeapTracker();
        new NetTraceReader().ReadToEnd(new MemoryStream(bytes), new MemoryEventsSink(new LabelTable(), new ProfilerThreads(), null, tracker));
        tracker.ReleaseUpTo(long.MaxValue);

        var starts = new List<(uint, uint, uint)>();
        var ranges = new List<(int, ulong, ulong)>();
        long moved = 0, survived = 0;
        using (var source = new EventPipeEventSource(new MemoryStream(bytes)))
        {
            source.Clr.GCStart += e => starts.Add(((uint)e.Count, (uint)e.Depth, (uint)e.Type));
            source.Clr.GCGenerationRange += e => ranges.Add((e.Generation, e.RangeStart, e.RangeStart + Math.Max(e.RangeUsedLength, e.RangeReservedLength)));
            source.Clr.GCBulkMovedObjectRanges += e => moved += e.Count;
            source.Clr.GCBulkSurvivingObjectRanges += e => survived += e.Count;
            source.Process();
        }

        // Our decoding feeds the tracker: every blocking GC TraceEvent saw was replayed as a collection, every
        // range fell inside a GC, and the sampled objects kept alive by the test survive the replay.
        Assert.True(starts.Count >= 2, $"{starts.Count} GCs");
        Assert.Contains(starts, s => s.Item2 == 2);
        Assert.True(moved + survived > 0, "no survival ranges");
        Assert.True(ranges.Count > 0);
        Assert.Equal(starts.Count(s => s.Item3 != 1), tracker.Statistics.Collections);
        Assert.Equal(0, tracker.Statistics.StrayRanges);
        Assert.True(tracker.Statistics.Died > 0);
    }

    private static byte[] Record(long keywords, EventLevel level, Action work)
    {
        var client = new DiagnosticsClient(Environment.ProcessId);
        using EventPipeSession session = client.StartEventPipeSession(
            [new EventPipeProvider(RuntimeEvents.RuntimeProvider, level, keywords)], requestRundown: false, circularBufferMB: 64);
        using var buffer = new MemoryStream();
        Task copy = Task.Run(() => session.EventStream.CopyTo(buffer));
        work();
        session.Stop();
        Assert.True(copy.Wait(TimeSpan.FromSeconds(20)), "the session did not end");
        return buffer.ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Allocate()
    {
        long total = 0;
        var random = new Random(3);
        for (int i = 0; i < 40_000; i++)
        {
            total += new Payload[random.Next(1, 200)].Length;
            total += new string('x', random.Next(1, 100)).Length;
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw()
    {
        for (int i = 0; i < 20; i++)
        {
            try
            {
                throw i % 2 == 0 ? new InvalidOperationException() : new ArgumentException();
            }
            catch (Exception)
            {
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Contend()
    {
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                lock (Gate)
                {
                    Thread.Sleep(2);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    private struct Payload
    {
        public long A = 1;
        public long B = 2;

        public Payload()
        {
        }
    }
}
