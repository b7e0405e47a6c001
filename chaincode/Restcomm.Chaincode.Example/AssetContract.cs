using System.Text.Json;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Example;

/// <summary>An asset of the example chaincode; serialized as <c>{"id","owner","value"}</c>.</summary>
/// <param name="Id">The asset ID (its state key).</param>
/// <param name="Owner">The owner.</param>
/// <param name="Value">The value, as given.</param>
public sealed record Asset(string Id, string Owner, string Value);

/// <summary>The caller as the chaincode sees it.</summary>
/// <param name="MspId">The caller's MSP ID.</param>
/// <param name="Id">The caller's identity string (<c>x509::subject::issuer</c>).</param>
public sealed record Caller(string MspId, string Id);

/// <summary>
/// The reference contract other tests and clients rely on: assets in world state, private assets from the
/// transient map, and the caller's identity. Arguments are strings; results are JSON.
/// </summary>
[Contract(Name = "AssetContract", IsDefault = true, Title = "Example assets", Version = "1.0.0")]
public sealed class AssetContract : ContractBase
{
    /// <summary>The chaincode event CreateAsset emits, with the asset JSON as payload.</summary>
    public const string AssetCreatedEvent = "AssetCreated";

    /// <summary>The transient map key PutPrivateAsset reads.</summary>
    public const string TransientAssetKey = "asset";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Creates an asset; fails if the ID exists. Emits <c>AssetCreated</c>.</summary>
    [SubmitTransaction]
    public async Task<Asset> CreateAsset(TransactionContext ctx, string id, string owner, string value)
    {
        RequireId(id);
        if (await ctx.Stub.GetStateAsync(id, ctx.CancellationToken).ConfigureAwait(false) is not null)
        {
            throw new ChaincodeException($"the asset {id} already exists");
        }

        var asset = new Asset(id, owner, value);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(asset, Json);
        await ctx.Stub.PutStateAsync(id, bytes, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Stub.SetEvent(AssetCreatedEvent, bytes);
        return asset;
    }

    /// <summary>Reads an asset; fails if absent.</summary>
    [EvaluateTransaction]
    public async Task<Asset> ReadAsset(TransactionContext ctx, string id) => await ReadExistingAsync(ctx, id).ConfigureAwait(false);

    /// <summary>Replaces an asset's owner and value; fails if absent.</summary>
    [SubmitTransaction]
    public async Task<Asset> UpdateAsset(TransactionContext ctx, string id, string owner, string value)
    {
        await ReadExistingAsync(ctx, id).ConfigureAwait(false);
        var asset = new Asset(id, owner, value);
        await ctx.Stub.PutStateAsync(id, JsonSerializer.SerializeToUtf8Bytes(asset, Json), ctx.CancellationToken).ConfigureAwait(false);
        return asset;
    }

    /// <summary>Deletes an asset; fails if absent.</summary>
    [SubmitTransaction]
    public async Task DeleteAsset(TransactionContext ctx, string id)
    {
        await ReadExistingAsync(ctx, id).ConfigureAwait(false);
        await ctx.Stub.DeleteStateAsync(id, ctx.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the assets with IDs in [startId, endId) (empty bounds are open).</summary>
    [EvaluateTransaction]
    public async Task<List<Asset>> GetAssetsByRange(TransactionContext ctx, string startId, string endId)
    {
        var assets = new List<Asset>();
        await foreach (var kv in ctx.Stub.GetStateByRangeAsync(startId, endId).WithCancellation(ctx.CancellationToken).ConfigureAwait(false))
        {
            assets.Add(Parse(kv.Value.Span, kv.Key));
        }

        return assets;
    }

    /// <summary>Stores a private asset in a collection; its owner and value come from the transient map key <c>asset</c>.</summary>
    [SubmitTransaction]
    public async Task PutPrivateAsset(TransactionContext ctx, string collection, string id)
    {
        RequireId(id);
        if (!ctx.Stub.Transient.TryGetValue(TransientAssetKey, out var transient))
        {
            throw new ChaincodeException($"the transient map must hold '{TransientAssetKey}' as JSON {{\"owner\",\"value\"}}", ChaincodeResponse.BadRequest);
        }

        PrivateAssetInput? input;
        try
        {
            input = JsonSerializer.Deserialize<PrivateAssetInput>(transient, Json);
        }
        catch (JsonException e)
        {
            throw new ChaincodeException($"transient '{TransientAssetKey}' is not JSON {{\"owner\",\"value\"}}: {e.Message}", ChaincodeResponse.BadRequest);
        }

        if (input?.Owner is null || input.Value is null)
        {
            throw new ChaincodeException($"transient '{TransientAssetKey}' must have string fields owner and value", ChaincodeResponse.BadRequest);
        }

        var asset = new Asset(id, input.Owner, input.Value);
        await ctx.Stub.PutPrivateDataAsync(collection, id, JsonSerializer.SerializeToUtf8Bytes(asset, Json), ctx.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a private asset as stored; fails if absent.</summary>
    [EvaluateTransaction]
    public async Task<byte[]> ReadPrivateAsset(TransactionContext ctx, string collection, string id)
    {
        var bytes = await ctx.Stub.GetPrivateDataAsync(collection, id, ctx.CancellationToken).ConfigureAwait(false);
        return bytes ?? throw new ChaincodeException($"the private asset {id} does not exist in collection {collection}");
    }

    /// <summary>The caller's MSP ID and identity string.</summary>
    [EvaluateTransaction]
    public Caller GetCaller(TransactionContext ctx) => new(ctx.ClientIdentity.MspId, ctx.ClientIdentity.Id);

    private static async Task<Asset> ReadExistingAsync(TransactionContext ctx, string id)
    {
        RequireId(id);
        var bytes = await ctx.Stub.GetStateAsync(id, ctx.CancellationToken).ConfigureAwait(false);
        return bytes is null ? throw new ChaincodeException($"the asset {id} does not exist") : Parse(bytes, id);
    }

    private static Asset Parse(ReadOnlySpan<byte> bytes, string key) =>
        JsonSerializer.Deserialize<Asset>(bytes, Json) ?? throw new ChaincodeException($"the state of {key} is not an asset");

    private static void RequireId(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ChaincodeException("the asset id must not be empty", ChaincodeResponse.BadRequest);
        }
    }

    private sealed record PrivateAssetInput(string? Owner, string? Value);
}
