using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace OtelProfiles.Collection.NetTrace;

/// <summary>Receives the events of a nettrace stream, on the reading thread.</summary>
internal interface INetTraceEventSink
{
    /// <summary>The stream's trace object was read (once, before any event).</summary>
    void OnHeader(NetTraceHeader header);

    /// <summary>One event; its spans are only valid during the call.</summary>
    void OnEvent(in NetTraceEvent traceEvent);

    /// <summary>
    /// A sequence point: every event before it in the stream is older than every event after it. Sinks that
    /// reorder events by time flush here; the others ignore it.
    /// </summary>
    void OnSequencePoint()
    {
    }
}

/// <summary>
/// A streaming reader for the nettrace format (version 4/5, the format the runtime streams over the diagnostics
/// port) that hands every event with its raw stack to a sink, without allocating per event.
/// </summary>
/// <remarks>
/// Why not TraceEvent's <c>EventPipeEventSource</c>: it exposes no public raw stack outside TraceLog, and every
/// instance leaks a few KB of native memory, which rules out one instance per duty cycle of the sampler. The
/// reader only understands what EventPipe writes: the Trace object, then MetadataBlock, StackBlock, EventBlock
/// and SPBlock objects, then a NullReference tag. One instance is reused stream after stream (its buffers stay),
/// but it reads one stream at a time.
/// </remarks>
internal sealed class NetTraceReader
{
    private Stream _stream = Stream.Null;
    private readonly byte[] _input = new byte[64 * 1024];
    private int _inputStart;
    private int _inputEnd;
    private long _position; // absolute stream offset of _input[_inputStart]

    private byte[] _block = new byte[64 * 1024];
    private readonly Dictionary<int, EventMetadata> _metadata = new();

    // Stacks are valid until the next sequence point; they live in one growing arena, indexed by id.
    private ulong[] _stackArena = new ulong[16 * 1024];
    private int _stackArenaUsed;
    private readonly Dictionary<int, (int Offset, int Length)> _stacks = new();

    private int _pointerSize = 8;

    /// <summary>The stream's trace object, once read.</summary>
    public NetTraceHeader? Header { get; private set; }

    /// <summary>Reads a whole stream (until its end tag or end of data), calling <paramref name="sink"/> per event.</summary>
    /// <returns>False when the stream ended before its end tag (the session was cut short).</returns>
    public bool ReadToEnd(Stream stream, INetTraceEventSink sink)
    {
        _stream = stream;
        _inputStart = _inputEnd = 0;
        _position = 0;
        _metadata.Clear();
        _stacks.Clear();
        _stackArenaUsed = 0;
        Header = null;
        if (!TryReadStreamHeader())
        {
            return false;
        }

        while (true)
        {
            if (!TryReadByte(out byte tag))
            {
                return false;
            }

            if (tag == FastSerializationTags.NullReference)
            {
                return true;
            }

            Expect(tag, FastSerializationTags.BeginPrivateObject, "object start");
            string typeName = ReadTypeDescriptor();
            if (typeName == "Trace")
            {
                ReadTraceObject(sink);
            }
            else if (!ReadBlock(typeName, sink))
            {
                return false;
            }

            if (!TryReadByte(out byte end))
            {
                return false;
            }

            Expect(end, FastSerializationTags.EndObject, "end of " + typeName);
        }
    }

    private bool TryReadStreamHeader()
    {
        Span<byte> magic = stackalloc byte[8];
        if (!TryReadExactly(magic))
        {
            return false;
        }

        if (!magic.SequenceEqual("Nettrace"u8))
        {
            throw new NetTraceFormatException("The stream does not start with the 'Nettrace' magic.");
        }

        int length = ReadInt32();
        Span<byte> serializer = stackalloc byte[64];
        if (length is <= 0 or > 64)
        {
            throw new NetTraceFormatException($"Unexpected serializer signature length {length}.");
        }

        ReadExactly(serializer[..length]);
        if (!serializer[..length].SequenceEqual("!FastSerialization.1"u8))
        {
            throw new NetTraceFormatException("Unknown serializer signature.");
        }

        return true;
    }

    private string ReadTypeDescriptor()
    {
        Expect(ReadByte(), FastSerializationTags.BeginPrivateObject, "type descriptor");
        Expect(ReadByte(), FastSerializationTags.NullReference, "type of type");
        _ = ReadInt32(); // version
        int minimumReaderVersion = ReadInt32();
        int nameLength = ReadInt32();
        if (nameLength is <= 0 or > 64)
        {
            throw new NetTraceFormatException($"Unexpected type name length {nameLength}.");
        }

        Span<byte> name = stackalloc byte[nameLength];
        ReadExactly(name);
        Expect(ReadByte(), FastSerializationTags.EndObject, "end of type descriptor");
        string typeName = KnownTypeName(name);
        if (typeName == "Trace" && minimumReaderVersion > 4)
        {
            throw new NetTraceFormatException($"nettrace version {minimumReaderVersion} is newer than this reader understands (4).");
        }

        return typeName;
    }

    // Type names repeat for every block: return interned literals instead of allocating a string per block.
    private static string KnownTypeName(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("EventBlock"u8) => "EventBlock",
        _ when name.SequenceEqual("StackBlock"u8) => "StackBlock",
        _ when name.SequenceEqual("SPBlock"u8) => "SPBlock",
        _ when name.SequenceEqual("MetadataBlock"u8) => "MetadataBlock",
        _ when name.SequenceEqual("Trace"u8) => "Trace",
        _ => Encoding.ASCII.GetString(name),
    };

    private void ReadTraceObject(INetTraceEventSink sink)
    {
        Span<byte> systemTime = stackalloc byte[16];
        ReadExactly(systemTime);
        var utc = new DateTime(
            BinaryPrimitives.ReadInt16LittleEndian(systemTime),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[2..]),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[6..]),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[8..]),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[10..]),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[12..]),
            BinaryPrimitives.ReadInt16LittleEndian(systemTime[14..]),
            DateTimeKind.Utc);
        long syncQpc = ReadInt64();
        long qpcFrequency = ReadInt64();
        int pointerSize = ReadInt32();
        int processId = ReadInt32();
        int processors = ReadInt32();
        int samplingRate = ReadInt32();
        _pointerSize = pointerSize;
        Header = new NetTraceHeader(syncQpc, qpcFrequency, utc, pointerSize, processId, processors, samplingRate);
        sink.OnHeader(Header);
    }

    private bool ReadBlock(string typeName, INetTraceEventSink sink)
    {
        int size = ReadInt32();
        if (size < 0)
        {
            throw new NetTraceFormatException($"Negative {typeName} size.");
        }

        // Block content starts at the next 4-byte aligned offset of the stream.
        int padding = (int)((4 - (_position % 4)) % 4);
        Span<byte> pad = stackalloc byte[4];
        if (!TryReadExactly(pad[..padding]))
        {
            return false;
        }

        if (_block.Length < size)
        {
            _block = new byte[Math.Max(size, _block.Length * 2)];
        }

        Span<byte> block = _block.AsSpan(0, size);
        if (!TryReadExactly(block))
        {
            return false;
        }

        switch (typeName)
        {
            case "EventBlock":
                ReadEvents(block, isMetadata: false, sink);
                break;
            case "MetadataBlock":
                ReadEvents(block, isMetadata: true, sink);
                break;
            case "StackBlock":
                ReadStacks(block);
                break;
            case "SPBlock":
                // A sequence point ends the scope of every stack id seen so far.
                _stacks.Clear();
                _stackArenaUsed = 0;
                sink.OnSequencePoint();
                break;
        }

        return true;
    }

    private void ReadStacks(ReadOnlySpan<byte> block)
    {
        int firstId = BinaryPrimitives.ReadInt32LittleEndian(block);
        int count = BinaryPrimitives.ReadInt32LittleEndian(block[4..]);
        int offset = 8;
        for (int i = 0; i < count; i++)
        {
            int bytes = BinaryPrimitives.ReadInt32LittleEndian(block[offset..]);
            offset += 4;
            int frames = bytes / _pointerSize;
            EnsureStackArena(frames);
            Span<ulong> target = _stackArena.AsSpan(_stackArenaUsed, frames);
            ReadOnlySpan<byte> source = block.Slice(offset, bytes);
            if (_pointerSize == 8)
            {
                MemoryMarshal.Cast<byte, ulong>(source).CopyTo(target);
            }
            else
            {
                for (int f = 0; f < frames; f++)
                {
                    target[f] = BinaryPrimitives.ReadUInt32LittleEndian(source[(f * 4)..]);
                }
            }

            _stacks[firstId + i] = (_stackArenaUsed, frames);
            _stackArenaUsed += frames;
            offset += bytes;
        }
    }

    private void EnsureStackArena(int frames)
    {
        if (_stackArenaUsed + frames > _stackArena.Length)
        {
            Array.Resize(ref _stackArena, Math.Max(_stackArena.Length * 2, _stackArenaUsed + frames));
        }
    }

    private void ReadEvents(ReadOnlySpan<byte> block, bool isMetadata, INetTraceEventSink sink)
    {
        int headerSize = BinaryPrimitives.ReadInt16LittleEndian(block[EventBlockHeader.HeaderSizeOffset..]);
        var blockFlags = (EventBlockFlags)BinaryPrimitives.ReadInt16LittleEndian(block[EventBlockHeader.FlagsOffset..]);
        bool compressed = (blockFlags & EventBlockFlags.HeaderCompression) != 0;
        int offset = headerSize;

        // Compressed headers are deltas against the previous event of the same block, starting from zero.
        int metadataId = 0;
        long threadId = 0;
        int stackId = 0;
        long timestamp = 0;
        int payloadSize = 0;
        bool isSorted;

        while (offset < block.Length)
        {
            if (compressed)
            {
                var flags = (CompressedHeaderFlags)block[offset++];
                isSorted = (flags & CompressedHeaderFlags.Sorted) != 0;
                if ((flags & CompressedHeaderFlags.MetadataId) != 0)
                {
                    metadataId = (int)ReadVarUInt32(block, ref offset);
                }

                if ((flags & CompressedHeaderFlags.CaptureThreadAndSequence) != 0)
                {
                    _ = ReadVarUInt32(block, ref offset); // sequence number delta
                    _ = ReadVarUInt64(block, ref offset); // capture thread id
                    _ = ReadVarUInt32(block, ref offset); // processor number
                }

                if ((flags & CompressedHeaderFlags.ThreadId) != 0)
                {
                    threadId = (long)ReadVarUInt64(block, ref offset);
                }

                if ((flags & CompressedHeaderFlags.StackId) != 0)
                {
                    stackId = (int)ReadVarUInt32(block, ref offset);
                }

                timestamp += (long)ReadVarUInt64(block, ref offset);
                if ((flags & CompressedHeaderFlags.ActivityId) != 0)
                {
                    offset += 16;
                }

                if ((flags & CompressedHeaderFlags.RelatedActivityId) != 0)
                {
                    offset += 16;
                }

                if ((flags & CompressedHeaderFlags.DataLength) != 0)
                {
                    payloadSize = (int)ReadVarUInt32(block, ref offset);
                }
            }
            else
            {
                if (offset + UncompressedEventHeader.Size > block.Length)
                {
                    throw new NetTraceFormatException("An event header runs past the end of its block.");
                }

                ReadOnlySpan<byte> header = block.Slice(offset, UncompressedEventHeader.Size);
                uint idAndFlag = BinaryPrimitives.ReadUInt32LittleEndian(header[UncompressedEventHeader.MetadataIdOffset..]);
                metadataId = (int)(idAndFlag & UncompressedEventHeader.MetadataIdMask);

                // The high bit marks an event that is NOT sorted (the opposite of the compressed form's Sorted flag).
                isSorted = (idAndFlag & UncompressedEventHeader.NotSortedBit) == 0;
                threadId = BinaryPrimitives.ReadInt64LittleEndian(header[UncompressedEventHeader.ThreadIdOffset..]);
                stackId = BinaryPrimitives.ReadInt32LittleEndian(header[UncompressedEventHeader.StackIdOffset..]);
                timestamp = BinaryPrimitives.ReadInt64LittleEndian(header[UncompressedEventHeader.TimestampOffset..]);
                payloadSize = BinaryPrimitives.ReadInt32LittleEndian(header[UncompressedEventHeader.PayloadSizeOffset..]);
                offset += UncompressedEventHeader.Size;
            }

            if (payloadSize < 0 || offset + payloadSize > block.Length)
            {
                throw new NetTraceFormatException("An event payload runs past the end of its block.");
            }

            ReadOnlySpan<byte> payload = block.Slice(offset, payloadSize);
            offset += payloadSize;
            if (!compressed)
            {
                offset = (offset + 3) & ~3;
            }

            if (isMetadata)
            {
                AddMetadata(payload);
            }
            else if (_metadata.TryGetValue(metadataId, out EventMetadata? metadata))
            {
                ReadOnlySpan<ulong> stack = stackId != 0 && _stacks.TryGetValue(stackId, out var range)
                    ? _stackArena.AsSpan(range.Offset, range.Length)
                    : default;
                sink.OnEvent(new NetTraceEvent(metadata, threadId, timestamp, payload, stack, isSorted));
            }
        }
    }

    private void AddMetadata(ReadOnlySpan<byte> payload)
    {
        int id = BinaryPrimitives.ReadInt32LittleEndian(payload);
        int offset = 4;
        string provider = ReadUtf16String(payload, ref offset);
        int eventId = BinaryPrimitives.ReadInt32LittleEndian(payload[offset..]);
        offset += 4;
        string eventName = ReadUtf16String(payload, ref offset);
        offset += 8; // keywords
        int version = BinaryPrimitives.ReadInt32LittleEndian(payload[offset..]);
        _metadata[id] = new EventMetadata(id, provider, eventId, eventName, version);
    }

    private static string ReadUtf16String(ReadOnlySpan<byte> data, ref int offset)
    {
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(data[offset..(offset + ((data.Length - offset) & ~1))]);
        int length = chars.IndexOf('\0');
        if (length < 0)
        {
            throw new NetTraceFormatException("Unterminated string in event metadata.");
        }

        offset += (length + 1) * 2;
        return new string(chars[..length]);
    }

    private static uint ReadVarUInt32(ReadOnlySpan<byte> data, ref int offset) => (uint)ReadVarUInt64(data, ref offset);

    private static ulong ReadVarUInt64(ReadOnlySpan<byte> data, ref int offset)
    {
        ulong result = 0;
        int shift = 0;
        while (true)
        {
            byte b = data[offset++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new NetTraceFormatException("A variable-length integer is too long.");
            }
        }
    }

    private static void Expect(byte actual, byte expected, string what)
    {
        if (actual != expected)
        {
            throw new NetTraceFormatException($"Expected tag {expected} at {what}, found {actual}.");
        }
    }

    // ---- buffered input -------------------------------------------------------------------------

    private byte ReadByte() => TryReadByte(out byte b) ? b : throw new EndOfStreamException();

    private bool TryReadByte(out byte value)
    {
        if (_inputStart == _inputEnd && !Fill())
        {
            value = 0;
            return false;
        }

        value = _input[_inputStart++];
        _position++;
        return true;
    }

    private int ReadInt32()
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return BinaryPrimitives.ReadInt32LittleEndian(b);
    }

    private long ReadInt64()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    private void ReadExactly(Span<byte> target)
    {
        if (!TryReadExactly(target))
        {
            throw new EndOfStreamException();
        }
    }

    private bool TryReadExactly(Span<byte> target)
    {
        while (target.Length > 0)
        {
            if (_inputStart == _inputEnd)
            {
                // Large reads bypass the small buffer.
                if (target.Length >= _input.Length)
                {
                    int read = _stream.Read(target);
                    if (read <= 0)
                    {
                        return false;
                    }

                    _position += read;
                    target = target[read..];
                    continue;
                }

                if (!Fill())
                {
                    return false;
                }
            }

            int count = Math.Min(target.Length, _inputEnd - _inputStart);
            _input.AsSpan(_inputStart, count).CopyTo(target);
            _inputStart += count;
            _position += count;
            target = target[count..];
        }

        return true;
    }

    private bool Fill()
    {
        _inputStart = 0;
        _inputEnd = _stream.Read(_input, 0, _input.Length);
        if (_inputEnd <= 0)
        {
            _inputEnd = 0;
            return false;
        }

        return true;
    }
}
