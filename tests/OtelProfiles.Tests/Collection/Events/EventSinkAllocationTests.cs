using System.Buffers.Binary;
using System.Text;
using OtelProfiles.Aggregation;
using OtelProfiles.Collection;
using OtelProfiles.Collection.Events;
using OtelProfiles.Collection.LiveHeap;
using OtelProfiles.Collection.NetTrace;
using OtelProfiles.ProfileSources.Memory;
using OtelProfiles.ProfileSources.Signals;

namespace OtelProfiles.Tests.Collection.Events;

/// <summary>The reader threads decode, intern and count: an event whose stack, row and type were seen before allocates nothing.</summary>
public sealed class EventSinkAllocationTests
{
    private static readonly EventMetadata AllocationSampled = new(1, RuntimeEvents.RuntimeProvider, ProfileEvents.AllocationSampled, "AllocationSampled", 0);
    private static readonly EventMetadata ExceptionThrown = new(2, RuntimeEvents.RuntimeProvider, ProfileEvents.ExceptionThrown, "ExceptionThrown", 1);
    private static readonly EventMetadata ContentionStart = new(3, RuntimeEvents.RuntimeProvider, ProfileEvents.ContentionStart, "ContentionStart", 2);
    private static readonly EventMetadata ContentionStop = new(4, RuntimeEvents.RuntimeProvider, ProfileEvents.ContentionStop, "ContentionStop", 1);

    private static readonly ulong[] Stack = [0x1010, 0x2020, 0x3030, 0x4040];

    [Fact]
    public void Allocation_samples_for_known_stacks_and_types_allocate_nothing_with_in_use_on()
    {
        var sink = new MemoryEventsSink(new LabelTable(), new ProfilerThreads(), new AllocationRecorder(), new LiveHeapTracker());
        byte[] payload = AllocationPayload("System.Byte[]", size: 1024);

        // Warm up: first sight of the stack, row and type, and room in the time-ordering buffer.
        for (int i = 0; i < 20_000; i++)
        {
            sink.OnEvent(new NetTraceEvent(AllocationSampled, 7, i, payload, Stack));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            sink.OnEvent(new NetTraceEvent(AllocationSampled, 7, 20_000 + i, payload, Stack));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Exceptions_and_contentions_on_known_stacks_allocate_nothing()
    {
        var sink = new SignalEventsSink(new LabelTable(), new ProfilerThreads(), new ContentionRecorder(), new ExceptionRecorder());
        byte[] thrown = Encoding.Unicode.GetBytes("System.InvalidOperationException\0message\0").Concat(new byte[16]).ToArray();
        byte[] start = new byte[27];
        byte[] stop = new byte[11];
        BinaryPrimitives.WriteDoubleLittleEndian(stop.AsSpan(3), 1234.5);

        void Round(long time)
        {
            sink.OnEvent(new NetTraceEvent(ExceptionThrown, 7, time, thrown, Stack));
            sink.OnEvent(new NetTraceEvent(ContentionStart, 7, time, start, Stack));
            sink.OnEvent(new NetTraceEvent(ContentionStop, 7, time + 1, stop, Stack));
        }

        for (int i = 0; i < 100; i++)
        {
            Round(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            Round(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] AllocationPayload(string typeName, ulong size)
    {
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(0));          // kind: small object heap
        payload.AddRange(BitConverter.GetBytes((ushort)0));  // clr instance
        payload.AddRange(BitConverter.GetBytes(0x7000UL));   // type handle
        payload.AddRange(Encoding.Unicode.GetBytes(typeName + "\0"));
        payload.AddRange(BitConverter.GetBytes(0x9000UL));   // address
        payload.AddRange(BitConverter.GetBytes(size));
        payload.AddRange(BitConverter.GetBytes(17UL));       // sampled byte offset
        return payload.ToArray();
    }
}
