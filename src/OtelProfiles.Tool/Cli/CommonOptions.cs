using System.CommandLine;

namespace OtelProfiles.Tool.Cli;

/// <summary>Options and arguments several commands share, created fresh per command (System.CommandLine symbols have one parent).</summary>
internal static class CommonOptions
{
    public static Argument<string[]> Inputs() => new("inputs")
    {
        Description = "OTLP profile files written by the file exporter (profiles-*.pb, optionally .gz), or directories of them",
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<string?> Service() => new("--service")
    {
        Description = "Only profiles of this service (resource attribute service.name)",
    };

    public static Option<string?> Type() => new("--type")
    {
        Description = "Only this profile type, \"[<period type>:]<sample type>/<unit>\", for example cpu/nanoseconds or wall:samples/count",
    };

    public static Option<string[]> Filter() => new("--filter")
    {
        Description = "Only samples with this attribute, key=value (repeatable), for example thread.name=worker-1 or trace_id=<hex>",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string> MaxInputSize() => new("--max-input-size")
    {
        Description = "Refuse an input file larger than this after decompression (a small .pb.gz can inflate to gigabytes)",
        DefaultValueFactory = _ => "256MiB",
    };

    public static Option<string> Gauge()
    {
        var option = new Option<string>("--gauge")
        {
            Description = "How in-use memory (inuse_space, inuse_objects) over several snapshots is shown: the average of the snapshots or the latest one; never their sum",
            DefaultValueFactory = _ => "average",
        };
        option.AcceptOnlyFromAmong("average", "latest");
        return option;
    }

    public static Option<bool> Quiet() => new("--quiet", "-q")
    {
        Description = "No progress output",
    };
}
