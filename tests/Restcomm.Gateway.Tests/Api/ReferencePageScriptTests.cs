using System.Diagnostics;
using System.Text.Json;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>
/// Runs the reference page's script (<c>/docs/reference.js</c>) under Node.js with a minimal DOM and the app's own
/// OpenAPI document, and checks what it puts on the page. Skips when Node.js is not installed.
/// </summary>
public sealed class ReferencePageScriptTests : ApiTestBase
{
    // A DOM just big enough for the script: elements keep their children, anything appended that is not a node
    // becomes a text node of its string form, as a browser's append() does.
    private const string Harness = """
        const fs = require('fs');
        class El { constructor(tag) { this.tag = tag; this.children = []; this.textContent = ''; }
          append(...xs) { for (const x of xs) this.children.push(x instanceof El ? x : new Text(String(x))); }
          setAttribute() {} addEventListener() {} }
        class Text extends El { constructor(t) { super('#text'); this.text = t; } }
        globalThis.Node = El;
        const byId = {};
        globalThis.document = { createElement: t => new El(t), createTextNode: t => new Text(t),
          getElementById: id => byId[id] || (byId[id] = new El('div')), querySelector: () => new El('tbody') };
        const openapi = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
        globalThis.fetch = url => Promise.resolve({ json: () => Promise.resolve(url === '/problems' ? [] : openapi) });
        eval(fs.readFileSync(process.argv[2], 'utf8'));
        setTimeout(() => console.log(JSON.stringify(byId['operations'].children.map(c => c.tag === '#text' ? 'text:' + c.text : c.tag))), 200);
        """;

    [SkippableFact]
    public async Task The_reference_script_puts_each_operation_on_the_page_as_an_element_not_as_text()
    {
        var node = FindNode();
        Skip.If(node is null, "Node.js is not installed (apt-get install nodejs); the reference script is not run.");
        var client = Factory.CreateClient();
        var directory = Directory.CreateTempSubdirectory("restcomm-docs-").FullName;
        try
        {
            var script = Path.Combine(directory, "reference.js");
            var openapi = Path.Combine(directory, "openapi.json");
            var harness = Path.Combine(directory, "harness.js");
            await File.WriteAllTextAsync(script, await client.GetStringAsync("/docs/reference.js").WaitAsync(Timeout));
            var document = await client.GetStringAsync("/openapi/v1.json").WaitAsync(Timeout);
            await File.WriteAllTextAsync(openapi, document);
            await File.WriteAllTextAsync(harness, Harness);

            var rendered = JsonSerializer.Deserialize<List<string>>(await RunAsync(node!, harness, script, openapi))!;

            var operations = JsonDocument.Parse(document).RootElement.GetProperty("paths").EnumerateObject()
                .Sum(path => path.Value.EnumerateObject().Count(m => m.Name is "get" or "post" or "put" or "patch" or "delete"));
            Assert.DoesNotContain(rendered, r => r.StartsWith("text:", StringComparison.Ordinal));
            Assert.Equal(operations, rendered.Count(r => r == "div"));
            Assert.Contains("h2", rendered);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string? FindNode()
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .SelectMany(d => new[] { Path.Combine(d, "node"), Path.Combine(d, "nodejs") })
            .FirstOrDefault(File.Exists);

    private static async Task<string> RunAsync(string node, params string[] args)
    {
        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(process.ExitCode == 0, await error);
        return (await output).Trim();
    }
}
