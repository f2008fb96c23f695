using Microsoft.Extensions.Options;

namespace CrisisComms.Web.Infrastructure.Options;

/// <summary>An options class that checks itself and names the full configuration key of every bad value.</summary>
public interface ISelfValidatingOptions
{
    /// <summary>The configuration section this class binds to, e.g. "Storage".</summary>
    static abstract string Section { get; }

    /// <summary>One message per bad value, each naming its key ("Storage:DataDirectory must …").</summary>
    IEnumerable<string> Validate();
}

public static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to its section and refuses to start when a value is bad.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services)
        where T : class, ISelfValidatingOptions
    {
        services.AddSingleton<IValidateOptions<T>, SelfValidation<T>>();
        return services.AddOptions<T>().BindConfiguration(T.Section).ValidateOnStart();
    }

    private sealed class SelfValidation<T> : IValidateOptions<T> where T : class, ISelfValidatingOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
