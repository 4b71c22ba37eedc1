using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tests.Diagnostics;

/// <summary>Keeps every formatted log line for assertions.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new Entry(logLevel, eventId, formatter(state, exception), exception));

    internal sealed record Entry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
}
