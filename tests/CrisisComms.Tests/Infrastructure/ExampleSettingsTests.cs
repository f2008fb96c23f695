using CrisisComms.Web.Infrastructure.Options;
using Microsoft.Extensions.Configuration;

namespace CrisisComms.Tests.Infrastructure;

/// <summary>appsettings.example.json is the documentation of every setting: it must stay complete and valid.</summary>
public sealed class ExampleSettingsTests
{
    private static readonly IConfiguration Example = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.example.json"), optional: false)
        .Build();

    public static TheoryData<Type> OptionTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var t in typeof(ISelfValidatingOptions).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISelfValidatingOptions).IsAssignableFrom(t)))
            data.Add(t);
        return data;
    }

    [Theory]
    [MemberData(nameof(OptionTypes))]
    public void Every_options_section_is_in_the_example_and_its_values_are_valid(Type type)
    {
        var section = (string)type.GetProperty(nameof(ISelfValidatingOptions.Section))!.GetValue(null)!;
        Assert.True(Example.GetSection(section).Exists(), $"appsettings.example.json lacks the \"{section}\" section");

        var options = (ISelfValidatingOptions)Example.GetSection(section).Get(type)!;
        Assert.Empty(options.Validate());
        foreach (var property in type.GetProperties().Where(p => p.CanWrite))
            Assert.True(Example.GetSection($"{section}:{property.Name}").Exists(), $"appsettings.example.json lacks {section}:{property.Name}");
    }
}
