using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tests.Diagnostics;

/// <summary>Hands one <see cref="RecordingLogger"/> to every category, so a test sees what an application's logging sees.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public RecordingLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => this.Logger;

    public void Dispose()
    {
    }
}
