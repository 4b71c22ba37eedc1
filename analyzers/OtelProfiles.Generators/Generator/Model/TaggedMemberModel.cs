using OtelProfiles.Generators.Common;

namespace OtelProfiles.Generators.Generator.Model;

/// <summary>A member whose frames carry tags, identified the way the runtime side can find it by reflection.</summary>
/// <param name="TypeName">Reflection full name of the declaring type (<c>Ns.Outer+Inner`1</c>).</param>
/// <param name="MemberId">Documentation comment ID of the method (<c>M:</c>), or of the type for type-level tags (<c>T:</c>).</param>
/// <param name="Tags">The tags, in declaration order.</param>
internal sealed record TaggedMemberModel(string TypeName, string MemberId, EquatableArray<TagModel> Tags);
