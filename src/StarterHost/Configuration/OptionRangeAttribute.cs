using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace StarterHost.Configuration;

/// <summary>A range check whose message names the configuration key, the command-line option and the value.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OptionRangeAttribute(double minimum, double maximum, string option) : ValidationAttribute
{
    public double Minimum => minimum;

    public double Maximum => maximum;

    /// <summary>The command-line option, without its dashes.</summary>
    public string Option => option;

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
        return new ValidationResult(OutOfRange(validationContext.MemberName!, Convert.ToString(value, CultureInfo.InvariantCulture)!, $"--{option}"));
    }

    /// <summary>"Starter:Backlog=-1 (--backlog) is out of range: expected 1 to 2147483647", the value as given.</summary>
    public string OutOfRange(string setting, string given, string source) =>
        $"{StarterOptions.SectionName}:{setting}={given} ({source}) is out of range: expected {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The range declared on a setting of <see cref="StarterOptions"/>, with the setting's name, or null.</summary>
    public static (string Setting, OptionRangeAttribute Range)? Of(Func<PropertyInfo, OptionRangeAttribute, bool> match)
    {
        foreach (var property in typeof(StarterOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<OptionRangeAttribute>() is { } range && match(property, range))
                return (property.Name, range);
        }
        return null;
    }
}
