using System.ComponentModel;

namespace OtelProfiles.Tags;

/// <summary>
/// One tagged member as recorded by the OtelProfiles source generator. Used by generated code only.
/// </summary>
/// <remarks>
/// The declaring type is named by its reflection name (for example <c>Shop.Checkout+Payment`1</c>) rather than by
/// <c>typeof</c>, because generated code cannot name private, protected or file-local types; the member is named by
/// its documentation comment ID (<c>M:Shop.Checkout.Payment`1.PayAsync(System.Int32)</c>), or by the type's own ID
/// (<c>T:...</c>) when the attribute sits on the type and so covers all of its methods.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProfileTagTarget
{
    /// <summary>Creates a target. Called by generated code.</summary>
    /// <param name="typeName">Reflection full name of the declaring type, without generic arguments.</param>
    /// <param name="memberId">Documentation comment ID of the tagged method, or of the type for type-level tags.</param>
    /// <param name="tags">Key/value pairs, flattened: key0, value0, key1, value1, ...</param>
    public ProfileTagTarget(string typeName, string memberId, string[] tags)
    {
        TypeName = typeName ?? throw new ArgumentNullException(nameof(typeName));
        MemberId = memberId ?? throw new ArgumentNullException(nameof(memberId));
        Tags = tags ?? throw new ArgumentNullException(nameof(tags));
    }

    /// <summary>Reflection full name of the declaring type, without generic arguments.</summary>
    public string TypeName { get; }

    /// <summary>Documentation comment ID of the tagged method (<c>M:</c>), or of the type (<c>T:</c>).</summary>
    public string MemberId { get; }

    /// <summary>Key/value pairs, flattened: key0, value0, key1, value1, ...</summary>
    public string[] Tags { get; }

    /// <summary>True when the tags cover every method of the type rather than one method.</summary>
    internal bool IsTypeLevel => MemberId.StartsWith("T:", StringComparison.Ordinal);
}
