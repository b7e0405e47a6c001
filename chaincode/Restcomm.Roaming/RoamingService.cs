namespace Restcomm.Roaming;

/// <summary>
/// A wholesale (IOT) service. Quantities are whole seconds for voice, whole events for SMS and bytes for data; prices
/// are per <see cref="RoamingServices.RateUnit"/> quantity (a minute, an SMS, a megabyte of 1,048,576 bytes).
/// </summary>
public enum RoamingService
{
    /// <summary>Mobile-originated call to a number in the visited country.</summary>
    MocLocal = 0,

    /// <summary>Mobile-originated call back to the home country.</summary>
    MocHome = 1,

    /// <summary>Mobile-originated call to any other country.</summary>
    MocInternational = 2,

    /// <summary>Mobile-terminated call.</summary>
    Mtc = 3,

    /// <summary>Mobile-originated SMS.</summary>
    SmsMo = 4,

    /// <summary>Packet data (uplink plus downlink volume).</summary>
    Data = 5,
}

/// <summary>Units of the roaming services.</summary>
public static class RoamingServices
{
    /// <summary>Every service, in code order.</summary>
    public static IReadOnlyList<RoamingService> All { get; } =
        [RoamingService.MocLocal, RoamingService.MocHome, RoamingService.MocInternational, RoamingService.Mtc, RoamingService.SmsMo, RoamingService.Data];

    /// <summary>Bytes in the megabyte data is priced per.</summary>
    public const long BytesPerMegabyte = 1_048_576;

    /// <summary>The quantity a price is given for: 60 seconds, 1 SMS or 1,048,576 bytes.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The rate unit in the service's quantity.</returns>
    public static long RateUnit(this RoamingService service) => service switch
    {
        RoamingService.Data => BytesPerMegabyte,
        RoamingService.SmsMo => 1,
        _ => 60,
    };

    /// <summary>The name of the service's quantity: <c>second</c>, <c>event</c> or <c>byte</c>.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The unit name.</returns>
    public static string QuantityUnit(this RoamingService service) => service switch
    {
        RoamingService.Data => "byte",
        RoamingService.SmsMo => "event",
        _ => "second",
    };

    /// <summary>Whether a value is one of the defined services.</summary>
    /// <param name="service">The value.</param>
    /// <returns>True for a defined service.</returns>
    public static bool IsDefined(RoamingService service) => service is >= RoamingService.MocLocal and <= RoamingService.Data;
}
