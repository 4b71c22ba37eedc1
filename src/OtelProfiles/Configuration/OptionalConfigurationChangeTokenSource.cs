using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace OtelProfiles.Configuration;

/// <summary>
/// Tells <c>IOptionsMonitor</c> to rebuild the options when the configuration reloads. Unlike the built-in
/// <c>ConfigurationChangeTokenSource</c> it tolerates a container without <c>IConfiguration</c> (the environment does
/// not reload, so nothing ever changes then).
/// </summary>
/// <param name="configuration">The host's configuration, if any.</param>
internal sealed class OptionalConfigurationChangeTokenSource(IConfiguration? configuration = null)
    : IOptionsChangeTokenSource<OtlpProfilesOptions>
{
    // A token on a cancellation token that is never cancelled: it never fires.
    private static readonly IChangeToken Never = new CancellationChangeToken(CancellationToken.None);

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => configuration?.GetReloadToken() ?? Never;
}
