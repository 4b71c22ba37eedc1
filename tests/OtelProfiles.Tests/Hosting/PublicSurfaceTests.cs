using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace OtelProfiles.Tests.Hosting;

/// <summary>
/// The compiled library exports exactly the types its public API files list: the OTLP wire format stays internal,
/// and what follows the development-status profiles signal carries OTELPROF001. The PublicApiAnalyzers check
/// members at build time; this checks the built assembly users actually reference.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Library = typeof(OtlpProfilesOptions).Assembly;

    [Fact]
    public void No_generated_protocol_type_is_public()
    {
        Assert.DoesNotContain(Library.GetExportedTypes(), t => t.Namespace?.StartsWith("OpenTelemetry.Proto", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(Library.GetExportedTypes(), t => t.Namespace?.StartsWith("Google", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Exported_types_are_the_ones_the_public_api_files_list()
    {
        var listed = PublicApiLines()
            .Select(line => line.StartsWith('[') ? line[(line.IndexOf(']', StringComparison.Ordinal) + 1)..] : line)
            .Where(line => !line.Contains(' ', StringComparison.Ordinal)) // a type's line is its name alone; members have " -> "
            .ToHashSet();

        Assert.Equal(listed.Order(), Library.GetExportedTypes().Select(t => t.FullName!).Order());
    }

    [Fact]
    public void Experimental_members_carry_the_profiles_signal_id_in_code_and_in_the_api_files()
    {
        var experimental = PublicApiLines().Where(line => line.StartsWith("[OTELPROF001]", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(experimental);

        var attribute = typeof(OtlpProfilesOptions).GetMethod(nameof(OtlpProfilesOptions.GetExportEndpoint))!.GetCustomAttribute<ExperimentalAttribute>();
        Assert.Equal("OTELPROF001", attribute?.DiagnosticId);
        Assert.Contains(experimental, line => line.Contains("GetExportEndpoint", StringComparison.Ordinal));
    }

    private static IEnumerable<string> PublicApiLines() =>
        new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(LibraryFolder(), file)))
            .Where(line => line.Length > 0 && !line.StartsWith('#'));

    private static string LibraryFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "src", "OtelProfiles"));
}
