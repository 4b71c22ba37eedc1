using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OtelProfiles.Tests.Export;

/// <summary>An <see cref="ILogger"/> that keeps every formatted line (and exception text) for assertions.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    /// <summary>Everything written, one entry per line, exceptions included.</summary>
    public string AllText => string.Join(Environment.NewLine, _entries.Select(e => e.ToString()));

    public IReadOnlyList<CapturedLog> AtLeast(LogLevel level) => _entries.Where(e => e.Level >= level).ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new CapturedLog(logLevel, eventId.Id, formatter(state, exception), exception?.ToString()));
}

internal sealed record CapturedLog(LogLevel Level, int EventId, string Message, string? Exception)
{
    public override string ToString() => $"{this.Level} [{this.EventId}] {this.Message} {this.Exception}";
}
