using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageClassifier.Generators.Diagnostics;

/// <summary>What the definition analyzers share: finding components and placing diagnostics precisely.</summary>
internal static class ComponentAnalysis
{
    /// <summary>A symbol action that runs <paramref name="analyze"/> on every [RegisterModel] class in source.</summary>
    public static System.Action<SymbolAnalysisContext> ForEachComponent(System.Action<SymbolAnalysisContext, ComponentInspection> analyze) =>
        symbolContext =>
        {
            if (symbolContext.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Class } type && ComponentSymbols.GetRegistration(type) is { } registration)
            {
                analyze(symbolContext, ComponentSymbols.Inspect(type, registration, symbolContext.CancellationToken));
            }
        };

    /// <summary>The identifier of the class declaration that carries [RegisterModel].</summary>
    public static Location ClassIdentifier(INamedTypeSymbol type, AttributeData registration, CancellationToken cancellationToken)
    {
        var declaration = registration.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
        return declaration?.Identifier.GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
    }

    /// <summary>The parameter's identifier.</summary>
    public static Location Parameter(IParameterSymbol parameter) => parameter.Locations.FirstOrDefault() ?? Location.None;

    /// <summary>The attribute's syntax.</summary>
    public static Location Attribute(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? Location.None;

    /// <summary>The attribute's positional argument at <paramref name="index"/>, else the attribute.</summary>
    public static Location PositionalArgument(AttributeData attribute, int index, CancellationToken cancellationToken)
    {
        var positional = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .Where(argument => argument.NameEquals is null)
            .ElementAtOrDefault(index);
        return positional?.GetLocation() ?? Attribute(attribute, cancellationToken);
    }

    /// <summary>Item <paramref name="index"/> of an array given to the named argument <paramref name="name"/>, else the attribute.</summary>
    public static Location NamedArrayItem(AttributeData attribute, string name, int index, CancellationToken cancellationToken)
    {
        var value = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
            .FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name)?.Expression;
        var item = value switch
        {
            ArrayCreationExpressionSyntax array => array.Initializer?.Expressions.ElementAtOrDefault(index),
            ImplicitArrayCreationExpressionSyntax array => array.Initializer.Expressions.ElementAtOrDefault(index),
            CollectionExpressionSyntax collection => (collection.Elements.ElementAtOrDefault(index) as ExpressionElementSyntax)?.Expression,
            _ => null,
        };
        return item?.GetLocation() ?? value?.GetLocation() ?? Attribute(attribute, cancellationToken);
    }

    /// <summary>
    /// Where a registry name is declared: the name argument, the alias item, or (for a name taken
    /// from the class) the attribute. <paramref name="aliasIndex"/> is -1 for the name itself.
    /// </summary>
    public static Location RegistryName(ComponentInspection component, int aliasIndex, CancellationToken cancellationToken) =>
        aliasIndex >= 0 ? NamedArrayItem(component.Registration, "Aliases", aliasIndex, cancellationToken)
        : component.HasExplicitName ? PositionalArgument(component.Registration, 0, cancellationToken)
        : Attribute(component.Registration, cancellationToken);
}
