using System.Globalization;
using System.Linq;
using System.Threading;
using ImageClassifier.Generators.Model;
using Microsoft.CodeAnalysis;

namespace ImageClassifier.Generators;

public sealed partial class RegistryGenerator
{
    /// <summary>Symbols to models: reads a [RegisterModel] class into a <see cref="ComponentModel"/>. Writes no text.</summary>
    internal static class Parser
    {
        /// <summary>The model of a component, or null when it cannot be generated (the analyzers say why).</summary>
        public static ComponentModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.IsEmpty)
            {
                return null;
            }

            var inspection = ComponentSymbols.Inspect(type, context.Attributes[0], cancellationToken);
            if (!inspection.CanGenerate)
            {
                return null;
            }

            var constructor = inspection.Constructor!;
            var kindBase = inspection.KindBase!;
            return new ComponentModel
            {
                Namespace = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                ClassName = type.Name,
                Accessibility = type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
                IsSealed = type.IsSealed,
                RegistryName = inspection.RegistryName,
                Aliases = inspection.Aliases.Select(alias => alias!).ToEquatableArray(),
                Override = inspection.Override,
                KindName = ComponentSymbols.KindName(kindBase),
                KindTypeName = ComponentSymbols.QualifiedName(kindBase),
                Summary = ComponentSymbols.GetSummary(type, cancellationToken),
                Base = inspection.Base is { } inherited
                    ? new BaseConfigModel
                    {
                        ConfigTypeName = inherited.ConfigTypeName,
                        RegistryName = inherited.RegistryName,
                        ParameterName = inherited.ConfigParameter.Name,
                    }
                    : null,
                Parameters = inspection.Parameters.Select(parameter => ParseParameter(parameter, constructor, cancellationToken)).ToEquatableArray(),
                // A member named twice keeps its first [ParameterDefault].
                DefaultOverrides = inspection.DefaultOverrides
                    .GroupBy(item => item.Member!.PropertyName)
                    .Select(group => group.First())
                    .Select(item => new DefaultOverrideModel
                    {
                        Member = item.Member!,
                        Value = ParseConstant(item.Attribute.ConstructorArguments[1]),
                    })
                    .ToEquatableArray(),
                SetsRequiredMembers = inspection.SetsRequiredMembers,
            };
        }

        private static ParameterModel ParseParameter(ComponentParameter parameter, IMethodSymbol constructor, CancellationToken cancellationToken)
        {
            var symbol = parameter.Symbol;
            var type = symbol.Type;
            var element = type is IArrayTypeSymbol array ? array.ElementType : type;
            var scalar = ComponentSymbols.UnwrapNullable(element);
            var isNullable = type.IsValueType
                ? !SymbolEqualityComparer.Default.Equals(ComponentSymbols.UnwrapNullable(type), type)
                : type.NullableAnnotation != NullableAnnotation.NotAnnotated;
            var kindBase = parameter.KindBase;
            var isComponent = kindBase is not null;
            var defaultItems = parameter.Shape == ParameterShape.ValueArray ? ComponentSymbols.FindAttribute(symbol, "DefaultItemsAttribute") : null;
            var pendingConfig = parameter.Shape == ParameterShape.Config && ComponentSymbols.PendingConfigComponent(symbol) is { } pending
                ? ComponentSymbols.GeneratedConfigName(pending)
                : null;

            return new ParameterModel
            {
                Name = symbol.Name,
                PropertyName = parameter.PropertyName,
                JsonName = parameter.JsonName,
                Shape = parameter.Shape,
                TypeName = isComponent ? ComponentSymbols.TypeOfName(kindBase!)
                    : pendingConfig is not null ? pendingConfig + (isNullable ? "?" : string.Empty)
                    : ComponentSymbols.QualifiedName(type),
                TypeOfName = isComponent ? ComponentSymbols.TypeOfName(kindBase!) : pendingConfig ?? ComponentSymbols.TypeOfName(type),
                ElementTypeName = pendingConfig ?? ComponentSymbols.QualifiedName(element),
                ScalarTypeName = pendingConfig ?? ComponentSymbols.QualifiedName(scalar),
                EnumTypeName = parameter.Shape == ParameterShape.Value && scalar.TypeKind == TypeKind.Enum ? ComponentSymbols.TypeOfName(scalar) : null,
                IsNullable = isNullable,
                KindName = isComponent ? ComponentSymbols.KindName(kindBase!) : null,
                TypeDisplay = parameter.Shape switch
                {
                    ParameterShape.Component => $"{ComponentSymbols.KindName(kindBase!)} config",
                    ParameterShape.ComponentArray => $"{ComponentSymbols.KindName(kindBase!)} config[]",
                    // C# makes an array with [DefaultItems] nullable; a config author sees an array.
                    _ when defaultItems is not null => ComponentSymbols.ReadableName(type).TrimEnd('?'),
                    _ => ComponentSymbols.ReadableName(type),
                },
                Required = !symbol.HasExplicitDefaultValue,
                Default = !symbol.HasExplicitDefaultValue ? null
                    : defaultItems is { ConstructorArguments.Length: 1 }
                        ? ParseConstant(defaultItems.ConstructorArguments[0])
                        : ParseValue(symbol.ExplicitDefaultValue, scalar),
                Doc = ComponentSymbols.GetParameterDoc(constructor, symbol.Name, cancellationToken),
                Constraints = symbol.GetAttributes()
                    .Where(attribute => IsConstraint(attribute.AttributeClass))
                    .Select(ParseAttribute)
                    .ToEquatableArray(),
            };
        }

        private static bool IsConstraint(INamedTypeSymbol? attributeClass)
        {
            for (var current = attributeClass; current is not null; current = current.BaseType)
            {
                if (ComponentSymbols.IsAbstractionsType(current, "ConstraintAttribute"))
                {
                    return true;
                }
            }

            return false;
        }

        private static AttributeModel ParseAttribute(AttributeData attribute) => new()
        {
            TypeName = ComponentSymbols.TypeOfName(attribute.AttributeClass!),
            Arguments = attribute.ConstructorArguments.Select(ParseConstant).ToEquatableArray(),
            NamedArguments = attribute.NamedArguments
                .Select(argument => new NamedArgumentModel { Name = argument.Key, Value = ParseConstant(argument.Value) })
                .ToEquatableArray(),
        };

        private static ConstantModel ParseConstant(TypedConstant constant)
        {
            if (constant.Kind == TypedConstantKind.Array)
            {
                return constant.IsNull
                    ? ConstantModel.Null
                    : new ConstantModel
                    {
                        Kind = ConstantKind.Array,
                        TypeName = ComponentSymbols.TypeOfName(((IArrayTypeSymbol)constant.Type!).ElementType),
                        Items = constant.Values.Select(ParseConstant).ToEquatableArray(),
                    };
            }

            if (constant.Kind == TypedConstantKind.Type && constant.Value is ITypeSymbol typeOf)
            {
                return new ConstantModel { Kind = ConstantKind.Type, TypeName = "global::System.Type", Value = ComponentSymbols.TypeOfName(typeOf) };
            }

            return constant.Type is null ? ConstantModel.Null : ParseValue(constant.Value, constant.Type);
        }

        /// <summary>A constant of <paramref name="type"/> (an enum's value is its underlying number).</summary>
        private static ConstantModel ParseValue(object? value, ITypeSymbol type)
        {
            if (value is null)
            {
                return ConstantModel.Null;
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(field => field.HasConstantValue && Equals(field.ConstantValue, value));
                return new ConstantModel
                {
                    Kind = ConstantKind.Enum,
                    TypeName = ComponentSymbols.TypeOfName(type),
                    Value = System.Convert.ToString(value, CultureInfo.InvariantCulture),
                    EnumMember = member?.Name,
                };
            }

            return value switch
            {
                bool flag => new ConstantModel { Kind = ConstantKind.Bool, TypeName = "bool", Value = flag ? "true" : "false" },
                string text => new ConstantModel { Kind = ConstantKind.String, TypeName = "string", Value = text },
                char character => new ConstantModel { Kind = ConstantKind.Char, TypeName = "char", Value = character.ToString() },
                float number => Number("float", number.ToString("R", CultureInfo.InvariantCulture)),
                double number => Number("double", number.ToString("R", CultureInfo.InvariantCulture)),
                decimal number => Number("decimal", number.ToString(CultureInfo.InvariantCulture)),
                sbyte number => Number("sbyte", number.ToString(CultureInfo.InvariantCulture)),
                byte number => Number("byte", number.ToString(CultureInfo.InvariantCulture)),
                short number => Number("short", number.ToString(CultureInfo.InvariantCulture)),
                ushort number => Number("ushort", number.ToString(CultureInfo.InvariantCulture)),
                int number => Number("int", number.ToString(CultureInfo.InvariantCulture)),
                uint number => Number("uint", number.ToString(CultureInfo.InvariantCulture)),
                long number => Number("long", number.ToString(CultureInfo.InvariantCulture)),
                ulong number => Number("ulong", number.ToString(CultureInfo.InvariantCulture)),
                _ => ConstantModel.Null,
            };
        }

        private static ConstantModel Number(string typeName, string text) => new() { Kind = ConstantKind.Number, TypeName = typeName, Value = text };
    }
}
