using System.Collections.Immutable;
using System.Reflection.PortableExecutable;

namespace OtelProfiles.Symbols.ReadyToRun;

/// <summary>
/// Reads a PE file by relative virtual address (RVA) without loading it: the file stays memory-mapped by the
/// <see cref="PEReader"/>, and each read translates the RVA through the section table. Every read is bounds
/// checked (a truncated or foreign file throws <see cref="BadImageFormatException"/>, never reads past the end).
/// </summary>
internal sealed class ImageReader
{
    private readonly PEMemoryBlock _file;
    private readonly ImmutableArray<SectionHeader> _sections;

    public ImageReader(PEReader pe)
    {
        _file = pe.GetEntireImage();
        _sections = pe.PEHeaders.SectionHeaders;
    }

    /// <summary>The RVA of the byte at <paramref name="fileOffset"/>, or false outside every section.</summary>
    public bool TryGetRva(ulong fileOffset, out uint rva)
    {
        foreach (SectionHeader section in _sections)
        {
            ulong start = (ulong)section.PointerToRawData;
            if (fileOffset >= start && fileOffset < start + (ulong)section.SizeOfRawData)
            {
                rva = (uint)(fileOffset - start) + (uint)section.VirtualAddress;
                return true;
            }
        }

        rva = 0;
        return false;
    }

    /// <summary>Whether <paramref name="rva"/> lies in a section the image marks executable.</summary>
    public bool IsCode(uint rva)
    {
        foreach (SectionHeader section in _sections)
        {
            if (rva >= (uint)section.VirtualAddress && rva < (uint)section.VirtualAddress + (uint)section.VirtualSize)
            {
                return (section.SectionCharacteristics & SectionCharacteristics.MemExecute) != 0;
            }
        }

        return false;
    }

    public byte U8(uint rva) => _file.GetReader(FileOffset(rva, 1), 1).ReadByte();

    public ushort U16(uint rva) => _file.GetReader(FileOffset(rva, 2), 2).ReadUInt16();

    public uint U32(uint rva) => _file.GetReader(FileOffset(rva, 4), 4).ReadUInt32();

    /// <summary>A variable-length unsigned integer of the runtime's native format (low bits give the length).</summary>
    public uint NativeUnsigned(ref uint rva)
    {
        uint first = U8(rva);
        if ((first & 1) == 0)
        {
            rva += 1;
            return first >> 1;
        }

        if ((first & 2) == 0)
        {
            uint value = (first >> 2) | ((uint)U8(rva + 1) << 6);
            rva += 2;
            return value;
        }

        if ((first & 4) == 0)
        {
            uint value = (first >> 3) | ((uint)U8(rva + 1) << 5) | ((uint)U8(rva + 2) << 13);
            rva += 3;
            return value;
        }

        if ((first & 8) == 0)
        {
            uint value = (first >> 4) | ((uint)U8(rva + 1) << 4) | ((uint)U8(rva + 2) << 12) | ((uint)U8(rva + 3) << 20);
            rva += 4;
            return value;
        }

        if ((first & 16) == 0)
        {
            uint value = U32(rva + 1);
            rva += 5;
            return value;
        }

        throw new BadImageFormatException("invalid native-format integer");
    }

    /// <summary>The signed form of <see cref="NativeUnsigned"/>: the same lengths, sign-extended.</summary>
    public int NativeSigned(ref uint rva)
    {
        uint start = rva;
        uint raw = NativeUnsigned(ref rva);
        int length = (int)(rva - start);
        if (length == 5)
        {
            return (int)raw;
        }

        // raw holds 7, 14, 21 or 28 significant bits: shift the top one into the sign bit and back.
        int bits = (7 * length);
        int shift = 32 - bits;
        return (int)(raw << shift) >> shift;
    }

    /// <summary>An ECMA-335 compressed unsigned integer (signatures): 1, 2 or 4 bytes, big-endian.</summary>
    public uint CompressedUnsigned(ref uint rva)
    {
        uint first = U8(rva);
        if ((first & 0x80) == 0)
        {
            rva += 1;
            return first;
        }

        if ((first & 0xC0) == 0x80)
        {
            uint value = ((first & 0x3F) << 8) | U8(rva + 1);
            rva += 2;
            return value;
        }

        if ((first & 0xE0) == 0xC0)
        {
            uint value = ((first & 0x1F) << 24) | ((uint)U8(rva + 1) << 16) | ((uint)U8(rva + 2) << 8) | U8(rva + 3);
            rva += 4;
            return value;
        }

        throw new BadImageFormatException("invalid compressed integer");
    }

    private int FileOffset(uint rva, int length)
    {
        foreach (SectionHeader section in _sections)
        {
            uint start = (uint)section.VirtualAddress;
            if (rva >= start && rva + (uint)length <= start + (uint)section.SizeOfRawData)
            {
                return (int)(rva - start) + section.PointerToRawData;
            }
        }

        throw new BadImageFormatException($"RVA 0x{rva:x} is outside the image's sections");
    }
}
