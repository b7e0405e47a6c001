using System.Net.Http.Headers;

namespace Restcomm.Benchmarks;

/// <summary>What the REST load drivers (<c>eir-load</c>, <c>numbers-load</c>) share: options, the HTTP client, percentiles.</summary>
internal static class RestLoad
{
    /// <summary><c>--name value</c> pairs after the mode.</summary>
    public static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    /// <summary>A client of the API at <paramref name="url"/> with one connection per worker and the API key as bearer token.</summary>
    public static HttpClient Client(string url, string key, int concurrency, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(url), Timeout = timeout };
        if (key.Length > 0)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>The <paramref name="p"/> percentile of sorted values (nearest rank); 0 when there are none.</summary>
    public static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
