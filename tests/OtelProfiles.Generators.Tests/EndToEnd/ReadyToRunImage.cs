using System.Reflection.PortableExecutable;

namespace OtelProfiles.Generators.Tests.EndToEnd;

/// <summary>
/// Tells a ReadyToRun (crossgen-compiled) assembly from an IL-only one: the CLI header's ManagedNativeHeader
/// directory points to a READYTORUN_HEADER whose first field is the signature 'RTR' (0x00525452). IL-only
/// assemblies leave that directory empty.
/// </summary>
internal static class ReadyToRunImage
{
    private const uint ReadyToRunSignature = 0x00525452;

    /// <summary>Whether the assembly in <paramref name="image"/> carries ReadyToRun native code.</summary>
    public static bool HasReadyToRunHeader(Stream image)
    {
        using var reader = new PEReader(image, PEStreamOptions.LeaveOpen);
        var header = reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory;
        if (header is not { RelativeVirtualAddress: > 0, Size: >= sizeof(uint) } directory)
        {
            return false;
        }

        var data = reader.GetSectionData(directory.RelativeVirtualAddress);
        return data.Length >= sizeof(uint) && data.GetReader().ReadUInt32() == ReadyToRunSignature;
    }
}
