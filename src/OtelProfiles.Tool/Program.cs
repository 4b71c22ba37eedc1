using System.CommandLine;
using OtelProfiles.Tool.Cli;

// otel-profiles: the command line entry point. Each command lives in Cli/; the work happens in the folders that
// name what it is (Receiver, Storage, Decoding, Analysis, Formats, Web, Demo).
var root = new RootCommand("otel-profiles: see OTLP profiles as flame graphs, locally; compare them; convert them to pprof, speedscope or collapsed stacks")
{
    ServeCommand.Create(),
    FlamegraphCommand.Create(),
    DiffCommand.Create(),
    TopCommand.Create(),
    ConvertCommand.Create(),
    DemoCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
