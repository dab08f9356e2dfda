using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Grader.UnitTests.Web;

/// <summary>Which types of other assemblies each top-level type of a compiled assembly uses: in its base
/// type, interfaces, fields, signatures, attributes, locals and method bodies. Read from the metadata and
/// IL, so it sees what the compiler emitted (Razor views, lambdas, generic arguments), not what a
/// source grep happens to match.</summary>
internal static class AssemblyTypeReferences
{
    /// <summary>(user, used) pairs: the user is a top-level type's full name (a nested type such as a
    /// lambda closure counts as its outermost type), the used type is "Assembly!Namespace.Name".</summary>
    public static IReadOnlySet<(string User, string Used)> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var pairs = new HashSet<(string, string)>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var user = TopLevelName(reader, handle);
            var collector = new Collector(reader);
            collector.Visit(reader.GetTypeDefinition(handle), pe);
            foreach (var used in collector.Used)
            {
                pairs.Add((user, used));
            }
        }

        return pairs;
    }

    private static string TopLevelName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        while (type.GetDeclaringType() is { IsNil: false } outer)
        {
            type = reader.GetTypeDefinition(outer);
        }

        var ns = reader.GetString(type.Namespace);
        var name = reader.GetString(type.Name);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    private static readonly ImmutableDictionary<ushort, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToImmutableDictionary(o => (ushort)o.Value, o => o.OperandType);

    private sealed class Collector(MetadataReader reader) : ISignatureTypeProvider<int, object?>
    {
        public HashSet<string> Used { get; } = [];

        public void Visit(TypeDefinition type, PEReader pe)
        {
            Entity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                Entity(reader.GetInterfaceImplementation(i).Interface);
            }

            Attributes(type.GetCustomAttributes());
            GenericParameters(type.GetGenericParameters());
            foreach (var f in type.GetFields())
            {
                var field = reader.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                Attributes(field.GetCustomAttributes());
            }

            foreach (var p in type.GetProperties())
            {
                Attributes(reader.GetPropertyDefinition(p).GetCustomAttributes());
            }

            foreach (var m in type.GetMethods())
            {
                Method(reader.GetMethodDefinition(m), pe);
            }
        }

        private void Method(MethodDefinition method, PEReader pe)
        {
            method.DecodeSignature(this, null);
            Attributes(method.GetCustomAttributes());
            GenericParameters(method.GetGenericParameters());
            foreach (var p in method.GetParameters())
            {
                Attributes(reader.GetParameter(p).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            }

            foreach (var region in body.ExceptionRegions)
            {
                Entity(region.CatchType);
            }

            Instructions(body.GetILReader());
        }

        private void Instructions(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                ushort code = il.ReadByte();
                if (code == 0xFE)
                {
                    code = (ushort)(0xFE00 | il.ReadByte());
                }

                switch (Operands[code])
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType
                        or OperandType.InlineTok or OperandType.InlineSig:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    default:
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                Entity(reader.GetCustomAttribute(a).Constructor);
            }
        }

        private void GenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var p in parameters)
            {
                foreach (var c in reader.GetGenericParameter(p).GetConstraints())
                {
                    Entity(reader.GetGenericParameterConstraint(c).Type);
                }
            }
        }

        private void Entity(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeReference:
                    Reference((TypeReferenceHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method)
                    {
                        signature.DecodeMethodSignature(this, null);
                    }

                    break;
            }
        }

        private void Reference(TypeReferenceHandle handle)
        {
            var type = reader.GetTypeReference(handle);
            var name = reader.GetString(type.Name);
            var ns = reader.GetString(type.Namespace);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
                ns = reader.GetString(type.Namespace);
                name = $"{reader.GetString(type.Name)}+{name}";
            }

            if (type.ResolutionScope.Kind == HandleKind.AssemblyReference)
            {
                var assembly = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name);
                Used.Add($"{assembly}!{(ns.Length == 0 ? name : $"{ns}.{name}")}");
            }
        }

        public int GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind)
        {
            Reference(handle);
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            Entity(handle);
            return 0;
        }

        public int GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) => 0;
        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
        public int GetSZArrayType(int elementType) => 0;
        public int GetArrayType(int elementType, ArrayShape shape) => 0;
        public int GetByReferenceType(int elementType) => 0;
        public int GetPointerType(int elementType) => 0;
        public int GetPinnedType(int elementType) => 0;
        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
        public int GetGenericMethodParameter(object? context, int index) => 0;
        public int GetGenericTypeParameter(object? context, int index) => 0;
        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
    }
}
