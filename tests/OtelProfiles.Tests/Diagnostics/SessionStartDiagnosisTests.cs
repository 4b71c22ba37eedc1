using OtelProfiles.Diagnostics;

namespace OtelProfiles.Tests.Diagnostics;

public class SessionStartDiagnosisTests
{
    private static readonly Exception ConnectFailed = new IOException("Unable to connect to the diagnostics port.\nMore text");

    private static ProcessFacts Facts(
        bool nativeAot = false,
        bool writable = true,
        bool socket = true,
        Dictionary<string, string>? environment = null) =>
        new(
            IsNativeAot: nativeAot,
            IsWindows: false,
            ProcessId: 4242,
            TempDirectory: "/tmp/",
            TempDirectoryWritable: writable,
            DiagnosticsSocketExists: socket,
            Environment: name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);

    [Fact]
    public void NativeAot()
    {
        var problem = SessionStartDiagnosis.Diagnose(ConnectFailed, Facts(nativeAot: true, socket: false));

        Assert.Contains("NativeAOT", problem.Reason);
        Assert.Contains("PublishAot", problem.Fix);
    }

    [Theory]
    [InlineData("DOTNET_EnableDiagnostics")]
    [InlineData("COMPlus_EnableDiagnostics")]
    public void Diagnostics_disabled(string name)
    {
        var problem = SessionStartDiagnosis.Diagnose(ConnectFailed, Facts(socket: false, environment: new() { [name] = "0" }));

        Assert.Equal($"diagnostics are disabled by {name}=0", problem.Reason);
        Assert.StartsWith($"Remove {name}=0", problem.Fix);
    }

    [Fact]
    public void Diagnostics_ipc_disabled()
    {
        var problem = SessionStartDiagnosis.Diagnose(
            ConnectFailed, Facts(socket: false, environment: new() { ["DOTNET_EnableDiagnostics_IPC"] = "0" }));

        Assert.Contains("DOTNET_EnableDiagnostics_IPC=0", problem.Reason);
    }

    [Fact]
    public void Temp_directory_not_writable()
    {
        var problem = SessionStartDiagnosis.Diagnose(ConnectFailed, Facts(writable: false, socket: false));

        Assert.Equal(
            "the temporary directory /tmp/ (TMPDIR) is not writable, so the runtime could not create its diagnostics socket",
            problem.Reason);
        Assert.Contains("TMPDIR", problem.Fix);
    }

    [Fact]
    public void Socket_missing_from_a_writable_temp_directory()
    {
        var problem = SessionStartDiagnosis.Diagnose(ConnectFailed, Facts(socket: false));

        Assert.Contains("dotnet-diagnostic-4242-*-socket", problem.Reason);
    }

    [Fact]
    public void Otherwise_the_exception_first_line()
    {
        var problem = SessionStartDiagnosis.Diagnose(ConnectFailed, Facts());

        Assert.Equal("IOException: Unable to connect to the diagnostics port", problem.Reason);
        Assert.Contains("OTEL_PROFILES_ENABLED=false", problem.Fix);
    }

    [Fact]
    public void This_process_can_profile()
    {
        // The test host runs with JIT, diagnostics on and a writable TMPDIR: no specific cause is found.
        var facts = ProcessFacts.Current();

        Assert.False(facts.IsNativeAot);
        Assert.True(facts.TempDirectoryWritable);
        Assert.True(facts.DiagnosticsSocketExists);
    }
}
