using OtelProfiles.Tool.Decoding;

namespace OtelProfiles.Tool.Cli;

/// <summary>Runs a command body and turns expected failures into one clear line on stderr and exit code 1.</summary>
internal static class CliRunner
{
    public static int Run(Action body) => RunAsync(() => { body(); return Task.CompletedTask; }).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (OtlpFileException ex)
        {
            Console.Error.WriteLine($"error: {TerminalText.Safe(ex.Message)}");
            return 1;
        }
        catch (Exception ex) when (ex is CliException or FormatException)
        {
            Console.Error.WriteLine($"error: {TerminalText.Safe(ex.Message)}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An output path that is a directory or not writable: the message names it.
            Console.Error.WriteLine($"error: {TerminalText.Safe(ex.Message)}");
            return 1;
        }
    }
}
