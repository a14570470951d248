using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace SpotifyWorker.Pipeline.Orchestration;

/// <summary>
/// Validates an options class with its data annotations (and <see cref="IValidatableObject"/>) and reports
/// each failure as "<c>Section:Key = 'value'</c>: problem", so that whoever deploys the worker reads which
/// setting is wrong and what it was set to.
/// </summary>
public sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(results.Select(r => Describe(options, r)));
    }

    private string Describe(TOptions options, ValidationResult result)
    {
        var member = result.MemberNames.FirstOrDefault();
        if (member is null) return $"{section}: {result.ErrorMessage}";
        var value = typeof(TOptions).GetProperty(member)?.GetValue(options);
        var shown = value switch
        {
            null => "(empty)",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        var message = (result.ErrorMessage ?? "is invalid").Replace($"The field {member} ", "", StringComparison.Ordinal);
        return $"{section}:{member} = '{shown}': {message}";
    }
}
