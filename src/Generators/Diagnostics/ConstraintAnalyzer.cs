using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using static ImageClassifier.Generators.ConstraintRules;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>
/// Checks constraint attributes (<c>[OneOf]</c>, <c>[ValueRange]</c>) at compile time, on any
/// parameter or property, from source or from a referenced assembly:
/// ICG009 a constant set or passed outside the constraint (each item of an array or collection),
/// ICG013 a parameter default, property initializer or <c>[DefaultItems]</c> item outside it,
/// ICG015 a constraint that cannot apply to the member's type or contradicts itself.
/// The verdicts and texts mirror the attributes' runtime <c>IsSatisfiedBy</c> and
/// <c>Expectation</c>; constraint classes other than those two are left to run-time validation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConstraintAnalyzer : DiagnosticAnalyzer
{
    private const string AbstractionsNamespace = "ImageClassifier";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.ConstantOutsideConstraint,
        DiagnosticDescriptors.DefaultOutsideConstraint,
        DiagnosticDescriptors.ConstraintNotApplicable,
    ];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated configs carry copies of the component's attributes: reporting there would
        // repeat every ICG015 and flag the generator's own defaults.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypesByMetadataName(AbstractionsNamespace + ".ConstraintAttribute").IsEmpty)
            {
                return;
            }

            var constraints = new ConstraintCache();
            start.RegisterOperationAction(
                operation => AnalyzeAssignment(operation, constraints),
                OperationKind.SimpleAssignment,
                OperationKind.CoalesceAssignment);
            start.RegisterOperationAction(operation => AnalyzeArgument(operation, constraints), OperationKind.Argument);
            start.RegisterOperationAction(operation => AnalyzePropertyInitializer(operation, constraints), OperationKind.PropertyInitializer);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, constraints), SymbolKind.Method);
            start.RegisterSymbolAction(symbol => AnalyzeProperty(symbol, constraints), SymbolKind.Property);
        });
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, ConstraintCache constraints)
    {
        var assignment = (IAssignmentOperation)context.Operation;
        if (assignment.Target is IPropertyReferenceOperation { Property: var property })
        {
            CheckValue(context.ReportDiagnostic, DiagnosticDescriptors.ConstantOutsideConstraint, property, property.Type, assignment.Value, constraints);
        }
    }

    private static void AnalyzeArgument(OperationAnalysisContext context, ConstraintCache constraints)
    {
        var argument = (IArgumentOperation)context.Operation;

        // An omitted optional argument carries the parameter's default, which ICG013 reports at
        // its declaration instead of at every call.
        if (argument.Parameter is { } parameter && argument.ArgumentKind != ArgumentKind.DefaultValue)
        {
            CheckValue(context.ReportDiagnostic, DiagnosticDescriptors.ConstantOutsideConstraint, parameter, parameter.Type, argument.Value, constraints);
        }
    }

    private static void AnalyzePropertyInitializer(OperationAnalysisContext context, ConstraintCache constraints)
    {
        var initializer = (IPropertyInitializerOperation)context.Operation;
        foreach (var property in initializer.InitializedProperties)
        {
            CheckValue(context.ReportDiagnostic, DiagnosticDescriptors.DefaultOutsideConstraint, property, property.Type, initializer.Value, constraints);
        }
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, ConstraintCache constraints)
    {
        var method = (IMethodSymbol)context.Symbol;

        // Accessors repeat their indexer's parameters (checked with the property) and a
        // delegate's Begin/EndInvoke repeat Invoke's.
        if (method.AssociatedSymbol is not null
            || (method.ContainingType?.TypeKind == TypeKind.Delegate && method.MethodKind != MethodKind.DelegateInvoke))
        {
            return;
        }

        foreach (var parameter in method.Parameters)
        {
            AnalyzeParameterDeclaration(context, parameter, constraints);
        }
    }

    private static void AnalyzeProperty(SymbolAnalysisContext context, ConstraintCache constraints)
    {
        var property = (IPropertySymbol)context.Symbol;
        ReportInapplicable(context, property, constraints.Get(property));
        foreach (var parameter in property.Parameters)
        {
            AnalyzeParameterDeclaration(context, parameter, constraints);
        }
    }

    private static void AnalyzeParameterDeclaration(SymbolAnalysisContext context, IParameterSymbol parameter, ConstraintCache constraints)
    {
        var declared = constraints.Get(parameter);
        ReportInapplicable(context, parameter, declared);
        if (declared.IsEmpty)
        {
            return;
        }

        var shape = MemberShape.Of(parameter.Type);
        if (parameter.HasExplicitDefaultValue && !shape.IsCollection)
        {
            var value = Constant.FromDefault(parameter.ExplicitDefaultValue, shape.ItemType);
            var location = DefaultValueLocation(parameter);
            if (location is not null)
            {
                Report(context.ReportDiagnostic, DiagnosticDescriptors.DefaultOutsideConstraint, parameter, declared, value, location);
            }
        }

        var defaultItems = parameter.GetAttributes().FirstOrDefault(attribute => IsAbstractionsType(attribute.AttributeClass, "DefaultItemsAttribute"));
        if (defaultItems is not null && shape.IsCollection)
        {
            CheckDefaultItems(context, parameter, declared, shape, defaultItems);
        }
    }

    private static void CheckDefaultItems(SymbolAnalysisContext context, IParameterSymbol parameter, ImmutableArray<Constraint> declared, MemberShape shape, AttributeData defaultItems)
    {
        if (defaultItems.ConstructorArguments.Length != 1
            || defaultItems.ConstructorArguments[0] is not { Kind: TypedConstantKind.Array, IsNull: false } items
            || defaultItems.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax syntax)
        {
            return;
        }

        var itemSyntax = ItemExpressions(syntax);
        for (var index = 0; index < items.Values.Length; index++)
        {
            // An item of the wrong kind is a type error for whoever reads [DefaultItems]; only
            // items that can be compared are judged here.
            if (Constant.FromDefaultItem(items.Values[index], shape.ItemType) is { } value)
            {
                var location = itemSyntax.Length == items.Values.Length ? itemSyntax[index].GetLocation() : syntax.GetLocation();
                Report(context.ReportDiagnostic, DiagnosticDescriptors.DefaultOutsideConstraint, parameter, declared, value, location);
            }
        }
    }

    private static ImmutableArray<ExpressionSyntax> ItemExpressions(AttributeSyntax syntax)
    {
        var arguments = syntax.ArgumentList?.Arguments.Where(argument => argument.NameEquals is null && argument.NameColon is null).ToList() ?? [];
        if (arguments.Count == 1)
        {
            switch (arguments[0].Expression)
            {
                case ArrayCreationExpressionSyntax { Initializer: { } initializer }:
                    return [.. initializer.Expressions];
                case ImplicitArrayCreationExpressionSyntax { Initializer: var initializer }:
                    return [.. initializer.Expressions];
                case CollectionExpressionSyntax collection:
                    return [.. collection.Elements.Select(element => element is ExpressionElementSyntax item ? item.Expression : null).OfType<ExpressionSyntax>()];
            }
        }

        return [.. arguments.Select(argument => argument.Expression)];
    }

    private static Location? DefaultValueLocation(IParameterSymbol parameter)
    {
        foreach (var reference in parameter.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is ParameterSyntax { Default.Value: var value })
            {
                return value.GetLocation();
            }
        }

        return null;
    }

    private static void ReportInapplicable(SymbolAnalysisContext context, ISymbol member, ImmutableArray<Constraint> declared)
    {
        foreach (var constraint in declared)
        {
            if (constraint.Problem is not null && constraint.Attribute.ApplicationSyntaxReference is { } reference)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ConstraintNotApplicable,
                    Location.Create(reference.SyntaxTree, reference.Span),
                    constraint.Name,
                    member.Name,
                    constraint.MemberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    constraint.Problem));
            }
        }
    }

    /// <summary>Checks a value given to <paramref name="member"/>: the constant itself, or each constant item of a collection.</summary>
    private static void CheckValue(Action<Diagnostic> report, DiagnosticDescriptor rule, ISymbol member, ITypeSymbol memberType, IOperation value, ConstraintCache constraints)
    {
        var declared = constraints.Get(member);
        if (declared.IsEmpty)
        {
            return;
        }

        var shape = MemberShape.Of(memberType);
        if (!shape.IsCollection)
        {
            if (Constant.FromOperation(value, shape.ItemType) is { } constant)
            {
                Report(report, rule, member, declared, constant, value.Syntax.GetLocation());
            }

            return;
        }

        foreach (var item in CollectionItems(value))
        {
            if (Constant.FromOperation(item, shape.ItemType) is { } constant)
            {
                Report(report, rule, member, declared, constant, item.Syntax.GetLocation());
            }
        }
    }

    private static IEnumerable<IOperation> CollectionItems(IOperation value)
    {
        while (value is IConversionOperation { Conversion.IsUserDefined: false } conversion)
        {
            value = conversion.Operand;
        }

        return value switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,

            // A spread's items come from elsewhere: not constants written here.
            ICollectionExpressionOperation collection => collection.Elements.Where(element => element is not ISpreadOperation),
            IObjectCreationOperation { Initializer: { } initializer } => initializer.Initializers
                .OfType<IInvocationOperation>()
                .Where(add => add.Arguments.Length == 1)
                .Select(add => add.Arguments[0].Value),
            _ => [],
        };
    }

    private static void Report(Action<Diagnostic> report, DiagnosticDescriptor rule, ISymbol member, ImmutableArray<Constraint> declared, Constant value, Location location)
    {
        foreach (var constraint in declared)
        {
            if (constraint.CanJudge && !constraint.IsSatisfiedBy(value))
            {
                report(Diagnostic.Create(rule, location, member.Name, constraint.Expectation, value.Format()));
            }
        }
    }
}
