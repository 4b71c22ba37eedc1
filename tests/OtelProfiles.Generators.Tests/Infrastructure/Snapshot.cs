using System.Runtime.CompilerServices;

namespace OtelProfiles.Generators.Tests.Infrastructure;

/// <summary>
/// Compares text with a verified file checked in next to the test (Generator/Verified/NAME.verified.txt), exactly.
/// </summary>
/// <remarks>
/// To accept new output after an intended generator change, run the tests with OTELPROFILES_UPDATE_SNAPSHOTS=1:
/// <c>OTELPROFILES_UPDATE_SNAPSHOTS=1 dotnet test tests/OtelProfiles.Generators.Tests --filter FullyQualifiedName~Snapshot</c>,
/// then review the diff of the .verified.txt files and commit them. Without the variable a missing or different
/// file fails the test.
/// </remarks>
internal static class Snapshot
{
    private const string UpdateVariable = "OTELPROFILES_UPDATE_SNAPSHOTS";

    /// <summary>Asserts that <paramref name="actual"/> equals the verified file <paramref name="name"/>.</summary>
    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerFile)!, "Verified", name + ".verified.txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Missing verified file {path}; run with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.Equal(expected, actual);
    }
}
