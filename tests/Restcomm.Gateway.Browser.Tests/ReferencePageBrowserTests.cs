using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Restcomm.Tests.Shared;

namespace Restcomm.Gateway.Browser.Tests;

/// <summary>
/// Loads <c>/docs</c> of the real API host (on a 127.0.0.1 port) in headless Chromium and checks that it shows every
/// operation of the OpenAPI document with its parameters, request body and response schemas. The screenshot is kept in
/// the test output folder (<c>screenshots/docs.png</c>).
/// </summary>
public sealed class ReferencePageBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];
    private readonly ApiHost _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [SkippableFact]
    public async Task Docs_in_chromium_lists_every_operation_of_the_openapi_document_with_its_schemas()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        var address = _api.Start();
        using var http = new HttpClient { BaseAddress = address, Timeout = Timeout };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(Timeout));
        var operations = Operations(document.RootElement).ToList();

        using var playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
        await using var browser = await HeadlessChromium.LaunchAsync(playwright, Timeout);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } }).WaitAsync(Timeout);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(address, "/docs").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle }).WaitAsync(Timeout);
        await page.WaitForSelectorAsync("div.op", new PageWaitForSelectorOptions { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        var rendered = await RenderedOperationsAsync(page);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "docs.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = false }).WaitAsync(Timeout);

        Assert.Empty(errors);
        Assert.True(operations.Count >= 30, $"the document lists {operations.Count} operations");
        Assert.Equal(operations.Count, rendered.Count);
        foreach (var operation in operations)
        {
            Assert.True(rendered.TryGetValue(operation.Id, out var box), $"{operation.Method} {operation.Path} is not on the page");
            Assert.Contains(operation.Method.ToUpperInvariant(), box.Heading, StringComparison.Ordinal);
            Assert.Contains(operation.Path, box.Heading, StringComparison.Ordinal);
            Assert.Equal(operation.Parameters, box.Parameters);
            Assert.Equal(operation.HasBody, box.Body is not null);
            Assert.Equal(operation.ResponseStatuses.Order(StringComparer.Ordinal), box.ResponseStatuses.Order(StringComparer.Ordinal));
            foreach (var (status, fields) in operation.ResponseFields)
            {
                var shown = box.ResponseSchemas.GetValueOrDefault(status) ?? "";
                Assert.False(string.IsNullOrWhiteSpace(shown), $"{operation.Id} {status}: no schema shown");
                Assert.DoesNotContain(": any", shown, StringComparison.Ordinal);
                Assert.All(fields, field => Assert.Contains(field + ":", shown, StringComparison.Ordinal));
            }

            foreach (var field in operation.BodyFields)
            {
                Assert.Contains(field + ":", box.Body!, StringComparison.Ordinal);
            }
        }

        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }

    /// <summary>What the page shows for each operation box, by its id.</summary>
    private static async Task<Dictionary<string, RenderedOperation>> RenderedOperationsAsync(IPage page)
    {
        var boxes = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('div.op')].map(box => {
              const tables = box.querySelectorAll('table');
              const responses = tables[tables.length - 1];
              const parameters = tables.length > 1 ? [...tables[0].querySelectorAll('tbody tr')].map(r => r.cells[0].textContent) : [];
              const body = [...box.querySelectorAll(':scope > p')].find(p => p.textContent === 'Request body:');
              return {
                id: box.id,
                heading: box.querySelector('h3').textContent,
                parameters,
                body: body ? body.nextElementSibling.textContent : null,
                responses: [...responses.querySelectorAll('tbody tr')].map(r => ({ status: r.cells[0].textContent, schema: r.cells[2].textContent })),
              };
            })
            """).WaitAsync(Timeout);
        var result = new Dictionary<string, RenderedOperation>(StringComparer.Ordinal);
        foreach (var box in boxes.EnumerateArray())
        {
            var responses = box.GetProperty("responses").EnumerateArray().ToList();
            result[box.GetProperty("id").GetString()!] = new RenderedOperation(
                box.GetProperty("heading").GetString()!,
                [.. box.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()!)],
                box.GetProperty("body").ValueKind == JsonValueKind.Null ? null : box.GetProperty("body").GetString(),
                [.. responses.Select(r => r.GetProperty("status").GetString()!)],
                responses.ToDictionary(r => r.GetProperty("status").GetString()!, r => r.GetProperty("schema").GetString()!));
        }

        return result;
    }

    /// <summary>Every operation of the document with what its box must show.</summary>
    private static IEnumerable<DocumentedOperation> Operations(JsonElement document)
    {
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods)
            {
                if (!path.Value.TryGetProperty(method, out var operation))
                {
                    continue;
                }

                var id = operation.TryGetProperty("operationId", out var named) ? named.GetString()! : method + path.Name;
                List<string> parameters = operation.TryGetProperty("parameters", out var list) ? [.. list.EnumerateArray().Select(p => p.GetProperty("name").GetString()!)] : [];
                var body = operation.TryGetProperty("requestBody", out var requestBody) ? FirstSchema(requestBody) : null;
                var responses = operation.GetProperty("responses").EnumerateObject().ToList();
                var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var response in responses)
                {
                    if (FirstSchema(response.Value) is { } schema)
                    {
                        fields[response.Name] = TopLevelFields(schema, schemas);
                    }
                }

                yield return new DocumentedOperation(id, method, path.Name, parameters, requestBody.ValueKind == JsonValueKind.Object,
                    body is { } b ? TopLevelFields(b, schemas) : [], [.. responses.Select(r => r.Name)], fields);
            }
        }
    }

    private static JsonElement? FirstSchema(JsonElement withContent)
    {
        if (!withContent.TryGetProperty("content", out var content))
        {
            return null;
        }

        var media = content.TryGetProperty("application/json", out var json) ? json : content.EnumerateObject().Select(m => m.Value).FirstOrDefault();
        return media.ValueKind == JsonValueKind.Object && media.TryGetProperty("schema", out var schema) ? schema : null;
    }

    /// <summary>The property names of an object schema (through a reference), which the page writes as "name:".</summary>
    private static List<string> TopLevelFields(JsonElement schema, JsonElement schemas)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        return schema.TryGetProperty("properties", out var properties) ? [.. properties.EnumerateObject().Select(p => p.Name)] : [];
    }

    private sealed record DocumentedOperation(
        string Id, string Method, string Path, IReadOnlyList<string> Parameters, bool HasBody, IReadOnlyList<string> BodyFields,
        IReadOnlyList<string> ResponseStatuses, IReadOnlyDictionary<string, IReadOnlyList<string>> ResponseFields);

    private sealed record RenderedOperation(
        string Heading, IReadOnlyList<string> Parameters, string? Body, IReadOnlyList<string> ResponseStatuses, IReadOnlyDictionary<string, string> ResponseSchemas);

    /// <summary>The real API host on a free 127.0.0.1 port, on a SQLite store in its own directory, without a Fabric network.</summary>
    private sealed class ApiHost : WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory = Directory.CreateTempSubdirectory("browser-tests-").FullName;

        public Uri Start()
        {
            UseKestrel(0);
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Gateway:DataDirectory", _dataDirectory);
            builder.UseSetting("Gateway:LogFormat", "text");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Fabric:NetworkFile", Path.Combine(_dataDirectory, "no-network.json"));
        }
    }
}
