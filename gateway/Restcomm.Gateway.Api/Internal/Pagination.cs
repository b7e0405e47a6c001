using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>A page of results and the cursor of the next page (null on the last page).</summary>
/// <typeparam name="T">Item type.</typeparam>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset pagination: <c>?limit=&amp;cursor=</c>. Cursors are opaque to clients (base64url JSON naming the
/// list they belong to and the last key seen), so the store's keys can change without breaking them.
/// </summary>
internal readonly record struct PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Reads <c>limit</c> and <c>cursor</c>; on bad input returns a problem result to send instead.</summary>
    public static bool TryParse(string list, int? limit, string? cursor, out PageRequest page, out IResult? problem)
    {
        page = default;
        problem = null;
        var take = limit ?? DefaultLimit;
        if (take < 1 || take > MaxLimit)
        {
            problem = Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
            return false;
        }

        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = Decode(list, cursor);
            if (after is null)
            {
                problem = Problems.Result(ProblemTypes.InvalidCursor, "The cursor was not issued for this list; pass back the 'nextCursor' of the previous page unchanged.");
                return false;
            }
        }

        page = new PageRequest(take, after);
        return true;
    }

    public static string Encode(string list, string after)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new CursorBody(list, after));
        return Base64Url.EncodeToString(json);
    }

    private static string? Decode(string list, string cursor)
    {
        try
        {
            var body = JsonSerializer.Deserialize<CursorBody>(Base64Url.DecodeFromChars(cursor));
            return body is not null && body.L == list && body.A is { Length: > 0 } ? body.A : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CursorBody(string L, string A);
}

/// <summary>Helpers to build pages from a store query that fetched one row more than asked.</summary>
internal static class PageExtensions
{
    public static Page<TOut> ToPage<TIn, TOut>(this IReadOnlyList<TIn> items, bool hasMore, string list, Func<TIn, string> key, Func<TIn, TOut> map) =>
        new(items.Select(map).ToList(), hasMore && items.Count > 0 ? PageRequest.Encode(list, key(items[^1])) : null);
}

internal static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(false, true);

    /// <summary>The bytes as text when they are valid UTF-8, else null.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
