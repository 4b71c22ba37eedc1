using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using OtelProfiles.Collection;
using OtelProfiles.Collection.NetTrace;

namespace OtelProfiles.Tests.Collection;

/// <summary>
/// Our nettrace reader against a real stream recorded from this process's own SampleProfiler session, with
/// TraceEvent's EventPipeEventSource reading the same bytes as the reference decoder.
/// </summary>
public sealed class NetTraceReaderTests
{
    // TraceEvent has no parser registered for the sample profiler and names it by its provider GUID.
    private static readonly Guid SampleProfilerGuid = new("3c530d44-97ae-513a-1e6d-783e8f8e03a9");

    private static readonly Lazy<byte[]> Recorded = new(RecordSamplerStream);

    private static byte[] RecordSamplerStream()
    {
        var client = new DiagnosticsClient(Environment.ProcessId);
        using var stop = new CancellationTokenSource();
        var busy = new Thread(() =>
        {
            double x = 0;
            while (!stop.IsCancellationRequested)
            {
                x += Math.Sqrt(x + 1);
            }
        }) { IsBackground = true, Name = "busy" };
        busy.Start();
        using EventPipeSession session = client.StartEventPipeSession(
            [new EventPipeProvider(RuntimeEvents.SampleProfilerProvider, EventLevel.Informational)], requestRundown: false, circularBufferMB: 16);
        using var buffer = new MemoryStream();
        Task copy = Task.Run(() => session.EventStream.CopyTo(buffer));
        Thread.Sleep(400);
        session.Stop();
        copy.Wait(TimeSpan.FromSeconds(10));
        stop.Cancel();
        return buffer.ToArray();
    }

    private sealed class CountingSink : INetTraceEventSink
    {
        public NetTraceHeader? Header { get; private set; }

        public int Samples { get; private set; }

        public int SamplesWithStacks { get; private set; }

        public HashSet<long> Threads { get; } = new();

        public void OnHeader(NetTraceHeader header) => Header = header;

        public void OnEvent(in NetTraceEvent traceEvent)
        {
            if (traceEvent.Metadata.ProviderName == RuntimeEvents.SampleProfilerProvider)
            {
                Samples++;
                Threads.Add(traceEvent.ThreadId);
                if (!traceEvent.Stack.IsEmpty)
                {
                    SamplesWithStacks++;
                }
            }
        }
    }

    [Fact]
    public void Reads_the_same_samples_as_TraceEvent_with_stacks_and_header()
    {
        byte[] bytes = Recorded.Value;
        var sink = new CountingSink();

        bool complete = new NetTraceReader().ReadToEnd(new MemoryStream(bytes), sink);

        int referenceSamples = 0;
        var referenceThreads = new HashSet<long>();
        using (var source = new EventPipeEventSource(new MemoryStream(bytes)))
        {
            source.AllEvents += e =>
            {
                if (e.ProviderGuid == SampleProfilerGuid)
                {
                    referenceSamples++;
                    referenceThreads.Add(e.ThreadID);
                }
            };
            source.Process();
        }

        Assert.True(complete);
        Assert.True(sink.Samples > 50, $"only {sink.Samples} samples");
        Assert.Equal(referenceSamples, sink.Samples);
        Assert.Equal(referenceThreads.OrderBy(t => t), sink.Threads.OrderBy(t => t));
        Assert.Equal(sink.Samples, sink.SamplesWithStacks);
        Assert.Equal(1_000_000, sink.Header!.ExpectedCpuSamplingRateNs);
        Assert.Equal(Environment.ProcessId, sink.Header.ProcessId);
        Assert.Equal(IntPtr.Size, sink.Header.PointerSize);
    }

    [Fact]
    public void One_reader_reads_stream_after_stream()
    {
        var reader = new NetTraceReader();
        var first = new CountingSink();
        var second = new CountingSink();

        reader.ReadToEnd(new MemoryStream(Recorded.Value), first);
        reader.ReadToEnd(new MemoryStream(Recorded.Value), second);

        Assert.Equal(first.Samples, second.Samples);
    }

    [Fact]
    public void A_cut_stream_ends_early_or_fails_with_a_format_error_never_anything_else()
    {
        byte[] bytes = Recorded.Value;
        foreach (int length in new[] { 0, 5, 40, 100, bytes.Length / 3, bytes.Length / 2, bytes.Length - 1 })
        {
            var sink = new CountingSink();
            try
            {
                bool complete = new NetTraceReader().ReadToEnd(new MemoryStream(bytes, 0, length), sink);
                Assert.False(complete);
            }
            catch (Exception ex)
            {
                Assert.True(ex is EndOfStreamException or NetTraceFormatException, $"length {length}: {ex}");
            }
        }
    }

    [Fact]
    public void Rejects_a_stream_that_is_not_nettrace()
    {
        var error = Assert.Throws<NetTraceFormatException>(() => new NetTraceReader().ReadToEnd(new MemoryStream("NotATrace-at-all-0123456789"u8.ToArray()), new CountingSink()));
        Assert.Contains("Nettrace", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingSink : INetTraceEventSink
    {
        public List<WrittenEvent> Events { get; } = [];

        public void OnHeader(NetTraceHeader header)
        {
        }

        public void OnEvent(in NetTraceEvent traceEvent)
        {
            Assert.Equal(NetTraceStreamWriter.ProviderName, traceEvent.Metadata.ProviderName);
            Assert.Equal(NetTraceStreamWriter.EventId, traceEvent.Metadata.EventId);
            Events.Add(new WrittenEvent(traceEvent.ThreadId, traceEvent.Timestamp, traceEvent.Payload.ToArray(), traceEvent.IsSorted));
        }
    }

    // Sorted and unsorted events mixed, on two threads, with payloads of different lengths.
    private static readonly WrittenEvent[] MixedEvents =
    [
        .. new[] { true, false, false, true, false, true, true, false }.Select((sorted, i) =>
            new WrittenEvent(ThreadId: 100 + (i % 2), Timestamp: 5_000 + (i * 250), NetTraceStreamWriter.Payload(i), sorted)),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sorted_marks_are_read_as_written_in_both_header_forms(bool compressedHeaders)
    {
        byte[] bytes = NetTraceStreamWriter.Write(MixedEvents, compressedHeaders);
        var sink = new RecordingSink();

        Assert.True(new NetTraceReader().ReadToEnd(new MemoryStream(bytes), sink));

        Assert.Equal(MixedEvents.Select(e => e.IsSorted), sink.Events.Select(e => e.IsSorted));
        Assert.Equal(MixedEvents.Select(e => (e.ThreadId, e.Timestamp)), sink.Events.Select(e => (e.ThreadId, e.Timestamp)));
        Assert.Equal(MixedEvents.Select(e => Convert.ToHexString(e.Payload)), sink.Events.Select(e => Convert.ToHexString(e.Payload)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TraceEvent_reads_the_written_streams_as_we_do(bool compressedHeaders)
    {
        // The reference decoder accepts the hand-written stream and finds the same events in it, so the writer
        // (and with it the sorted-mark test above) follows the format rather than our reader's idea of it.
        byte[] bytes = NetTraceStreamWriter.Write(MixedEvents, compressedHeaders);
        var reference = new List<(long Thread, string Payload)>();
        using (var source = new EventPipeEventSource(new MemoryStream(bytes)))
        {
            // Events known only from their metadata reach the dynamic parser, not AllEvents.
            source.Dynamic.All += e =>
            {
                if (e.ProviderName == NetTraceStreamWriter.ProviderName)
                {
                    reference.Add((e.ThreadID, Convert.ToHexString(e.EventData())));
                }
            };
            source.Process();
        }

        var sink = new RecordingSink();
        new NetTraceReader().ReadToEnd(new MemoryStream(bytes), sink);

        Assert.Equal(MixedEvents.Length, reference.Count);
        Assert.Equal(
            reference.OrderBy(r => r.Payload, StringComparer.Ordinal).ThenBy(r => r.Thread),
            sink.Events.Select(e => (Thread: e.ThreadId, Payload: Convert.ToHexString(e.Payload)))
                .OrderBy(r => r.Payload, StringComparer.Ordinal).ThenBy(r => r.Thread));
    }
}
