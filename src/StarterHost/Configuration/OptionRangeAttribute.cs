using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace StarterHost.Configuration;

/// <summary>A range check whose message names the configuration key, the command-line option and the value.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OptionRangeAttribute(double minimum, double maximum, string option) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        double? number = value switch
        {
            null => null,
            double d => d,
            int i => i,
            _ => double.NaN,
        };
        if (number is null || (number >= minimum && number <= maximum))
            return ValidationResult.Success;
        string shown = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return new ValidationResult(
            $"{StarterOptions.SectionName}:{validationContext.MemberName}={shown} (--{option}) is out of range: expected {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}");
    }
}
