using System.Globalization;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Profiles.V1Development;

namespace OtelProfiles.Export;

/// <summary>
/// Writes each export request as one OTLP protobuf file (<c>profiles-20261125T184400123Z-0001.pb</c>) into a
/// directory, for debugging and for tools. The bytes are a serialized <c>ExportProfilesServiceRequest</c>, which is
/// wire-identical to <c>ProfilesData</c>, so either message type parses them.
/// </summary>
internal sealed class FileProfilesExporter : IProfilesExporter
{
    /// <summary>Files written by this exporter match this pattern; nothing else in the directory is ever deleted.</summary>
    public const string SearchPattern = "profiles-*.pb";

    /// <summary>The default for <c>maxFiles</c>: about four hours of 15-second intervals.</summary>
    public const int DefaultMaxFiles = 1000;

    private const string TempPrefix = ".writing-";

    private readonly string _directory;
    private readonly int _maxFiles;
    private readonly TimeProvider _timeProvider;
    private int _sequence;

    /// <param name="directory">Created if missing.</param>
    /// <param name="maxFiles">Keep at most this many files; the oldest are deleted. Zero or less keeps everything.</param>
    /// <param name="timeProvider">Clock for the file names.</param>
    public FileProfilesExporter(string directory, int maxFiles = DefaultMaxFiles, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        _maxFiles = maxFiles;
        _timeProvider = timeProvider ?? TimeProvider.System;
        this.Target = $"file {_directory}";
    }

    public string Target { get; }

    public ValueTask<ExportOutcome> ExportAsync(ExportProfilesServiceRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(_directory);
            this.WriteAtomically(request);
            this.DeleteOldest();
            return ValueTask.FromResult(ExportOutcome.Ok);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk or a read-only directory does not fix itself within the few seconds a retry waits.
            return ValueTask.FromResult(ExportOutcome.Failed(
                "file write failed",
                $"Could not write profiles into '{_directory}': {ex.Message}",
                retryable: false));
        }
    }

    public void Dispose()
    {
    }

    public override string ToString() => this.Target;

    private void WriteAtomically(ExportProfilesServiceRequest request)
    {
        var finalPath = this.NextFileName();
        var tempPath = Path.Combine(_directory, TempPrefix + Path.GetFileName(finalPath));
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                request.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }

            // Readers (tools, tail-like watchers) only ever see complete files under the final name.
            while (true)
            {
                try
                {
                    File.Move(tempPath, finalPath, overwrite: false);
                    return;
                }
                catch (IOException) when (File.Exists(finalPath))
                {
                    // Another process (or a restart within the same millisecond) took the name: take the next one.
                    finalPath = this.NextFileName();
                }
            }
        }
        finally
        {
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }
    }

    private string NextFileName()
    {
        // UTC with milliseconds, then a per-exporter sequence: names sort by time even within one millisecond.
        var timestamp = _timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var number = Interlocked.Increment(ref _sequence);
        return Path.Combine(_directory, $"profiles-{timestamp}-{number.ToString("D4", CultureInfo.InvariantCulture)}.pb");
    }

    private void DeleteOldest()
    {
        if (_maxFiles <= 0)
        {
            return;
        }

        var files = Directory.GetFiles(_directory, SearchPattern);
        if (files.Length <= _maxFiles)
        {
            return;
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files.AsSpan(0, files.Length - _maxFiles))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Someone is reading it; it goes next time.
            }
        }
    }
}
