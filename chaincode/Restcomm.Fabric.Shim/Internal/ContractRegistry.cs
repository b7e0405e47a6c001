using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Fabric.Shim.Internal;

/// <summary>The contracts of a <see cref="ContractChaincode"/>: routing, argument binding, hooks and metadata.</summary>
internal sealed class ContractRegistry
{
    private readonly Dictionary<string, ContractDescriptor> _contracts = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions _json;

    public ContractRegistry(ContractChaincodeOptions options, IReadOnlyList<object> contracts)
    {
        if (contracts.Count == 0)
        {
            throw new ArgumentException("a contract chaincode needs at least one contract", nameof(contracts));
        }

        _json = options.JsonSerializerOptions;
        string? defaultName = null;
        foreach (var instance in contracts)
        {
            var descriptor = new ContractDescriptor(instance);
            if (descriptor.Name == ContractChaincode.SystemContractName)
            {
                throw new ArgumentException($"the contract name '{ContractChaincode.SystemContractName}' is reserved", nameof(contracts));
            }

            if (!_contracts.TryAdd(descriptor.Name, descriptor))
            {
                throw new ArgumentException($"two contracts are named '{descriptor.Name}'", nameof(contracts));
            }

            if (descriptor.IsDefault)
            {
                if (defaultName is not null && _contracts[defaultName].IsDefault)
                {
                    throw new ArgumentException($"both '{defaultName}' and '{descriptor.Name}' are marked default", nameof(contracts));
                }

                defaultName = descriptor.Name;
            }

            defaultName ??= descriptor.Name;
        }

        DefaultContractName = defaultName!;
        MetadataJson = ContractMetadata.Build(options, _contracts.Values, DefaultContractName, _json);
        _metadataBytes = Encoding.UTF8.GetBytes(MetadataJson);
    }

    private readonly byte[] _metadataBytes;

    public string DefaultContractName { get; }

    public IReadOnlyCollection<string> ContractNames => _contracts.Keys;

    public string MetadataJson { get; }

    public async Task<ChaincodeResponse> InvokeAsync(IChaincodeStub stub, CancellationToken cancellationToken)
    {
        var qualified = stub.FunctionName;
        if (qualified.Length == 0)
        {
            return ChaincodeResponse.Error(
                $"no function name given; contract '{DefaultContractName}' has: {string.Join(", ", _contracts[DefaultContractName].TransactionNames)}",
                ChaincodeResponse.BadRequest);
        }

        var colon = qualified.LastIndexOf(':');
        var contractName = colon < 0 ? DefaultContractName : qualified[..colon];
        var functionName = colon < 0 ? qualified : qualified[(colon + 1)..];
        if (contractName.Length == 0)
        {
            contractName = DefaultContractName;
        }

        if (contractName == ContractChaincode.SystemContractName)
        {
            return functionName == "GetMetadata"
                ? ChaincodeResponse.Success(_metadataBytes)
                : ChaincodeResponse.Error($"function '{functionName}' does not exist in contract '{contractName}'; it has: GetMetadata", ChaincodeResponse.BadRequest);
        }

        if (!_contracts.TryGetValue(contractName, out var contract))
        {
            return ChaincodeResponse.Error(
                $"contract '{contractName}' does not exist; contracts: {string.Join(", ", _contracts.Keys)}",
                ChaincodeResponse.BadRequest);
        }

        var hooks = contract.Instance as ContractBase;
        TransactionContext? context = null;
        try
        {
            context = hooks?.CreateContext(stub) ?? new TransactionContext(stub);
            context.ContractName = contractName;
            context.FunctionName = functionName;
            context.CancellationToken = cancellationToken;

            if (!contract.Transactions.TryGetValue(functionName, out var transaction))
            {
                if (hooks is not null)
                {
                    return await hooks.UnknownTransactionAsync(context, contract.TransactionNames).ConfigureAwait(false);
                }

                return ChaincodeResponse.Error(
                    $"function '{functionName}' does not exist in contract '{contractName}'; it has: {string.Join(", ", contract.TransactionNames)}",
                    ChaincodeResponse.BadRequest);
            }

            var arguments = transaction.Bind(context, stub.Args, _json, cancellationToken);
            if (hooks is not null)
            {
                await hooks.BeforeTransactionAsync(context).ConfigureAwait(false);
            }

            var result = await transaction.InvokeAsync(contract.Instance, arguments).ConfigureAwait(false);
            if (hooks is not null)
            {
                await hooks.AfterTransactionAsync(context, result).ConfigureAwait(false);
            }

            return result switch
            {
                ChaincodeResponse response => response,
                null => ChaincodeResponse.Success(),
                string text => ChaincodeResponse.Success(Encoding.UTF8.GetBytes(text)),
                byte[] bytes => ChaincodeResponse.Success(bytes),
                ReadOnlyMemory<byte> memory => ChaincodeResponse.Success(memory),
                _ => ChaincodeResponse.Success(JsonSerializer.SerializeToUtf8Bytes(result, result.GetType(), _json)),
            };
        }
        catch (ChaincodeException e)
        {
            return new ChaincodeResponse(e.Status, e.ResponseMessage, e.Payload);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return ChaincodeResponse.Error(e.Message);
        }
    }
}

internal sealed class ContractDescriptor
{
    public ContractDescriptor(object instance)
    {
        Instance = instance;
        var type = instance.GetType();
        var attribute = type.GetCustomAttribute<ContractAttribute>();
        Name = string.IsNullOrWhiteSpace(attribute?.Name) ? type.Name : attribute.Name;
        if (Name.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"contract name '{Name}' must not contain ':'");
        }

        IsDefault = attribute?.IsDefault ?? false;
        Title = attribute?.Title ?? string.Empty;
        Version = attribute?.Version ?? string.Empty;
        Description = attribute?.Description;

        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            var transaction = TransactionDescriptor.TryCreate(method);
            if (transaction is null)
            {
                continue;
            }

            if (!Transactions.TryAdd(transaction.Name, transaction))
            {
                throw new ArgumentException($"contract '{Name}' has two transactions named '{transaction.Name}'");
            }
        }

        TransactionNames = [.. Transactions.Keys.Order(StringComparer.Ordinal)];
    }

    public object Instance { get; }

    public string Name { get; }

    public bool IsDefault { get; }

    public string Title { get; }

    public string Version { get; }

    public string? Description { get; }

    public Dictionary<string, TransactionDescriptor> Transactions { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> TransactionNames { get; }
}

internal sealed class TransactionDescriptor
{
    private readonly MethodInfo _method;
    private readonly bool _takesContext;
    private readonly bool _takesCancellation;
    private readonly PropertyInfo? _taskResult;
    private readonly MethodInfo? _valueTaskAsTask;

    private TransactionDescriptor(MethodInfo method, string name, bool submit, string? description)
    {
        _method = method;
        Name = name;
        IsSubmit = submit;
        Description = description;
        var parameters = method.GetParameters();
        _takesContext = parameters.Length > 0 && typeof(TransactionContext).IsAssignableFrom(parameters[0].ParameterType);
        _takesCancellation = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        Parameters = parameters[(_takesContext ? 1 : 0)..(parameters.Length - (_takesCancellation ? 1 : 0))];

        var returnType = method.ReturnType;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            _taskResult = returnType.GetProperty(nameof(Task<object>.Result));
            ResultType = returnType.GetGenericArguments()[0];
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            _valueTaskAsTask = returnType.GetMethod(nameof(ValueTask<object>.AsTask));
            _taskResult = typeof(Task<>).MakeGenericType(returnType.GetGenericArguments()[0]).GetProperty(nameof(Task<object>.Result));
            ResultType = returnType.GetGenericArguments()[0];
        }
        else if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            ResultType = null;
        }
        else
        {
            ResultType = returnType;
        }
    }

    public string Name { get; }

    public bool IsSubmit { get; }

    public string? Description { get; }

    public ParameterInfo[] Parameters { get; }

    public Type? ResultType { get; }

    public static TransactionDescriptor? TryCreate(MethodInfo method)
    {
        var submit = method.GetCustomAttribute<SubmitTransactionAttribute>();
        var evaluate = method.GetCustomAttribute<EvaluateTransactionAttribute>();
        if (submit is null && evaluate is null)
        {
            return null;
        }

        if (submit is not null && evaluate is not null)
        {
            throw new ArgumentException($"method '{method.Name}' is marked both submit and evaluate");
        }

        var name = submit?.Name ?? evaluate?.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = method.Name.EndsWith("Async", StringComparison.Ordinal) && method.Name.Length > 5 ? method.Name[..^5] : method.Name;
        }

        return new TransactionDescriptor(method, name, submit is not null, submit?.Description ?? evaluate?.Description);
    }

    public object?[] Bind(TransactionContext context, IReadOnlyList<byte[]> args, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var given = Math.Max(0, args.Count - 1);
        if (given != Parameters.Length)
        {
            var names = string.Join(", ", Parameters.Select(p => p.Name));
            throw ChaincodeException.InvalidArgument($"{Name} expects {Parameters.Length} argument(s) ({names}) but got {given}");
        }

        var values = new object?[Parameters.Length + (_takesContext ? 1 : 0) + (_takesCancellation ? 1 : 0)];
        var index = 0;
        if (_takesContext)
        {
            if (!_method.GetParameters()[0].ParameterType.IsInstanceOfType(context))
            {
                throw new InvalidOperationException($"{Name} takes a {_method.GetParameters()[0].ParameterType.Name} but the contract created a {context.GetType().Name}");
            }

            values[index++] = context;
        }

        for (var i = 0; i < Parameters.Length; i++)
        {
            values[index++] = ParseArgument(Parameters[i], args[i + 1], json);
        }

        if (_takesCancellation)
        {
            values[index] = cancellationToken;
        }

        return values;
    }

    private object? ParseArgument(ParameterInfo parameter, byte[] raw, JsonSerializerOptions json)
    {
        var type = parameter.ParameterType;
        if (type == typeof(string))
        {
            return Encoding.UTF8.GetString(raw);
        }

        if (type == typeof(byte[]))
        {
            return raw;
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>(raw);
        }

        try
        {
            // Values JSON writes as strings (enums, dates, GUIDs) may come bare, as clients pass plain text arguments.
            if (IsStringLike(type) && (raw.Length == 0 || raw[0] != (byte)'"'))
            {
                raw = JsonSerializer.SerializeToUtf8Bytes(Encoding.UTF8.GetString(raw));
            }

            var value = JsonSerializer.Deserialize(raw, type, json);
            if (value is null && !AcceptsNull(parameter))
            {
                throw new JsonException("null is not allowed");
            }

            return value;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            // A converter may refuse a value with a FormatException (e.g. a malformed identifier inside the JSON):
            // bad input all the same, refused as such rather than as a chaincode failure.
            var shown = raw.Length > 64 ? Encoding.UTF8.GetString(raw, 0, 64) + "…" : Encoding.UTF8.GetString(raw);
            throw ChaincodeException.InvalidArgument(
                $"argument '{parameter.Name}' of {Name} is not a valid {ContractMetadata.DescribeType(type)}: '{shown}' ({e.Message})");
        }
    }

    /// <summary>Null binds only to a nullable value type or a parameter declared nullable (<c>T?</c>).</summary>
    private static bool AcceptsNull(ParameterInfo parameter)
    {
        if (parameter.ParameterType.IsValueType)
        {
            return Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
        }

        return new NullabilityInfoContext().Create(parameter).WriteState != NullabilityState.NotNull;
    }

    private static bool IsStringLike(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) ||
            type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan);
    }

    public async Task<object?> InvokeAsync(object instance, object?[] arguments)
    {
        object? returned;
        try
        {
            returned = _method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        switch (returned)
        {
            case null:
                return null;
            case Task task:
                await task.ConfigureAwait(false);
                return _taskResult?.GetValue(task);
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            default:
                if (_valueTaskAsTask is not null)
                {
                    var asTask = (Task)_valueTaskAsTask.Invoke(returned, null)!;
                    await asTask.ConfigureAwait(false);
                    return _taskResult!.GetValue(asTask);
                }

                return returned;
        }
    }
}

/// <summary>Builds the <c>org.hyperledger.fabric:GetMetadata</c> document in the shape Fabric's contract APIs use.</summary>
internal static class ContractMetadata
{
    public const string Schema = "https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json";

    public static string Build(ContractChaincodeOptions options, IEnumerable<ContractDescriptor> contracts, string defaultName, JsonSerializerOptions json)
    {
        var components = new JsonObject();
        var contractsNode = new JsonObject();
        foreach (var contract in contracts)
        {
            var transactions = new JsonArray();
            foreach (var name in contract.TransactionNames)
            {
                var transaction = contract.Transactions[name];
                var node = new JsonObject
                {
                    ["name"] = transaction.Name,
                    ["tag"] = transaction.IsSubmit ? new JsonArray("SUBMIT", "submitTx") : new JsonArray("EVALUATE"),
                };
                if (transaction.Description is not null)
                {
                    node["description"] = transaction.Description;
                }

                var parameters = new JsonArray();
                foreach (var parameter in transaction.Parameters)
                {
                    parameters.Add(new JsonObject
                    {
                        ["name"] = parameter.Name,
                        ["schema"] = SchemaFor(parameter.ParameterType, components, json),
                    });
                }

                node["parameters"] = parameters;
                if (transaction.ResultType is { } resultType && resultType != typeof(ChaincodeResponse))
                {
                    node["returns"] = SchemaFor(resultType, components, json);
                }

                transactions.Add(node);
            }

            var info = new JsonObject { ["title"] = contract.Title, ["version"] = contract.Version };
            if (contract.Description is not null)
            {
                info["description"] = contract.Description;
            }

            contractsNode[contract.Name] = new JsonObject
            {
                ["name"] = contract.Name,
                ["info"] = info,
                ["transactions"] = transactions,
                ["default"] = contract.Name == defaultName,
            };
        }

        contractsNode[ContractChaincode.SystemContractName] = new JsonObject
        {
            ["name"] = ContractChaincode.SystemContractName,
            ["info"] = new JsonObject { ["title"] = string.Empty, ["version"] = string.Empty },
            ["transactions"] = new JsonArray(new JsonObject { ["name"] = "GetMetadata", ["tag"] = new JsonArray("EVALUATE") }),
            ["default"] = false,
        };

        var document = new JsonObject
        {
            ["$schema"] = Schema,
            ["info"] = new JsonObject { ["title"] = options.Title, ["version"] = options.Version },
            ["contracts"] = contractsNode,
            ["components"] = new JsonObject { ["schemas"] = components },
        };
        return document.ToJsonString();
    }

    public static string DescribeType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "boolean",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => "integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "number",
            TypeCode.String => "string",
            _ when type.IsEnum => "enum value",
            _ when typeof(IEnumerable).IsAssignableFrom(type) => "JSON array",
            _ => $"JSON {type.Name}",
        };
    }

    private static JsonNode SchemaFor(Type type, JsonObject components, JsonSerializerOptions json)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (underlying == typeof(byte[]) || underlying == typeof(ReadOnlyMemory<byte>))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }

        if (underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (!underlying.IsEnum && underlying.GetCustomAttribute<System.Text.Json.Serialization.JsonConverterAttribute>() is not null)
        {
            // The type's own converter decides its JSON; a formattable value (an identifier, a code) travels as text.
            return typeof(IFormattable).IsAssignableFrom(underlying) ? new JsonObject { ["type"] = "string" } : new JsonObject();
        }

        if (underlying.IsEnum)
        {
            var values = new JsonArray();
            foreach (var enumName in Enum.GetNames(underlying))
            {
                values.Add(enumName);
            }

            return new JsonObject { ["type"] = "string", ["enum"] = values };
        }

        switch (Type.GetTypeCode(underlying))
        {
            case TypeCode.Boolean:
                return new JsonObject { ["type"] = "boolean" };
            case TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32:
                return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
            case TypeCode.Int64 or TypeCode.UInt64:
                return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
            case TypeCode.Single or TypeCode.Double or TypeCode.Decimal:
                return new JsonObject { ["type"] = "number" };
        }

        if (underlying != typeof(string) && underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = SchemaFor(underlying.GetGenericArguments()[1], components, json) };
        }

        var element = underlying.IsArray
            ? underlying.GetElementType()
            : underlying.GetInterfaces().Append(underlying)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (element is not null)
        {
            return new JsonObject { ["type"] = "array", ["items"] = SchemaFor(element, components, json) };
        }

        var name = underlying.Name;
        if (!components.ContainsKey(name))
        {
            var properties = new JsonObject();
            var required = new JsonArray();
            var schema = new JsonObject { ["$id"] = name, ["type"] = "object", ["properties"] = properties };
            components[name] = schema; // registered before recursing, so self-references terminate
            foreach (var property in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            {
                var propertyName = json.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;
                properties[propertyName] = SchemaFor(property.PropertyType, components, json);
                if (property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
                {
                    required.Add(propertyName);
                }
            }

            schema["required"] = required;
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }
}
