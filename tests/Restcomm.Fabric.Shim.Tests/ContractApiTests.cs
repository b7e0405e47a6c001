using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Fabric.Shim.Tests;

public sealed class ContractApiTests
{
    public sealed record Tariff(string Service, long RateMinorUnits, int DecimalPlaces);

    public enum ListColour
    {
        White,
        Grey,
        Black,
    }

    [Contract(Name = "rates", Title = "Rates", Version = "2.1")]
    public sealed class RatesContract : ContractBase
    {
        public List<string> Calls { get; } = [];

        public override Task BeforeTransactionAsync(TransactionContext context)
        {
            Calls.Add($"before:{context.ContractName}:{context.FunctionName}");
            if (context.FunctionName == "Refused")
            {
                throw new ChaincodeException("refused by the before hook", 403);
            }

            return Task.CompletedTask;
        }

        public override Task AfterTransactionAsync(TransactionContext context, object? result)
        {
            Calls.Add($"after:{context.FunctionName}:{result}");
            return Task.CompletedTask;
        }

        [SubmitTransaction(Description = "Sets a tariff")]
        public Tariff SetTariff(TransactionContext ctx, Tariff tariff, int version)
        {
            Calls.Add($"run:{tariff.Service}:{version}");
            return tariff with { RateMinorUnits = tariff.RateMinorUnits * version };
        }

        [EvaluateTransaction(Name = "Sum")]
        public async Task<long> AddAsync(long a, long b, CancellationToken cancellationToken)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            return a + b;
        }

        [EvaluateTransaction]
        public string Refused() => "never";

        [EvaluateTransaction]
        public byte[] Raw() => [1, 2, 3];

        [SubmitTransaction]
        public ValueTask<string> Echo(string text) => ValueTask.FromResult(text);

        [EvaluateTransaction]
        public List<Tariff> All() => [new("voice", 10, 2)];

        [EvaluateTransaction]
        public string Describe(ListColour colour, DateTimeOffset since) => $"{colour}@{since.ToUnixTimeSeconds()}";

        [EvaluateTransaction]
        public ListColour Colour() => ListColour.Grey;

        public string NotATransaction() => "hidden";
    }

    [Contract(Name = "plain")]
    public sealed class PlainContract
    {
        [SubmitTransaction]
        public void Nothing()
        {
        }

        [EvaluateTransaction]
        public ChaincodeResponse Custom() => new(299, "custom", "x"u8.ToArray());
    }

    public sealed class CustomUnknownContract : ContractBase
    {
        [EvaluateTransaction]
        public string Known() => "known";

        public override Task<ChaincodeResponse> UnknownTransactionAsync(TransactionContext context, IReadOnlyList<string> knownFunctions) =>
            Task.FromResult(ChaincodeResponse.Success(Encoding.UTF8.GetBytes($"fallback for {context.FunctionName}")));
    }

    private static string Text(ChaincodeResponse response) => Encoding.UTF8.GetString(response.Payload.Span);

    private readonly RatesContract _rates = new();
    private readonly InMemoryChaincodeStub _stub = new();

    private ContractChaincode Chaincode() => new(new ContractChaincodeOptions { Title = "rates-cc", Version = "9" }, _rates, new PlainContract(), new CustomUnknownContract());

    [Fact]
    public async Task An_unqualified_function_goes_to_the_default_contract()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "Sum", "2", "40");

        Assert.Equal((200, "42"), (response.Status, Text(response)));
    }

    [Fact]
    public async Task A_qualified_function_goes_to_the_named_contract()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "plain:Custom");

        Assert.Equal((299, "custom", "x"), (response.Status, response.Message, Text(response)));
    }

    [Fact]
    public async Task The_contract_marked_default_wins_over_the_first_one()
    {
        var chaincode = new ContractChaincode(new PlainContract(), new DefaultMarked());

        Assert.Equal("marked", chaincode.DefaultContractName);
        Assert.Equal("yes", Text(await _stub.InvokeAsync(chaincode, "Which")));
    }

    [Contract(Name = "marked", IsDefault = true)]
    public sealed class DefaultMarked
    {
        [EvaluateTransaction]
        public string Which() => "yes";
    }

    [Fact]
    public async Task Json_arguments_are_parsed_into_their_parameter_types_and_results_written_as_json()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "rates:SetTariff", """{"service":"sms","rateMinorUnits":7,"decimalPlaces":3}""", "3");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"service":"sms","rateMinorUnits":21,"decimalPlaces":3}""", Text(response));
    }

    [Fact]
    public async Task Strings_and_bytes_are_returned_raw_and_void_returns_an_empty_payload()
    {
        var chaincode = Chaincode();

        Assert.Equal("héllo", Text(await _stub.InvokeAsync(chaincode, "rates:Echo", "héllo")));
        Assert.Equal([1, 2, 3], (await _stub.InvokeAsync(chaincode, "rates:Raw")).Payload.ToArray());
        var nothing = await _stub.InvokeAsync(chaincode, "plain:Nothing");
        Assert.Equal((200, 0), (nothing.Status, nothing.Payload.Length));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_the_argument_and_the_transaction()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "rates:SetTariff", "{not json", "1");

        Assert.Equal(400, response.Status);
        Assert.Equal("invalid-argument", Restcomm.Fabric.Ledger.ChaincodeError.FromResponse(response.Status, response.Message).Code);
        Assert.Contains("'tariff'", response.Message, StringComparison.Ordinal);
        Assert.Contains("SetTariff", response.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("run:", string.Join(";", _rates.Calls), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_that_is_not_a_number_is_a_400_saying_an_integer_was_expected()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "Sum", "2", "forty");

        Assert.Equal(400, response.Status);
        Assert.Contains("'b'", response.Message, StringComparison.Ordinal);
        Assert.Contains("integer", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_number_of_arguments_is_a_400_listing_the_parameters()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "Sum", "2");

        Assert.Equal(400, response.Status);
        Assert.Contains("expects 2 argument(s) (a, b) but got 1", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_function_is_a_400_listing_the_contracts_functions()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "rates:Delete");

        Assert.Equal(400, response.Status);
        Assert.Equal("function 'Delete' does not exist in contract 'rates'; it has: All, Colour, Describe, Echo, Raw, Refused, SetTariff, Sum", response.Message);
    }

    [Fact]
    public async Task An_unknown_contract_is_a_400_listing_the_contracts()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "billing:Run");

        Assert.Equal(400, response.Status);
        Assert.Contains("contract 'billing' does not exist", response.Message, StringComparison.Ordinal);
        Assert.Contains("rates, plain, CustomUnknownContract", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Methods_without_a_transaction_attribute_cannot_be_called()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "NotATransaction");

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task The_unknown_transaction_hook_can_answer_instead()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "CustomUnknownContract:Whatever");

        Assert.Equal((200, "fallback for Whatever"), (response.Status, Text(response)));
    }

    [Fact]
    public async Task Before_and_after_hooks_run_around_the_transaction_in_order()
    {
        await _stub.InvokeAsync(Chaincode(), "rates:SetTariff", """{"service":"data","rateMinorUnits":1,"decimalPlaces":0}""", "2");

        Assert.Equal(3, _rates.Calls.Count);
        Assert.Equal("before:rates:SetTariff", _rates.Calls[0]);
        Assert.Equal("run:data:2", _rates.Calls[1]);
        Assert.StartsWith("after:SetTariff:Tariff { Service = data, RateMinorUnits = 2", _rates.Calls[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_before_hook_that_throws_stops_the_transaction_with_its_status()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "rates:Refused");

        Assert.Equal((403, "refused by the before hook"), (response.Status, response.Message));
        Assert.Equal(["before:rates:Refused"], _rates.Calls);
    }

    [Fact]
    public async Task An_empty_function_name_is_a_400()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "");

        Assert.Equal(400, response.Status);
        Assert.Contains("no function name", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_metadata_describes_contracts_transactions_parameters_and_types()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "org.hyperledger.fabric:GetMetadata");

        using var document = JsonDocument.Parse(response.Payload);
        var root = document.RootElement;
        Assert.Equal("https://hyperledger.github.io/fabric-chaincode-node/main/api/contract-schema.json", root.GetProperty("$schema").GetString());
        Assert.Equal("rates-cc", root.GetProperty("info").GetProperty("title").GetString());
        var rates = root.GetProperty("contracts").GetProperty("rates");
        Assert.True(rates.GetProperty("default").GetBoolean());
        Assert.False(root.GetProperty("contracts").GetProperty("plain").GetProperty("default").GetBoolean());
        Assert.Equal("2.1", rates.GetProperty("info").GetProperty("version").GetString());

        var transactions = rates.GetProperty("transactions").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["All", "Colour", "Describe", "Echo", "Raw", "Refused", "SetTariff", "Sum"], transactions.Keys.Order(StringComparer.Ordinal));
        var setTariff = transactions["SetTariff"];
        Assert.Equal(["SUBMIT", "submitTx"], setTariff.GetProperty("tag").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Sets a tariff", setTariff.GetProperty("description").GetString());
        var parameters = setTariff.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal("tariff", parameters[0].GetProperty("name").GetString());
        Assert.Equal("#/components/schemas/Tariff", parameters[0].GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("integer", parameters[1].GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(["EVALUATE"], transactions["Sum"].GetProperty("tag").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("int64", transactions["Sum"].GetProperty("returns").GetProperty("format").GetString());
        Assert.Equal(2, transactions["Sum"].GetProperty("parameters").GetArrayLength()); // the CancellationToken is not an argument
        Assert.Equal("array", transactions["All"].GetProperty("returns").GetProperty("type").GetString());

        var system = root.GetProperty("contracts").GetProperty("org.hyperledger.fabric");
        Assert.Equal("GetMetadata", system.GetProperty("transactions")[0].GetProperty("name").GetString());
        Assert.Equal(["Black", "Grey", "White"], transactions["Describe"].GetProperty("parameters")[0].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));

        var tariff = root.GetProperty("components").GetProperty("schemas").GetProperty("Tariff");
        Assert.Equal("string", tariff.GetProperty("properties").GetProperty("service").GetProperty("type").GetString());
        Assert.Contains("rateMinorUnits", tariff.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_system_contract_names_its_only_function_when_asked_for_another()
    {
        var response = await _stub.InvokeAsync(Chaincode(), "org.hyperledger.fabric:Other");

        Assert.Equal(400, response.Status);
        Assert.Contains("GetMetadata", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_contracts_with_the_same_name_are_refused_at_construction()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContractChaincode(new PlainContract(), new PlainContract()));

        Assert.Contains("'plain'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enums_and_dates_may_be_passed_as_bare_text_or_as_json()
    {
        var chaincode = Chaincode();

        Assert.Equal("Black@1700000000", Text(await _stub.InvokeAsync(chaincode, "rates:Describe", "black", "2023-11-14T22:13:20Z")));
        Assert.Equal("Grey@1700000000", Text(await _stub.InvokeAsync(chaincode, "rates:Describe", "\"Grey\"", "\"2023-11-14T22:13:20+00:00\"")));
        Assert.Equal(400, (await _stub.InvokeAsync(chaincode, "rates:Describe", "purple", "2023-11-14T22:13:20Z")).Status);
        Assert.Equal("\"Grey\"", Text(await _stub.InvokeAsync(chaincode, "rates:Colour")));
    }
}

public sealed class ChaincodeErrorCodeTests
{
    [Fact]
    public void A_coded_exception_travels_with_its_code_status_and_the_error_document()
    {
        var e = ChaincodeException.Forbidden("only the owner may clear \"x\"");

        Assert.Equal(403, e.Status);
        Assert.Equal("forbidden", e.Code);
        var read = Restcomm.Fabric.Ledger.ChaincodeError.FromResponse(e.Status, e.ResponseMessage);
        Assert.Equal(new Restcomm.Fabric.Ledger.ChaincodeError(403, "forbidden", "only the owner may clear \"x\""), read);
    }

    [Fact]
    public void The_error_document_keeps_the_message_readable()
        => Assert.Equal("""{"code":"invalid-argument","message":"argument 'tariff' is not valid: '{x…' (\"quoted\")"}""",
            ChaincodeException.InvalidArgument("argument 'tariff' is not valid: '{x…' (\"quoted\")").ResponseMessage);

    [Fact]
    public void A_domain_code_keeps_the_status_given()
    {
        var e = new ChaincodeException("sequence-gap", "file 7 follows file 5", 409);

        Assert.Equal(409, e.Status);
        Assert.Equal("sequence-gap", Restcomm.Fabric.Ledger.ChaincodeError.FromResponse(e.Status, e.ResponseMessage).Code);
    }

    [Theory]
    [InlineData("Forbidden")]
    [InlineData("not found")]
    [InlineData("-x")]
    [InlineData("a--b")]
    [InlineData("")]
    public void A_malformed_code_is_refused(string code)
        => Assert.Throws<ArgumentException>(() => new ChaincodeException(code, "m", 400));

    [Fact]
    public void An_uncoded_exception_sends_its_message_as_it_is()
    {
        var e = new ChaincodeException("{not json", 500);

        Assert.Null(e.Code);
        Assert.Equal("{not json", e.ResponseMessage);
        Assert.Equal(new Restcomm.Fabric.Ledger.ChaincodeError(500, "internal", "{not json"), Restcomm.Fabric.Ledger.ChaincodeError.FromResponse(500, e.ResponseMessage));
    }
}
