namespace OtelProfiles.Tool.Tests.Support;

/// <summary>Runs the built otel-profiles CLI as a real process: <c>dotnet otel-profiles.dll ...</c>.</summary>
internal static class ToolProcess
{
    public static (int ExitCode, string StdOut, string StdErr) Run(string workingDirectory, params string[] arguments) =>
        ExternalTools.Run("dotnet", [TestPaths.ToolAssembly, .. arguments], TimeSpan.FromSeconds(90), workingDirectory);

    /// <summary>Writes the known profiles as files named like the file exporter's (profiles-&lt;UTC&gt;-&lt;seq&gt;.pb).</summary>
    public static string WriteExporterFiles(string directory, params OtlpRequestBuilder[] requests)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < requests.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(directory, $"profiles-20250101T0000{i:00}Z-{i + 1:000000}.pb"), requests[i].BuildBytes());
        }

        return directory;
    }
}
