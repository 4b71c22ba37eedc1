using System.IO.Compression;
using OtelProfiles.Otlp;
using OtelProfiles.Otlp.Model;

namespace OtelProfiles.Tool.Decoding;

/// <summary>A file that is not a readable OTLP profiles file; the message names the file and the problem.</summary>
internal sealed class OtlpFileException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    /// <summary>The offending file.</summary>
    public string FilePath { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// Reads files written by the library's file exporter (one binary ExportProfilesServiceRequest per file, optionally
/// gzip-compressed) and directories of them, reporting progress and failing with the file name and the reason.
/// </summary>
internal static class OtlpFileReader
{
    /// <summary>The default limit on one input file's size after decompression.</summary>
    public const long DefaultMaxInputBytes = 256L << 20;

    /// <summary>Expands directories into their <c>*.pb</c> / <c>*.pb.gz</c> files (sorted by name, which is chronological for the exporter's names).</summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input)
                    .Where(f => f.EndsWith(".pb", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".pb.gz", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    throw new OtlpFileException(input, "the directory contains no .pb or .pb.gz files");
                }

                files.AddRange(found);
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new OtlpFileException(input, "no such file or directory");
            }
        }

        return files;
    }

    /// <summary>Reads and decodes every file; writes one progress line per file to <paramref name="progress"/>.</summary>
    public static IReadOnlyList<DecodedProfile> ReadAll(IEnumerable<string> inputs, TextWriter? progress = null, long maxInputBytes = DefaultMaxInputBytes)
    {
        var files = ExpandInputs(inputs);
        var result = new List<DecodedProfile>();
        for (var i = 0; i < files.Count; i++)
        {
            var profiles = Read(files[i], maxInputBytes);
            result.AddRange(profiles);
            progress?.WriteLine($"[{i + 1}/{files.Count}] {files[i]}: {profiles.Count} profiles, {profiles.Sum(p => p.Samples.Count)} samples");
        }

        return result;
    }

    /// <summary>Reads and decodes one file, refusing one larger than <paramref name="maxInputBytes"/> (after decompression).</summary>
    public static IReadOnlyList<DecodedProfile> Read(string path, long maxInputBytes = DefaultMaxInputBytes)
    {
        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > maxInputBytes)
            {
                throw new OtlpFileException(path, $"the file is larger than {maxInputBytes} bytes (--max-input-size)");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OtlpFileException(path, $"cannot be read ({ex.Message})");
        }

        if (bytes.Length == 0)
        {
            throw new OtlpFileException(path, "the file is empty (an exporter still writing it, or not an OTLP profiles file)");
        }

        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            try
            {
                bytes = Inflate(bytes, path, maxInputBytes);
            }
            catch (InvalidDataException ex)
            {
                throw new OtlpFileException(path, $"looks gzip-compressed but does not decompress ({ex.Message})");
            }
        }

        if (bytes.Length > 0 && bytes[0] is (byte)'{' or (byte)'[')
        {
            throw new OtlpFileException(path, "looks like JSON; expected the binary protobuf ExportProfilesServiceRequest the file exporter writes (OTLP JSON is not supported)");
        }

        var request = OtlpPayload.TryParse(bytes, out var error)
            ?? throw new OtlpFileException(path, $"not an OTLP profiles file: {error}");
        var profiles = OtlpDecoder.Decode(request);
        if (profiles.Count == 0)
        {
            throw new OtlpFileException(path, "the file parses as an OTLP profiles request but contains no profiles");
        }

        return profiles;
    }

    /// <summary>Decompresses in chunks and stops at the limit: a 1 MB file may inflate to 1 GiB.</summary>
    private static byte[] Inflate(byte[] compressed, string path, long maxInputBytes)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            if (plain.Length + read > maxInputBytes)
            {
                throw new OtlpFileException(path, $"decompresses to more than {maxInputBytes} bytes (--max-input-size); not read");
            }

            plain.Write(chunk, 0, read);
        }

        return plain.ToArray();
    }
}
