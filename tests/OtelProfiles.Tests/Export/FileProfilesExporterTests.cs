using OpenTelemetry.Proto.Collector.Profiles.V1Development;
using OpenTelemetry.Proto.Profiles.V1Development;
using OtelProfiles.Export;

namespace OtelProfiles.Tests.Export;

public sealed class FileProfilesExporterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "otelprofiles-file-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Writes_one_parseable_file_per_request_named_in_time_order()
    {
        var clock = new ManualTimeProvider();
        using var exporter = new FileProfilesExporter(_directory, timeProvider: clock);

        for (var i = 1; i <= 3; i++)
        {
            var outcome = await exporter.ExportAsync(TestRequests.Create(i), CancellationToken.None);
            Assert.True(outcome.Success, outcome.Error);

            // Two writes in the same millisecond still sort by order of writing.
            if (i != 2)
            {
                clock.Advance(TimeSpan.FromMilliseconds(15));
            }
        }

        var files = Directory.GetFiles(_directory).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["profiles-20261125T184400000Z-0001.pb", "profiles-20261125T184400015Z-0002.pb", "profiles-20261125T184400015Z-0003.pb"],
            files.Select(Path.GetFileName));
        Assert.Equal([1L, 2L, 3L], files.Select(f => TestRequests.NumberOf(ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f)))));

        // ExportProfilesServiceRequest and ProfilesData are wire-identical: tools can read the files as either.
        var asProfilesData = ProfilesData.Parser.ParseFrom(File.ReadAllBytes(files[0]));
        Assert.Equal(TestRequests.Create(1).Dictionary, asProfilesData.Dictionary);
        Assert.Equal(TestRequests.Create(1).ResourceProfiles, asProfilesData.ResourceProfiles);
    }

    [Fact]
    public async Task Keeps_at_most_max_files_by_deleting_the_oldest()
    {
        var clock = new ManualTimeProvider();
        using var exporter = new FileProfilesExporter(_directory, maxFiles: 3, clock);
        var unrelated = Path.Combine(_directory, "notes.txt");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(unrelated, "not a profile");

        for (var i = 1; i <= 7; i++)
        {
            await exporter.ExportAsync(TestRequests.Create(i), CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(15));
        }

        var kept = Directory.GetFiles(_directory, "profiles-*.pb").Order(StringComparer.Ordinal);
        Assert.Equal([5L, 6L, 7L], kept.Select(f => TestRequests.NumberOf(ExportProfilesServiceRequest.Parser.ParseFrom(File.ReadAllBytes(f)))));
        Assert.True(File.Exists(unrelated));
        Assert.Empty(Directory.GetFiles(_directory, ".writing-*"));
    }

    [Fact]
    public async Task An_unwritable_directory_is_a_final_failure_not_an_exception()
    {
        Directory.CreateDirectory(_directory);
        var notADirectory = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(notADirectory, "blocks the directory name");
        using var exporter = new FileProfilesExporter(notADirectory);

        var outcome = await exporter.ExportAsync(TestRequests.Create(1), CancellationToken.None);

        Assert.False(outcome.Success);
        Assert.False(outcome.Retryable);
        Assert.Equal("file write failed", outcome.FailureKind);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
