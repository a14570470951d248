using System.Reflection;

namespace SpotifyWorker.Pipeline.Tests.Deploy;

/// <summary>
/// The configuration keys the worker binds, found by reflection: every class with a <c>public const string
/// Section</c> contributes <c>Section:Property</c> for each bindable property (nested classes recursively),
/// written the way an environment variable names it (<c>Pipeline__Health__HeartbeatFile</c>).
/// </summary>
internal static class OptionKeys
{
    public static IReadOnlySet<string> EnvironmentNames(Assembly assembly)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (section, type) in Sections(assembly)) AddProperties(names, section, type, depth: 0);
        return names;
    }

    public static IEnumerable<(string Section, Type Type)> Sections(Assembly assembly) =>
        from type in assembly.GetTypes()
        let field = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)
        where field is { IsLiteral: true } && field.FieldType == typeof(string)
        select ((string)field.GetRawConstantValue()!, type);

    private static void AddProperties(HashSet<string> names, string prefix, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            if (IsValue(property.PropertyType))
            {
                // The binder sets values through public setters only.
                if (property.SetMethod is { IsPublic: true }) names.Add(key.Replace(":", "__", StringComparison.Ordinal));
            }
            else if (depth < 4 && property.PropertyType.IsClass)
            {
                // A nested options object (e.g. retry settings) is bound into, set or not.
                AddProperties(names, key, property.PropertyType, depth + 1);
            }
        }
    }

    private static bool IsValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset)
            || underlying == typeof(Uri) || underlying == typeof(Guid) || underlying.IsArray
            || (underlying.IsGenericType && underlying.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)));
    }
}
