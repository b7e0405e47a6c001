using Microsoft.AspNetCore.Diagnostics;
using Restcomm.Gateway.Api.Fabric;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Turns exceptions that reach the pipeline into problem documents: bad input becomes a 4xx with what
/// was wrong, ledger failures their own types, anything else a 500 without internals.
/// </summary>
internal static partial class ExceptionMapping
{
    public static async Task HandleAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Restcomm.Gateway.Api.Errors");
        switch (exception)
        {
            case BadHttpRequestException bad:
                var type = bad.StatusCode switch
                {
                    413 => ProblemTypes.PayloadTooLarge,
                    415 => ProblemTypes.UnsupportedMediaType,
                    _ => ProblemTypes.MalformedRequest,
                };
                await Problems.WriteAsync(context, type, Describe(bad)).ConfigureAwait(false);
                break;
            case LedgerException ledger:
                // Endpoints answer ledger failures in their filter; this catches one raised outside an endpoint.
                LedgerProblemExtensions.LogLedgerFailure(logger, ledger.Failure, ledger.Code, ledger.TransactionId);
                var types = context.GetEndpoint()?.Metadata.GetMetadata<LedgerProblemTypes>() ?? LedgerProblemTypes.Chaincode;
                await types.ToProblem(ledger).ExecuteAsync(context).ConfigureAwait(false);
                break;
            default:
                // The type and stack say where it failed; the message is left out because it may
                // quote request data (an IMSI, a number) and the logs must not carry personal data.
                LogUnhandled(logger, exception?.GetType().FullName ?? "unknown", exception?.StackTrace);
                await Problems.WriteAsync(context, ProblemTypes.Internal, "The request failed on the server; the trace ID identifies it in the logs.").ConfigureAwait(false);
                break;
        }
    }

    private static string Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is not System.Text.Json.JsonException json)
        {
            // The framework's message names the parameter (a query value, a missing body).
            return bad.Message;
        }

        // Say where the body is wrong in the caller's terms; the framework's and the serializer's conversion messages
        // name .NET types. A syntax error's reader message names only the character and position.
        var at = json.Path is { Length: > 0 } path ? $" at {path}" : "";
        if (json is ControlCharacterException)
        {
            return $"The body has a control character{at}: {json.Message.Split(" Path:", 2)[0]}";
        }

        return json.InnerException is System.Text.Json.JsonException reader
            ? $"The body is not valid JSON{at}: {reader.Message}"
            : $"The body is JSON, but a value{at} has the wrong type or shape for this operation; see its schema in /openapi/v1.json.";
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while serving a request: {StackTrace}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string? stackTrace);
}
