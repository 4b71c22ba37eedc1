using System.Text;

namespace OtelProfiles.Tests.Collection;

/// <summary>An event to write: which thread, when, its payload and whether the writer marks it sorted.</summary>
internal sealed record WrittenEvent(long ThreadId, long Timestamp, byte[] Payload, bool IsSorted);

/// <summary>
/// Writes a small nettrace (v4) stream the way the runtime's EventPipe does: the trace object, one metadata block
/// describing a single event, one event block, the end tag. The event block uses either header form, so a reader
/// can be checked on the uncompressed one too, which the runtime itself no longer writes. Written from the format
/// description (PerfView's EventPipeFormat.md and the runtime's ep-block.c), not from our reader.
/// </summary>
internal static class NetTraceStreamWriter
{
    public const string ProviderName = "OtelProfiles-Test";
    public const string EventName = "Tick";
    public const int EventId = 7;
    private const int MetadataId = 1;

    public static byte[] Write(IReadOnlyList<WrittenEvent> events, bool compressedHeaders)
    {
        var stream = new MemoryStream();
        var output = new BinaryWriter(stream);
        output.Write("Nettrace"u8);
        output.Write(20);
        output.Write("!FastSerialization.1"u8);

        WriteTraceObject(output);
        WriteBlock(output, "MetadataBlock", MetadataBlock());
        WriteBlock(output, "EventBlock", EventBlock(events, compressedHeaders));
        output.Write((byte)1); // NullReference: the end of the stream
        return stream.ToArray();
    }

    private static void WriteTraceObject(BinaryWriter output)
    {
        output.Write((byte)5); // BeginPrivateObject
        WriteTypeDescriptor(output, "Trace", version: 4);
        foreach (short part in new short[] { 2026, 12, 5, 4, 12, 0, 0, 0 })
        {
            output.Write(part); // SYSTEMTIME: year, month, day of week, day, hour, minute, second, ms
        }

        output.Write(1_000L); // sync time QPC
        output.Write(1_000_000_000L); // QPC frequency
        output.Write(8); // pointer size
        output.Write(4242); // process id
        output.Write(2); // processors
        output.Write(1_000_000); // expected CPU sampling rate
        output.Write((byte)6); // EndObject
    }

    private static void WriteBlock(BinaryWriter output, string typeName, byte[] content)
    {
        output.Write((byte)5);
        WriteTypeDescriptor(output, typeName, version: 2);
        output.Write(content.Length);
        while (output.BaseStream.Position % 4 != 0)
        {
            output.Write((byte)0); // block content starts 4-byte aligned in the stream
        }

        output.Write(content);
        output.Write((byte)6);
    }

    private static void WriteTypeDescriptor(BinaryWriter output, string name, int version)
    {
        output.Write((byte)5);
        output.Write((byte)1); // the type of a type: null
        output.Write(version);
        output.Write(version); // minimum reader version
        output.Write(name.Length);
        output.Write(Encoding.ASCII.GetBytes(name));
        output.Write((byte)6);
    }

    private static byte[] MetadataBlock()
    {
        var metadata = new MemoryStream();
        var writer = new BinaryWriter(metadata);
        writer.Write(MetadataId);
        writer.Write(Encoding.Unicode.GetBytes(ProviderName + "\0"));
        writer.Write(EventId);
        writer.Write(Encoding.Unicode.GetBytes(EventName + "\0"));
        writer.Write(0L); // keywords
        writer.Write(1); // version
        writer.Write(4); // level: informational
        writer.Write(0); // no fields

        // Metadata events have metadata id 0 and no thread. The runtime always compresses metadata block headers.
        var events = new[] { new WrittenEvent(0, 0, metadata.ToArray(), IsSorted: true) };
        return Block(events, compressedHeaders: true, metadataId: 0);
    }

    private static byte[] EventBlock(IReadOnlyList<WrittenEvent> events, bool compressedHeaders) =>
        Block(events, compressedHeaders, MetadataId);

    private static byte[] Block(IReadOnlyList<WrittenEvent> events, bool compressedHeaders, int metadataId)
    {
        var block = new MemoryStream();
        var writer = new BinaryWriter(block);
        writer.Write((short)20); // header size
        writer.Write((short)(compressedHeaders ? 1 : 0)); // flags: header compression
        writer.Write(events.Count == 0 ? 0L : events.Min(e => e.Timestamp));
        writer.Write(events.Count == 0 ? 0L : events.Max(e => e.Timestamp));

        var sequences = new Dictionary<long, int>();
        long previousTimestamp = 0;
        foreach (var e in events)
        {
            int sequence = sequences[e.ThreadId] = sequences.GetValueOrDefault(e.ThreadId) + 1;
            if (compressedHeaders)
            {
                // Every optional field written each time: valid, and simpler than tracking what changed.
                writer.Write((byte)(0b1000_1111 | (e.IsSorted ? 0b0100_0000 : 0)));
                WriteVarUInt(writer, (ulong)metadataId);
                WriteVarUInt(writer, 0); // sequence number delta against "previous + 1"
                WriteVarUInt(writer, (ulong)e.ThreadId); // capture thread
                WriteVarUInt(writer, 0); // processor
                WriteVarUInt(writer, (ulong)e.ThreadId);
                WriteVarUInt(writer, 0); // stack id: none
                WriteVarUInt(writer, (ulong)(e.Timestamp - previousTimestamp));
                WriteVarUInt(writer, (ulong)e.Payload.Length);
                writer.Write(e.Payload);
                previousTimestamp = e.Timestamp;
                continue;
            }

            int eventSize = 76 + e.Payload.Length;
            int padding = (4 - (eventSize % 4)) % 4;
            writer.Write(eventSize + padding); // size of what follows this field
            writer.Write((uint)metadataId | (e.IsSorted ? 0u : 0x8000_0000u)); // the high bit marks NOT sorted
            writer.Write(sequence);
            writer.Write(e.ThreadId);
            writer.Write(e.ThreadId); // capture thread
            writer.Write(0); // processor
            writer.Write(0); // stack id: none
            writer.Write(e.Timestamp);
            writer.Write(new byte[32]); // activity ids
            writer.Write(e.Payload.Length);
            writer.Write(e.Payload);
            writer.Write(new byte[padding]);
        }

        return block.ToArray();
    }

    private static void WriteVarUInt(BinaryWriter writer, ulong value)
    {
        do
        {
            byte low = (byte)(value & 0x7F);
            value >>= 7;
            writer.Write(value == 0 ? low : (byte)(low | 0x80));
        }
        while (value != 0);
    }

    /// <summary>
    /// A payload whose bytes say which event it belongs to: 0, 4 or 8 bytes. Whole 4-byte units because TraceEvent
    /// 3.2.8, the reference decoder, misplaces the next uncompressed header after an unaligned payload (a form the
    /// runtime does not write; the compressed form has no padding).
    /// </summary>
    public static byte[] Payload(int index)
    {
        var bytes = new byte[(index % 3) * 4];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(index * 16 + i);
        }

        return bytes;
    }
}
