using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ImageClassifier.Generators;

/// <summary>
/// What the compiler knows of the constraint attributes (<c>[OneOf]</c>, <c>[ValueRange]</c>) on a
/// parameter or property: which apply, why one cannot, whether a value satisfies them, and the
/// expectation text, all as the attributes' runtime <c>IsSatisfiedBy</c> and <c>Expectation</c>
/// have them. <see cref="Diagnostics.ConstraintAnalyzer"/> judges C# constants with it and
/// <see cref="Diagnostics.JsonConfigAnalyzer"/> JSON config values, so both agree with the runtime.
/// </summary>
internal static class ConstraintRules
{
    private const string AbstractionsNamespace = "ImageClassifier";

    internal static bool IsAbstractionsType(INamedTypeSymbol? type, string name) =>
        type is { ContainingNamespace: { Name: AbstractionsNamespace, ContainingNamespace.IsGlobalNamespace: true } }
        && type.Name == name
        && type.Arity == 0;

    internal static bool IsConstraintAttribute(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (IsAbstractionsType(current, "ConstraintAttribute"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The evaluable constraints of each member, read once per compilation.</summary>
    internal sealed class ConstraintCache
    {
        private readonly ConcurrentDictionary<ISymbol, ImmutableArray<Constraint>> _byMember = new(SymbolEqualityComparer.Default);

        public ImmutableArray<Constraint> Get(ISymbol member) => _byMember.GetOrAdd(member, Read);

        private static ImmutableArray<Constraint> Read(ISymbol member)
        {
            var type = member switch
            {
                IParameterSymbol parameter => parameter.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (type is null)
            {
                return [];
            }

            var result = ImmutableArray.CreateBuilder<Constraint>();
            foreach (var attribute in member.GetAttributes())
            {
                if (IsConstraintAttribute(attribute.AttributeClass) && Constraint.Read(attribute, type) is { } constraint)
                {
                    result.Add(constraint);
                }
            }

            return result.ToImmutable();
        }
    }

    /// <summary>How a member's values are checked: itself, or item by item, against <see cref="ItemType"/>.</summary>
    internal sealed class MemberShape(ITypeSymbol itemType, bool isCollection)
    {
        public ITypeSymbol ItemType { get; } = itemType;

        public bool IsCollection { get; } = isCollection;

        public ValueCategory Category { get; } = ValueCategoryOf(itemType);

        public static MemberShape Of(ITypeSymbol type)
        {
            var item = CollectionItemType(type);
            return new MemberShape(UnderlyingIfNullable(item ?? type), item is not null);
        }

        // The runtime validates any non-string IEnumerable item by item, so a List<int> is
        // judged like an int[].
        private static ITypeSymbol? CollectionItemType(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType;
            }

            if (type.SpecialType == SpecialType.System_String)
            {
                return null;
            }

            var enumerables = (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } self
                    ? [self]
                    : Enumerable.Empty<INamedTypeSymbol>())
                .Concat(type.AllInterfaces.Where(face => face.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T))
                .Select(face => face.TypeArguments[0])
                .Distinct<ITypeSymbol>(SymbolEqualityComparer.Default)
                .ToList();
            return enumerables.Count == 1 ? enumerables[0] : null;
        }

        private static ValueCategory ValueCategoryOf(ITypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Error } => ValueCategory.Unknown,
            { TypeKind: TypeKind.Enum } => ValueCategory.Enum,
            { SpecialType: SpecialType.System_String } => ValueCategory.String,
            _ when IsRuntimeNumber(type.SpecialType) => ValueCategory.Number,
            _ => ValueCategory.Other,
        };
    }

    internal enum ValueCategory
    {
        /// <summary>A type the compiler could not resolve; judged by nothing.</summary>
        Unknown,
        Number,
        String,
        Enum,
        Other,
    }

    /// <summary>One <c>[OneOf]</c> or <c>[ValueRange]</c> as it applies to one member.</summary>
    internal abstract class Constraint(AttributeData attribute, string name, ITypeSymbol memberType)
    {
        public AttributeData Attribute { get; } = attribute;

        /// <summary>The attribute as written: "OneOf", "ValueRange".</summary>
        public string Name { get; } = name;

        public ITypeSymbol MemberType { get; } = memberType;

        /// <summary>The end of "must be ...", worded as the runtime attribute's Expectation.</summary>
        public abstract string Expectation { get; }

        /// <summary>Why the constraint cannot apply (the ICG015 text), or null when it can.</summary>
        public string? Problem { get; protected set; }

        /// <summary>Whether values can be judged: the constraint applies to a type the compiler resolved.</summary>
        public bool CanJudge { get; protected set; }

        public abstract bool IsSatisfiedBy(Constant value);

        public static Constraint? Read(AttributeData attribute, ITypeSymbol memberType)
        {
            // An attribute the compiler could not bind already has its own error.
            if (attribute.AttributeConstructor is null)
            {
                return null;
            }

            var shape = MemberShape.Of(memberType);
            if (IsAbstractionsType(attribute.AttributeClass, "OneOfAttribute"))
            {
                return new OneOf(attribute, memberType, shape);
            }

            if (IsAbstractionsType(attribute.AttributeClass, "ValueRangeAttribute"))
            {
                return new ValueRange(attribute, memberType, shape);
            }

            // Other constraints run only their own code, at run time.
            return null;
        }
    }

    internal sealed class OneOf : Constraint
    {
        private readonly ImmutableArray<TypedConstant> _values;

        public OneOf(AttributeData attribute, ITypeSymbol memberType, MemberShape shape)
            : base(attribute, "OneOf", memberType)
        {
            var argument = attribute.ConstructorArguments.FirstOrDefault();
            _values = argument.Kind == TypedConstantKind.Array && !argument.IsNull ? argument.Values : [];
            Expectation = "one of " + string.Join(", ", _values.Select(ConfigText.Format));
            if (shape.Category != ValueCategory.Unknown)
            {
                Problem = FindProblem(shape);
                CanJudge = Problem is null;
            }
        }

        public override string Expectation { get; }

        public override bool IsSatisfiedBy(Constant value)
        {
            if (value.Value is null)
            {
                return true;
            }

            if (value.TryGetNumber(out var number))
            {
                return _values.Any(allowed => Constant.FromAttributeArgument(allowed).TryGetNumber(out var candidate) && candidate == number);
            }

            // Enum values compare by their underlying value; FindProblem has made sure that the
            // listed ones are of the member's enum type.
            return _values.Any(allowed => Equals(allowed.Value, value.Value));
        }

        private string? FindProblem(MemberShape shape)
        {
            var wanted = shape.Category switch
            {
                ValueCategory.Number => "a number",
                ValueCategory.String => "a string",
                ValueCategory.Enum => $"a {shape.ItemType.Name} value",
                _ => null,
            };
            if (wanted is null)
            {
                return "[OneOf] applies to numbers, strings and enums, or arrays and nullables of these; remove it or change the type";
            }

            if (_values.IsEmpty)
            {
                return "it lists no values, so nothing could satisfy it; list the allowed values";
            }

            foreach (var allowed in _values)
            {
                if (allowed.IsNull)
                {
                    return "its values include null, which the runtime cannot compare (null always passes); remove it";
                }

                var fits = shape.Category switch
                {
                    ValueCategory.Number => allowed.Kind == TypedConstantKind.Primitive && IsRuntimeNumber(allowed.Type?.SpecialType ?? SpecialType.None),
                    ValueCategory.String => allowed.Kind == TypedConstantKind.Primitive && allowed.Type?.SpecialType == SpecialType.System_String,
                    _ => allowed.Kind == TypedConstantKind.Enum && SymbolEqualityComparer.Default.Equals(allowed.Type, shape.ItemType),
                };
                if (!fits)
                {
                    return $"its value {ConfigText.Format(allowed)} is not {wanted}, so no value of the member could equal it; list values of type '{shape.ItemType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'";
                }
            }

            return null;
        }
    }

    internal sealed class ValueRange : Constraint
    {
        private readonly double _minimum = double.NegativeInfinity;
        private readonly double _maximum = double.PositiveInfinity;
        private readonly bool _minimumExclusive;
        private readonly bool _maximumExclusive;

        public ValueRange(AttributeData attribute, ITypeSymbol memberType, MemberShape shape)
            : base(attribute, "ValueRange", memberType)
        {
            if (attribute.ConstructorArguments.Length == 2)
            {
                _minimum = ToDouble(attribute.ConstructorArguments[0], _minimum);
                _maximum = ToDouble(attribute.ConstructorArguments[1], _maximum);
            }

            // Property setters run after the constructor, in the order written.
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Minimum":
                        _minimum = ToDouble(named.Value, _minimum);
                        break;
                    case "Maximum":
                        _maximum = ToDouble(named.Value, _maximum);
                        break;
                    case "MinimumExclusive":
                        _minimumExclusive = named.Value.Value is true;
                        break;
                    case "MaximumExclusive":
                        _maximumExclusive = named.Value.Value is true;
                        break;
                }
            }

            Expectation = Describe();
            if (shape.Category != ValueCategory.Unknown)
            {
                Problem = FindProblem(shape);
                CanJudge = Problem is null;
            }
        }

        public override string Expectation { get; }

        public override bool IsSatisfiedBy(Constant value)
        {
            if (value.Value is null)
            {
                return true;
            }

            if (!value.TryGetNumber(out var number) || double.IsNaN(number))
            {
                return false;
            }

            var aboveMinimum = _minimumExclusive ? number > _minimum : number >= _minimum;
            var belowMaximum = _maximumExclusive ? number < _maximum : number <= _maximum;
            return aboveMinimum && belowMaximum;
        }

        private static double ToDouble(TypedConstant constant, double fallback) =>
            Constant.FromAttributeArgument(constant).TryGetNumber(out var number) ? number : fallback;

        private string Describe()
        {
            var lower = _minimumExclusive ? "> " : ">= ";
            var upper = _maximumExclusive ? "< " : "<= ";
            var minimum = ConfigText.FormatNumber(_minimum);
            var maximum = ConfigText.FormatNumber(_maximum);
            return (double.IsNegativeInfinity(_minimum), double.IsPositiveInfinity(_maximum)) switch
            {
                (true, true) => "a number",
                (false, true) => lower + minimum,
                (true, false) => upper + maximum,
                _ when !_minimumExclusive && !_maximumExclusive => $"between {minimum} and {maximum}",
                _ => $"{lower}{minimum} and {upper}{maximum}",
            };
        }

        private string? FindProblem(MemberShape shape)
        {
            if (shape.Category != ValueCategory.Number)
            {
                return "[ValueRange] applies only to numbers, or arrays and nullables of numbers; remove it, or use [OneOf] for strings and enums";
            }

            if (double.IsNaN(_minimum) || double.IsNaN(_maximum))
            {
                return "a bound is NaN, which no value can be compared with; give a number or leave the bound out";
            }

            var minimum = ConfigText.FormatNumber(_minimum);
            var maximum = ConfigText.FormatNumber(_maximum);
            if (_minimum > _maximum)
            {
                return $"its minimum {minimum} is greater than its maximum {maximum}; swap the bounds";
            }

            if (_minimum == _maximum && (_minimumExclusive || _maximumExclusive))
            {
                return $"it excludes {minimum}, its only value, so nothing could satisfy it; make the bounds inclusive or widen the range";
            }

            return null;
        }
    }

    /// <summary>
    /// A compile-time value as the runtime would hold it: the CLR value of the member's item type
    /// (an enum as its underlying value plus the enum type).
    /// </summary>
    internal readonly struct Constant(object? value, INamedTypeSymbol? enumType)
    {
        public object? Value { get; } = value;

        /// <summary>The enum type when the value is an enum member's underlying value.</summary>
        public INamedTypeSymbol? EnumType { get; } = enumType;

        public static Constant? FromOperation(IOperation operation, ITypeSymbol itemType)
        {
            if (operation.ConstantValue.HasValue)
            {
                return Create(operation.ConstantValue.Value, operation.Type, itemType);
            }

            // Roslyn folds no conversion to Nullable<T>, so `int? x = 19` holds no constant
            // itself: the operand does.
            if (operation is IConversionOperation { Conversion.IsUserDefined: false, Type: { } target } conversion
                && target.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                return FromOperation(conversion.Operand, itemType);
            }

            return null;
        }

        public static Constant FromDefault(object? value, ITypeSymbol itemType) => Create(value, itemType, itemType);

        /// <summary>
        /// A value a config file gives the member, read into a CLR value (a number as long, ulong,
        /// decimal or double, an enum as its member's constant): held as the member would hold it.
        /// </summary>
        public static Constant FromConfigValue(object? value, ITypeSymbol itemType) => Create(value, itemType, itemType);

        /// <summary>An attribute argument as the runtime boxes it.</summary>
        public static Constant FromAttributeArgument(TypedConstant constant) =>
            new(constant.IsNull || constant.Kind is TypedConstantKind.Primitive or TypedConstantKind.Enum ? constant.Value : null, constant.Kind == TypedConstantKind.Enum ? constant.Type as INamedTypeSymbol : null);

        /// <summary>
        /// A [DefaultItems] item as the member would hold it (converted to <paramref name="itemType"/>),
        /// or null when its kind cannot be stored there.
        /// </summary>
        public static Constant? FromDefaultItem(TypedConstant constant, ITypeSymbol itemType)
        {
            if (constant.IsNull)
            {
                return new Constant(null, null);
            }

            var fits = constant.Kind switch
            {
                TypedConstantKind.Enum => SymbolEqualityComparer.Default.Equals(constant.Type, itemType),
                TypedConstantKind.Primitive => MemberShape.Of(itemType).Category switch
                {
                    ValueCategory.Number => IsRuntimeNumber(constant.Value),
                    ValueCategory.String => constant.Value is string,
                    _ => false,
                },
                _ => false,
            };
            return fits ? Create(constant.Value, constant.Type, itemType) : null;
        }

        private static Constant Create(object? value, ITypeSymbol? valueType, ITypeSymbol itemType)
        {
            if (valueType?.TypeKind == TypeKind.Enum)
            {
                return new Constant(value, (INamedTypeSymbol)valueType);
            }

            var underlying = UnderlyingIfNullable(itemType);
            if (underlying.TypeKind == TypeKind.Enum)
            {
                return new Constant(value, (INamedTypeSymbol)underlying);
            }

            return new Constant(ConvertNumber(value, underlying.SpecialType), null);
        }

        // The member holds the value at its own type: 0.1f given to a double is 0.1000000015.
        private static object? ConvertNumber(object? value, SpecialType target)
        {
            var type = ClrNumberType(target);
            if (value is null || type is null || !IsRuntimeNumber(value) || value.GetType() == type)
            {
                return value;
            }

            try
            {
                return Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return value;
            }
        }

        /// <summary>The runtime's TryGetNumber: the eleven CLR number types, never an enum.</summary>
        public bool TryGetNumber(out double number)
        {
            if (EnumType is null && IsRuntimeNumber(Value))
            {
                number = Convert.ToDouble(Value, CultureInfo.InvariantCulture);
                return true;
            }

            number = 0;
            return false;
        }

        public string Format() => EnumType is null ? ConfigText.Format(Value) : ConfigText.FormatEnum(EnumType, Value);
    }

    /// <summary>Config literals as the runtime's ConfigLiteral.Format writes them.</summary>
    internal static class ConfigText
    {
        public static string Format(TypedConstant constant) => constant.Kind switch
        {
            _ when constant.IsNull => "null",
            TypedConstantKind.Enum => FormatEnum(constant.Type as INamedTypeSymbol, constant.Value),
            TypedConstantKind.Array => "[" + string.Join(", ", constant.Values.Select(Format)) + "]",
            TypedConstantKind.Type => (constant.Value as ITypeSymbol)?.ToDisplayString() ?? "",
            _ => Format(constant.Value),
        };

        public static string Format(object? value) => value switch
        {
            null => "null",
            string text => $"\"{text}\"",
            bool flag => flag ? "true" : "false",
            double number => FormatNumber(number),
            float number => FormatNumber(number),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        // "R" is the shortest round-trip form on .NET Core 3.0 and later, which is what the
        // runtime prints by default; on .NET Framework it still round-trips.
        public static string FormatNumber(double number) => number.ToString("R", CultureInfo.InvariantCulture);

        private static string FormatNumber(float number) => number.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>
        /// The snake_case text of Enum.ToString, quoted: the member's name, or the number when no
        /// member has that value.
        /// </summary>
        public static string FormatEnum(INamedTypeSymbol? enumType, object? value)
        {
            var member = enumType?.GetMembers()
                .OfType<IFieldSymbol>()
                .FirstOrDefault(field => field.HasConstantValue && Equals(field.ConstantValue, value));
            return $"\"{Naming.ToSnakeCase(member?.Name ?? Format(value))}\"";
        }
    }

    internal static ITypeSymbol UnderlyingIfNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>The types the runtime's TryGetNumber accepts; char, nint and enums are not numbers there.</summary>
    internal static bool IsRuntimeNumber(SpecialType type) => ClrNumberType(type) is not null;

    internal static bool IsRuntimeNumber(object? value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    internal static Type? ClrNumberType(SpecialType type) => type switch
    {
        SpecialType.System_SByte => typeof(sbyte),
        SpecialType.System_Byte => typeof(byte),
        SpecialType.System_Int16 => typeof(short),
        SpecialType.System_UInt16 => typeof(ushort),
        SpecialType.System_Int32 => typeof(int),
        SpecialType.System_UInt32 => typeof(uint),
        SpecialType.System_Int64 => typeof(long),
        SpecialType.System_UInt64 => typeof(ulong),
        SpecialType.System_Single => typeof(float),
        SpecialType.System_Double => typeof(double),
        SpecialType.System_Decimal => typeof(decimal),
        _ => null,
    };
}
