using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

public abstract class ApiTestBase : IAsyncLifetime
{
    protected static TimeSpan Timeout => GatewayApiFactory.Timeout;

    private protected GatewayApiFactory Factory { get; set; } = null!;

    public virtual Task InitializeAsync()
    {
        Factory = new GatewayApiFactory();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        GatewayApiFactory.DeleteDirectory(Factory.DataDirectory);
    }

    protected static HttpRequestMessage Post(string path, string body, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Content.Headers.ContentType!.CharSet = null;
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    protected static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, int status, string slug)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Equal("urn:restcomm:problem:" + slug, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
