namespace OtelProfiles.Tool.Tests.Support;

/// <summary>Where tests put files: a fresh temp folder per test, and the artefact folders under the test output.</summary>
internal static class TestPaths
{
    public static string NewTempDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "otel-profiles-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>TestResults/screenshots next to the test assembly (overridable with OTEL_PROFILES_TEST_ARTIFACTS).</summary>
    public static string Screenshots
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("OTEL_PROFILES_TEST_ARTIFACTS") ?? Path.Combine(AppContext.BaseDirectory, "TestResults");
            var directory = Path.Combine(root, "screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    /// <summary>The built tool (otel-profiles.dll), copied next to the tests by the project reference.</summary>
    public static string ToolAssembly => Path.Combine(AppContext.BaseDirectory, "otel-profiles.dll");
}
