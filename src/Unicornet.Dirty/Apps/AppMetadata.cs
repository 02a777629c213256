using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Unicornet.Dirty.Apps;

/// <summary>
/// Reads a dirty app's <see cref="DirtyWorkersAttribute"/> from the assembly file's metadata, so the
/// dirty arbiter learns each app's allocation without loading (or running) any app code.
/// </summary>
internal static class AppMetadata
{
    /// <summary>The attribute's count; null when the type has none (or cannot be read).</summary>
    public static int? DeclaredWorkers(string assemblyPath, string typeName)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return null;
        }

        MetadataReader md = pe.GetMetadataReader();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            if (FullName(md, type) != typeName)
            {
                continue;
            }

            while (true)
            {
                if (Find(md, type) is { } n)
                {
                    return n;
                }

                // The attribute is inherited: walk base types defined in the same assembly.
                if (type.BaseType.Kind != HandleKind.TypeDefinition)
                {
                    return null;
                }

                type = md.GetTypeDefinition((TypeDefinitionHandle)type.BaseType);
            }
        }

        return null;
    }

    private static int? Find(MetadataReader md, TypeDefinition type)
    {
        foreach (CustomAttributeHandle ah in type.GetCustomAttributes())
        {
            CustomAttribute attr = md.GetCustomAttribute(ah);
            if (AttributeTypeName(md, attr) != nameof(DirtyWorkersAttribute))
            {
                continue;
            }

            BlobReader blob = md.GetBlobReader(attr.Value);
            if (blob.Length >= 6 && blob.ReadUInt16() == 1)
            {
                return blob.ReadInt32();
            }
        }

        return null;
    }

    private static string? AttributeTypeName(MetadataReader md, CustomAttribute attr)
    {
        EntityHandle ctor = attr.Constructor;
        if (ctor.Kind == HandleKind.MemberReference)
        {
            MemberReference mr = md.GetMemberReference((MemberReferenceHandle)ctor);
            if (mr.Parent.Kind == HandleKind.TypeReference)
            {
                return md.GetString(md.GetTypeReference((TypeReferenceHandle)mr.Parent).Name);
            }
        }
        else if (ctor.Kind == HandleKind.MethodDefinition)
        {
            MethodDefinition m = md.GetMethodDefinition((MethodDefinitionHandle)ctor);
            return md.GetString(md.GetTypeDefinition(m.GetDeclaringType()).Name);
        }

        return null;
    }

    private static string FullName(MetadataReader md, TypeDefinition type)
    {
        string name = md.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return FullName(md, md.GetTypeDefinition(declaring)) + "+" + name;
        }

        string ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
