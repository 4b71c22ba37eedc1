using System.Reflection;

namespace OtelProfiles.Tags;

/// <summary>The targets one assembly registered through <see cref="ProfileTagRegistry.Register"/>.</summary>
internal sealed record ProfileTagBatch(Assembly Assembly, ProfileTagTarget[] Targets);
