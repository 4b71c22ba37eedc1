using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Text;

namespace OtelProfiles.Symbols.ReadyToRun;

/// <summary>
/// Reads the method signatures of a ReadyToRun image's generic instantiations (readytorun-format.md, "Method
/// Signatures") and names what they describe the way the runtime's method events do: the owner type as
/// <c>Namespace.Type`1[System.Int32]</c> (nested types joined by '+', <c>System.__Canon</c> for shared code) and the
/// method's name, so <see cref="FrameNameFormatter"/> formats them like JIT-compiled code.
/// </summary>
internal static class ReadyToRunSignatures
{
    // ReadyToRunMethodSigFlags
    private const uint UpdateContext = 0x80;
    private const uint OwnerType = 0x40;
    private const uint Constrained = 0x20;
    private const uint MemberRefToken = 0x10;
    private const uint SlotInsteadOfToken = 0x08;
    private const uint MethodInstantiation = 0x04;

    private const int MaxDepth = 32;

    /// <summary>Skips the method signature at <paramref name="rva"/>, leaving it just past the signature.</summary>
    public static void SkipMethod(ReadyToRunModule module, ref uint rva) => ReadMethod(module, ref rva, names: false);

    /// <summary>The (runtime type name, method name) of the method signature at <paramref name="rva"/>.</summary>
    public static (string TypeName, string MethodName) NameMethod(ReadyToRunModule module, uint rva) =>
        ReadMethod(module, ref rva, names: true);

    private static (string TypeName, string MethodName) ReadMethod(ReadyToRunModule module, ref uint rva, bool names)
    {
        ImageReader image = module.Image;
        uint flags = image.CompressedUnsigned(ref rva);
        ReadyToRunModule? context = module;
        if ((flags & UpdateContext) != 0)
        {
            uint index = image.CompressedUnsigned(ref rva);
            context = names ? module.ModuleFromIndex(index) : null;
        }

        string? owner = null;
        if ((flags & OwnerType) != 0)
        {
            owner = ReadType(module, context, ref rva, names, 0);
        }

        uint tokenOrSlot = image.CompressedUnsigned(ref rva);
        if ((flags & MethodInstantiation) != 0)
        {
            uint count = image.CompressedUnsigned(ref rva);
            if (count > 64)
            {
                throw new BadImageFormatException("implausible generic argument count");
            }

            for (uint i = 0; i < count; i++)
            {
                _ = ReadType(module, module, ref rva, names: false, 0);
            }
        }

        if ((flags & Constrained) != 0)
        {
            _ = ReadType(module, context, ref rva, names: false, 0);
        }

        if (!names)
        {
            return (string.Empty, string.Empty);
        }

        if ((flags & SlotInsteadOfToken) != 0 || context is null)
        {
            return (owner ?? "?", "?");
        }

        MetadataReader metadata = context.Metadata;
        if ((flags & MemberRefToken) != 0)
        {
            MemberReference member = metadata.GetMemberReference(MetadataTokens.MemberReferenceHandle((int)tokenOrSlot));
            owner ??= member.Parent.Kind switch
            {
                HandleKind.TypeDefinition => TypeDefinitionName(metadata, (TypeDefinitionHandle)member.Parent),
                HandleKind.TypeReference => TypeReferenceName(metadata, (TypeReferenceHandle)member.Parent),
                _ => "?",
            };
            return (owner, metadata.GetString(member.Name));
        }

        MethodDefinition method = metadata.GetMethodDefinition(MetadataTokens.MethodDefinitionHandle((int)tokenOrSlot));
        owner ??= TypeDefinitionName(metadata, method.GetDeclaringType());
        return (owner, metadata.GetString(method.Name));
    }

    /// <summary>
    /// Reads one type signature; returns its name when <paramref name="names"/> is set. Tokens are resolved in
    /// <paramref name="context"/> (null: a module that is not loaded, named "?").
    /// </summary>
    private static string? ReadType(ReadyToRunModule module, ReadyToRunModule? context, ref uint rva, bool names, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new BadImageFormatException("type signature nested too deeply");
        }

        ImageReader image = module.Image;
        byte element = image.U8(rva++);
        switch (element)
        {
            case 0x01: return "System.Void";
            case 0x02: return "System.Boolean";
            case 0x03: return "System.Char";
            case 0x04: return "System.SByte";
            case 0x05: return "System.Byte";
            case 0x06: return "System.Int16";
            case 0x07: return "System.UInt16";
            case 0x08: return "System.Int32";
            case 0x09: return "System.UInt32";
            case 0x0a: return "System.Int64";
            case 0x0b: return "System.UInt64";
            case 0x0c: return "System.Single";
            case 0x0d: return "System.Double";
            case 0x0e: return "System.String";
            case 0x16: return "System.TypedReference";
            case 0x18: return "System.IntPtr";
            case 0x19: return "System.UIntPtr";
            case 0x1c: return "System.Object";
            case 0x3e: return "System.__Canon"; // ELEMENT_TYPE_CANON_ZAPSIG: shared generic code
            case 0x0f: // PTR
                return Suffix(ReadType(module, context, ref rva, names, depth + 1), "*");
            case 0x10: // BYREF
                return Suffix(ReadType(module, context, ref rva, names, depth + 1), "&");
            case 0x1d: // SZARRAY
                return Suffix(ReadType(module, context, ref rva, names, depth + 1), "[]");
            case 0x45: // PINNED
            case 0x3d: // NATIVE_VALUETYPE_ZAPSIG
                return ReadType(module, context, ref rva, names, depth + 1);
            case 0x13: // VAR
                return "!" + image.CompressedUnsigned(ref rva);
            case 0x1e: // MVAR
                return "!!" + image.CompressedUnsigned(ref rva);
            case 0x3b: // VAR_ZAPSIG: followed by a generic parameter's row
                return "!" + image.CompressedUnsigned(ref rva);
            case 0x11: // VALUETYPE
            case 0x12: // CLASS
                return TypeToken(context, image.CompressedUnsigned(ref rva), names);
            case 0x1f: // CMOD_REQD
            case 0x20: // CMOD_OPT
                _ = image.CompressedUnsigned(ref rva);
                return ReadType(module, context, ref rva, names, depth + 1);
            case 0x3f: // MODULE_ZAPSIG: what follows is in another module's metadata
            {
                uint index = image.CompressedUnsigned(ref rva);
                ReadyToRunModule? other = names ? module.ModuleFromIndex(index) : null;
                return ReadType(module, other, ref rva, names, depth + 1);
            }

            case 0x14: // ARRAY: element type, rank, sizes, lower bounds
            {
                string? elementName = ReadType(module, context, ref rva, names, depth + 1);
                uint rank = image.CompressedUnsigned(ref rva);
                uint sizes = image.CompressedUnsigned(ref rva);
                for (uint i = 0; i < sizes; i++)
                {
                    _ = image.CompressedUnsigned(ref rva);
                }

                uint bounds = image.CompressedUnsigned(ref rva);
                for (uint i = 0; i < bounds; i++)
                {
                    _ = image.CompressedUnsigned(ref rva); // signed, same length rules
                }

                return Suffix(elementName, "[" + new string(',', (int)Math.Clamp(rank, 1, 32) - 1) + "]");
            }

            case 0x15: // GENERICINST: CLASS/VALUETYPE, token, count, arguments
            {
                _ = image.U8(rva++);
                string? definition = TypeToken(context, image.CompressedUnsigned(ref rva), names);
                uint count = image.CompressedUnsigned(ref rva);
                if (count > 64)
                {
                    throw new BadImageFormatException("implausible generic argument count");
                }

                StringBuilder? builder = names ? new StringBuilder(definition).Append('[') : null;
                for (uint i = 0; i < count; i++)
                {
                    string? argument = ReadType(module, context, ref rva, names, depth + 1);
                    if (builder is not null)
                    {
                        builder.Append(i == 0 ? "" : ",").Append(argument);
                    }
                }

                return builder?.Append(']').ToString();
            }

            case 0x1b: // FNPTR: a method signature
            {
                _ = image.U8(rva++); // calling convention
                uint parameters = image.CompressedUnsigned(ref rva);
                for (uint i = 0; i <= parameters && i < 256; i++)
                {
                    _ = ReadType(module, context, ref rva, names: false, depth + 1);
                }

                return "fnptr";
            }

            default:
                throw new BadImageFormatException($"unexpected element type 0x{element:x2} in a signature");
        }
    }

    private static string? Suffix(string? name, string suffix) => name is null ? null : name + suffix;

    private static string? TypeToken(ReadyToRunModule? context, uint coded, bool names)
    {
        if (!names)
        {
            return null;
        }

        if (context is null)
        {
            return "?";
        }

        MetadataReader metadata = context.Metadata;
        int row = (int)(coded >> 2);
        return (coded & 3) switch
        {
            0 => TypeDefinitionName(metadata, MetadataTokens.TypeDefinitionHandle(row)),
            1 => TypeReferenceName(metadata, MetadataTokens.TypeReferenceHandle(row)),
            _ => "?", // a TypeSpec inside an instantiation: rare, and the owner type is still named
        };
    }

    /// <summary><c>Namespace.Outer+Inner</c>, as the runtime's events write type names.</summary>
    public static string TypeDefinitionName(MetadataReader metadata, TypeDefinitionHandle handle)
    {
        TypeDefinition type = metadata.GetTypeDefinition(handle);
        string name = metadata.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeDefinitionName(metadata, declaring) + "+" + name;
        }

        string ns = metadata.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string TypeReferenceName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        TypeReference type = metadata.GetTypeReference(handle);
        string name = metadata.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeReferenceName(metadata, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        }

        string ns = metadata.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
