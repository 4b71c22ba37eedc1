namespace OtelProfiles.Generators.Generator.Model;

/// <summary>One key/value pair of a <c>[ProfileTag]</c> usage.</summary>
internal sealed record TagModel(string Key, string Value);
