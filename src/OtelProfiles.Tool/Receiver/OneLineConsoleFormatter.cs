using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace OtelProfiles.Tool.Receiver;

/// <summary>
/// The receiver's console log format: time, level, category and message on one line, and an exception as its type
/// and message on the same line, never a stack trace. Anything a client can provoke (a malformed frame, a full disk)
/// must cost the operator one readable line, not forty.
/// </summary>
internal sealed class OneLineConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "otel-profiles-one-line";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(DateTime.Now.ToString("HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write(' ');
        textWriter.Write(OneLine(message));
        for (var exception = logEntry.Exception; exception is not null; exception = exception.InnerException)
        {
            textWriter.Write(exception == logEntry.Exception ? " (" : " <- ");
            textWriter.Write(exception.GetType().Name);
            textWriter.Write(": ");
            textWriter.Write(OneLine(exception.Message));
            if (exception.InnerException is null)
            {
                textWriter.Write(')');
            }
        }

        textWriter.WriteLine();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
