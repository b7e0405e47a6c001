using Restcomm.Fabric.Shim;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers.Internal;

/// <summary>
/// The chaincode's keys. Numbers and ports are keyed by the number's digits. A block's key has one attribute per shared
/// digit and a last one of <c>x</c>s, so a partial-key query on a prefix's digits finds every block inside it.
/// </summary>
internal static class NumberKeys
{
    /// <summary><c>numbers.number</c> [digits] → <see cref="NumberRecord"/>.</summary>
    public const string Number = "numbers.number";

    /// <summary><c>numbers.block</c> [digit, digit, …, x…] → <see cref="NumberBlock"/>.</summary>
    public const string Block = "numbers.block";

    /// <summary><c>numbers.port</c> [digits] → the number's latest <see cref="PortRequest"/>.</summary>
    public const string Port = "numbers.port";

    public static string NumberKey(IChaincodeStub stub, E164Number number) => stub.CreateCompositeKey(Number, number.Digits);

    public static string PortKey(IChaincodeStub stub, E164Number number) => stub.CreateCompositeKey(Port, number.Digits);

    public static string BlockKey(IChaincodeStub stub, NumberBlockId block) => stub.CreateCompositeKey(Block, [.. Digits(block.Prefix), new string('x', block.FreeDigits)]);

    public static IReadOnlyList<string> Digits(ulong prefix) => [.. prefix.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => c.ToString())];
}
