using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OtelProfiles.Collection.NetTrace;

/// <summary>Reads the fields of an event payload in order: little-endian integers and UTF-16 null-terminated strings.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
    }

    public readonly bool HasMore => _offset < _data.Length;

    public ulong ReadUInt64()
    {
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_offset..]);
        _offset += 8;
        return value;
    }

    public uint ReadUInt32()
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_offset..]);
        _offset += 4;
        return value;
    }

    public int ReadInt32() => (int)ReadUInt32();

    public ushort ReadUInt16()
    {
        ushort value = BinaryPrimitives.ReadUInt16LittleEndian(_data[_offset..]);
        _offset += 2;
        return value;
    }

    public string ReadString()
    {
        ReadOnlySpan<char> chars = ReadStringSpan();
        return chars.Length == 0 ? string.Empty : new string(chars);
    }

    public ReadOnlySpan<char> ReadStringSpan()
    {
        ReadOnlySpan<byte> rest = _data[_offset..];
        ReadOnlySpan<char> chars = MemoryMarshal.Cast<byte, char>(rest[..(rest.Length & ~1)]);
        int length = chars.IndexOf('\0');
        if (length < 0)
        {
            throw new NetTraceFormatException("Unterminated string in an event payload.");
        }

        _offset += (length + 1) * 2;
        return chars[..length];
    }
}
